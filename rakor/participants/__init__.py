"""Participants of a meeting: registration, seat quotas, invitation links, check-in, import and
export, and the attendance sheet."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("participants", __name__)


def init_app(app):
    from rakor.core import page_cache
    from rakor.documents import registry as documents
    from rakor.main import dashboard
    from rakor.meetings import hooks
    from rakor.notices import kinds as notice_kinds
    from rakor.participants import dashboard as desk_dashboard
    from rakor.participants import rules, views  # noqa: F401  (policy rules; every route)
    from rakor.participants.cli import participants_cli
    from rakor.participants.documents import ATTENDANCE
    from rakor.participants.letters import INVITATION
    from rakor.participants.queries import invited_agency_ids
    from rakor.participants.sections import failed_mail_section, meeting_section
    from rakor.participants.views._common import phone_filter

    # Kept apart from the rest of the meeting page: a check-in re-renders this section only.
    hooks.sections.register("participants", template="participants/_meeting_section.html",
                            loader=meeting_section, order=20, part=page_cache.PARTICIPANTS)
    hooks.sections.register("failed_mail", template="participants/_meeting_failed_mails.html",
                            loader=failed_mail_section, order=5, part=page_cache.MAIL)
    for order, (key, label, endpoint, action) in enumerate((
        ("participants", _l("Participants"), "participants.index", "meeting.view"),
        ("quotas", _l("Seat quotas"), "participants.quotas_page", "meeting.view"),
        ("invitations", _l("Invitations"), "participants.invitations", "meeting.view"),
        ("checkin", _l("Check-in"), "participants.checkin", "meeting.check_in"),
    ), start=1):
        hooks.tabs.register(key, label=label, endpoint=endpoint, action=action, order=10 * order)
    hooks.after_move.register("notify_agencies", endpoint="participants.date_change_notice")
    dashboard.panels.register("checkin_today", template=desk_dashboard.TEMPLATE,
                              loader=desk_dashboard.checkin_panel, order=15, reads=desk_dashboard.panel_reads)
    documents.register(ATTENDANCE)
    documents.register(INVITATION)
    notice_kinds.audiences.register("invited_agencies", loader=invited_agency_ids)
    app.add_template_filter(phone_filter, "phone")
    app.cli.add_command(participants_cli)
    app.register_blueprint(bp)
