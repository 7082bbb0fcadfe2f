"""Progress monitoring: quarterly updates on agreed commitments with evidence, overdue flags,
the dashboard with its charts, and the monitoring report (laporan monitoring)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.session import Session

bp = Blueprint("progress", __name__)


def init_app(app):
    from rakor.progress.models import MonitoringReport
    from rakor.storage import columns as stored_files

    stored_files.register(MonitoringReport, "issued monitoring reports")
    from rakor.documents import periodic
    from rakor.documents import registry as documents
    from rakor.main import dashboard as home
    from rakor.meetings import hooks
    from rakor.progress import notices as progress_notices
    from rakor.progress import (
        reminders,
        rules,  # noqa: F401  (policy rules)
        tally,
    )
    from rakor.progress.cli import progress_cli, reminders_cli
    from rakor.progress.dashboard import PANEL_TEMPLATE, home_panel, home_panel_lapse, home_panel_reads
    from rakor.progress.documents import MONITORING
    from rakor.progress.sections import earlier_progress_block
    from rakor.progress.views import imports, monitoring, reporting, reports, review_many  # noqa: F401  (routes)

    tally.install(Session)  # the dashboard's tallies follow every write, in its transaction

    hooks.tabs.register("progress", label=_l("Progress"), endpoint="progress.meeting", action="meeting.view",
                        order=20)
    hooks.follow_up_blocks.register("progress", template="progress/_follow_up_block.html",
                                    loader=earlier_progress_block, order=20)
    home.panels.register("progress", template=PANEL_TEMPLATE, loader=home_panel, order=20,
                         reads=home_panel_reads, lapses_at=home_panel_lapse)
    documents.register(MONITORING)
    progress_notices.register()
    from rakor.meetings.materials import stored_keys
    from rakor.progress.models import ProgressEvidence
    from rakor.storage import references

    references.register("evidence/", loader=lambda: stored_keys(ProgressEvidence, "evidence"),
                        what="progress evidence")
    reminders.register()
    periodic.tasks.register("reminders", loader=reminders.send_due, interval_key="REMINDER_INTERVAL")
    app.cli.add_command(progress_cli)
    app.cli.add_command(reminders_cli)
    app.register_blueprint(bp)
