"""Accounts: sign-in, sign-out, password change."""
from flask import Blueprint

bp = Blueprint("auth", __name__)


def init_app(app):
    from rakor.auth import loading, session_cache, tenancy, views  # noqa: F401  (routes)

    loading.register_column("extra_agency_ids", loader=tenancy.extra_agency_ids_column,
                            keep=tenancy.keep_extra_agency_ids)
    session_cache.init_app(app)

    app.register_blueprint(bp)
