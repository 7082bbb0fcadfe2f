"""The OpenAPI description (generated) and its page (Swagger UI served from static/vendor)."""
import threading

from flask import Blueprint, current_app, render_template

from rakor.api.http import respond
from rakor.policy import public

bp = Blueprint("api_docs", __name__)


_SPEC_LOCK = threading.Lock()


def spec_dict(app):
    """The description, generated once per app: apispec resolves its lazy components while
    dumping, which two threads must not do at once (concurrent first requests answered 500)."""
    with _SPEC_LOCK:
        cached = app.extensions.get("rakor.api.spec")
        if cached is None:
            cached = app.extensions["rakor.api.spec"] = app.extensions["rakor.api"].spec.to_dict()
    return cached


@bp.route("/api/v1/openapi.json")
@public
def openapi_json():
    """Public: it describes the API, it holds no data."""
    return respond(spec_dict(current_app))


@bp.route("/api/v1/docs")
@public
def docs_page():
    """Swagger UI under the site's own CSP (its styles come from its CSS file; what it sets from
    script goes through the CSSOM, which style-src does not block)."""
    return render_template("api/docs.html")
