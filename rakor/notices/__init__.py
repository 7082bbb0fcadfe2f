"""Notices: what happened that concerns a user (a commitment returned, a report verified, a
meeting moved...), in-app on the home page ("Perlu tindakan") and by e-mail through the outbox.

The machinery sits below the features (above auth and mail, beside the dashboard host): a
feature registers how each of its kinds reads (`kinds.register`) and who a meeting's audience is
(`kinds.audiences`), and its service calls `services.notify(...)` where the event happens.
"""
from flask import Blueprint
from flask_login import current_user

bp = Blueprint("notices", __name__)


def init_app(app):
    from rakor.auth import loading
    from rakor.main import dashboard
    from rakor.notices import queries, views  # noqa: F401  (routes)
    from rakor.notices.models import Notice

    loading.register_column("unread_notices", loader=queries.unread_count_column,
                            keep=queries.keep_unread_count, moved_by=(Notice, "user_id"))

    dashboard.panels.register("notices", template="notices/_dashboard_panel.html",
                              loader=queries.home_panel, order=1, reads=lambda _user: ())

    @app.context_processor
    def unread_notices():
        # Called by the navbar only: the count came with the signed-in user (its row or the
        # session cache's entry), else one query per full page; fragments and JSON pay nothing.
        def count():
            return queries.unread_count(current_user) if current_user.is_authenticated else 0
        return {"unread_notices": count}

    app.register_blueprint(bp)
