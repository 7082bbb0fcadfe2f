"""The dashboard host (panels other features register) and the language switch."""
from flask import Blueprint

bp = Blueprint("main", __name__)


def init_app(app):
    from rakor.main import views  # noqa: F401  (routes)

    app.register_blueprint(bp)
