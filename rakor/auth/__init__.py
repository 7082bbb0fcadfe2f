"""Accounts: sign-in, sign-out, password change."""
from flask import Blueprint

bp = Blueprint("auth", __name__)


def init_app(app):
    from rakor.auth import views  # noqa: F401  (routes)

    app.register_blueprint(bp)
