"""Minutes (notulen): notes per agenda item, versions and finalisation, the PDF leadership
downloads, and the public page that verifies a printed copy."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("minutes", __name__)


def init_app(app):
    from rakor.minutes.models import MinutesPdf
    from rakor.storage import columns as stored_files

    stored_files.register(MinutesPdf, "final minutes PDFs")
    from rakor.documents import registry as documents
    from rakor.documents import verification
    from rakor.main import dashboard
    from rakor.meetings import hooks
    from rakor.meetings.rules import sight_lapses_at
    from rakor.minutes import notices as minutes_notices
    from rakor.minutes import rules, views  # noqa: F401  (policy rules, routes)
    from rakor.minutes.documents import MINUTES, verified_minutes
    from rakor.minutes.sections import latest_minutes_panel, meeting_section
    from rakor.minutes.services import require_final_minutes

    hooks.sections.register("minutes", template="minutes/_meeting_section.html", loader=meeting_section,
                            order=40)
    hooks.tabs.register("minutes", label=_l("Minutes"), endpoint="minutes.index", action="minutes.view",
                        order=40)
    # After other guards (order 100): it queries, they may refuse without.
    hooks.transition_guards.register("minutes_final", "minutes", require_final_minutes, order=200)
    dashboard.panels.register("latest_minutes", template="minutes/_dashboard_panel.html",
                              loader=latest_minutes_panel, order=5,
                              lapses_at=lambda user, _context: sight_lapses_at(user))
    documents.register(MINUTES)
    minutes_notices.register()
    verification.register("minutes", verified_minutes, order=10)
    app.register_blueprint(bp)
