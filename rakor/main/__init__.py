"""The dashboard host (panels other features register) and the language switch."""
from flask import Blueprint

bp = Blueprint("main", __name__)


def init_app(app):
    from rakor.main import views  # noqa: F401  (routes)

    @app.context_processor
    def organizer():
        return {"organizer_name": app.config.get("ORGANIZER_NAME") or ""}

    app.register_blueprint(bp)
