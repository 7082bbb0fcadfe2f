"""After a meeting moved: tell the invited agencies (e-mail with the new .ics, a WhatsApp text).

The meetings feature sends the committee here after a move (`meetings.hooks.after_move`)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.meetings.models import MeetingDateChange
from rakor.meetings.web import in_meeting, with_meeting
from rakor.participants import bp, date_change, mails
from rakor.policy import COMMITTEE, roles


@bp.route("/meetings/<int:meeting_id>/moved/<int:change_id>")
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def date_change_notice(meeting, change_id):
    """Who will be told of the move, and the WhatsApp text."""
    change = in_meeting(MeetingDateChange, change_id, meeting)
    text = mails.date_change_whatsapp_text(meeting, change)
    return render_template("participants/date_change_notice.html", meeting=meeting, change=change,
                           recipients=date_change.recipients(meeting), whatsapp_text=text,
                           whatsapp_url=mails.whatsapp_share_url(text),
                           chats=date_change.whatsapp_chats(meeting, text))


@bp.route("/meetings/<int:meeting_id>/moved/<int:change_id>/notify", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def date_change_notify(meeting, change_id):
    """E-mail every recipient (once per move)."""
    change = in_meeting(MeetingDateChange, change_id, meeting)
    with domain_action() as done:
        count = date_change.notify_date_change(
            change, by_user=current_user,
            url=external_url("meetings.view", meeting_id=meeting.id))
    if done.ok:
        flash(_("%(n)d e-mails about the new schedule are on their way; the outbox on the invitations "
                "page shows whether each one was sent.", n=count) if count else
              _("Nobody has an e-mail address for this meeting yet; use the WhatsApp text."), "success")
    return redirect(url_for("participants.date_change_notice", meeting_id=meeting.id, change_id=change.id))
