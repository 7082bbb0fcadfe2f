"""The invitation letter on the invitations page: its sifat, place and tembusan, and its number
(given now, or typed from the central mail office) before it goes out by post or by hand. A
letter e-mailed with the links is numbered as it is sent (participants/mails.py)."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.web import domain_action
from rakor.meetings.web import with_meeting
from rakor.participants import bp, letters
from rakor.participants.forms import InvitationLetterForm, LetterNumberForm
from rakor.participants.views.invitations import _render_invitations
from rakor.policy import COMMITTEE, roles


def _back(meeting):
    return redirect(url_for("participants.invitations", meeting_id=meeting.id, _anchor="invitation-letter"))


@bp.route("/meetings/<int:meeting_id>/invitations/letter", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_letter_save(meeting):
    """Save the letter's sifat, place and tembusan."""
    form = InvitationLetterForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            letters.save_letter(meeting, nature=form.nature.data, place=form.place.data, copies=form.copies.data)
        if done.ok:
            flash(_("The invitation letter is saved."), "success")
            return _back(meeting)
    return _render_invitations(meeting, status=422, letter_form=form)


@bp.route("/meetings/<int:meeting_id>/invitations/letter/number", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_letter_number(meeting):
    """Give the letter its number now: the one typed (from the central mail office), else the
    next of the organizer's register."""
    form = LetterNumberForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            entry = letters.number_letter(meeting, by_user=current_user, typed=form.number.data)
        if done.ok:
            flash(_("The invitation letter has the number %(number)s.", number=entry.number), "success")
            return _back(meeting)
    return _render_invitations(meeting, status=422, number_form=form)
