"""The check-in desk (search, one click "present"), the QR check-in link and printable badges.

The QR code of a badge encodes /c/<checkin_code>. Opening it needs a committee account
(anonymous users are sent to the login page and back, delegates get 403); the page only shows
a confirmation button: GET never changes anything."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from rakor.core.formatting import format_time
from rakor.core.urls import int_arg
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.web import in_meeting, with_meeting
from rakor.participants import bp, queries
from rakor.participants.checkin import checkin_url, qr_svg
from rakor.participants.forms import ROLE_LABELS
from rakor.participants.models import Participant
from rakor.participants.services import check_in
from rakor.participants.stats import meeting_stats
from rakor.policy import COMMITTEE, DELEGATE, require, roles

PER_PAGE = 30


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _checked_in(participant, meeting, first_time):
    """(message, local time): 'present' the first time, 'already checked in' after."""
    at = format_time(participant.checked_in_at, meeting.timezone)
    if first_time:
        return _("%(name)s is present (%(time)s).", name=participant.name, time=at), at
    return _("%(name)s was already checked in at %(time)s.", name=participant.name, time=at), at


def _report_silently(error):
    """on_error when the answer is JSON: the view sends the message itself."""


@bp.route("/meetings/<int:meeting_id>/checkin")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin(meeting):
    """The desk: search the registered participants, mark them present."""
    q = request.args.get("q", "").strip()[:100]
    page = db.paginate(queries.checkin_search(meeting.id, q), per_page=PER_PAGE, error_out=False)
    return render_template("participants/checkin.html", meeting=meeting, page=page, q=q,
                           stats=meeting_stats(meeting.id), role_labels=ROLE_LABELS)


@bp.route("/meetings/<int:meeting_id>/checkin/<int:participant_id>", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_mark(meeting, participant_id):
    """Mark a participant present (JSON for the desk's script, else back to the desk)."""
    participant = in_meeting(Participant, participant_id, meeting, joinedload(Participant.agency))
    require(current_user, "participant.check_in", participant)
    back = url_for("participants.checkin", meeting_id=meeting.id, q=request.form.get("q") or None,
                   page=request.form.get("page", type=int) or None)
    wants_json = _wants_json()
    with domain_action(on_error=_report_silently if wants_json else None) as done:
        first_time = check_in(participant, by_user=current_user)
    if not done.ok:
        if wants_json:
            return jsonify(ok=False, message=str(done.error.message)), 409
        return redirect(back)
    message, at = _checked_in(participant, meeting, first_time)
    if wants_json:
        present = meeting_stats(meeting.id)
        return jsonify(ok=True, first_time=first_time, message=message, time=at,
                       label=_("Present"), checked_in=present.checked_in,
                       registered=present.registered)
    flash(message, "success" if first_time else "info")
    return redirect(back)


# --- the QR link ---------------------------------------------------------------------------

@bp.route("/c/<code>", methods=["GET", "POST"])
@roles(COMMITTEE)
def checkin_code(code):
    """A badge's QR code: who it is, and a button to mark them present."""
    participant = queries.participant_by_code(code)
    if participant is None:
        return render_template("participants/checkin_code.html", participant=None), 404
    require(current_user, "participant.check_in", participant)
    meeting = participant.meeting
    if request.method == "POST":
        with domain_action() as done:
            first_time = check_in(participant, by_user=current_user)
        if done.ok:
            message, _at = _checked_in(participant, meeting, first_time)
            flash(message, "success" if first_time else "info")
        return redirect(url_for("participants.checkin_code", code=code))
    return render_template("participants/checkin_code.html", participant=participant, meeting=meeting,
                           role_labels=ROLE_LABELS)


# --- badges --------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/badge")
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def badge(meeting, participant_id):
    """One participant's badge with its QR code."""
    participant = in_meeting(Participant, participant_id, meeting, joinedload(Participant.agency))
    require(current_user, "participant.edit", participant)
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(participant, qr_svg(checkin_url(participant)))], single=True)


@bp.route("/meetings/<int:meeting_id>/badges")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def badges(meeting):
    """Every registered participant's badge on printable A4 sheets (optionally one agency)."""
    participants = queries.badge_participants(meeting.id, int_arg(request.args, "agency"))
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(p, qr_svg(checkin_url(p), scale=3)) for p in participants],
                           single=False)
