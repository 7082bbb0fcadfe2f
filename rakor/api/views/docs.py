"""The OpenAPI description (generated) and its page (Swagger UI served from static/vendor)."""
from flask import Blueprint, current_app, render_template

from rakor.api.http import respond
from rakor.policy import public

bp = Blueprint("api_docs", __name__)
# Swagger UI sets element styles from script; only this page allows inline styles.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'")


@bp.route("/api/v1/openapi.json")
@public
def openapi_json():
    """Public: it describes the API, it holds no data."""
    return respond(current_app.extensions["rakor.api"].spec.to_dict())


@bp.route("/api/v1/docs")
@public
def docs_page():
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
