"""The OpenAPI 3.1 description, generated from the routes and schemas by flask-smorest
(apispec + marshmallow): the same schemas validate input, so the description cannot drift."""
import http

from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from rakor.api.fields import decimal_field2property

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Field errors in the caller's language."})


class RakorApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """flask-smorest would answer every HTTP error of the whole app in JSON; only the API's
        blueprints answer with problems (rakor/api/__init__.py), the pages keep their own."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def make_api(app):
    app.config.setdefault("API_TITLE", "Rakor API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    # The description and its page are served by rakor.api.docs (declared access, local assets).
    app.config["OPENAPI_URL_PREFIX"] = None
    plugin = MarshmallowPlugin()
    api = RakorApi(spec_kwargs={
        "marshmallow_plugin": plugin,
        "info": {"description": "Meetings, commitments and progress of Rakor. Authenticate with a "
                                "personal access token (account menu, API tokens): "
                                "`Authorization: Bearer rkr_…`. Decimal values are strings."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
    })
    api.init_app(app)
    plugin.converter.add_attribute_function(decimal_field2property)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    return api
