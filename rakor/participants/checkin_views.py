"""The check-in desk (search, one click "present"), the QR check-in link and printable badges.

The QR code of a badge encodes /c/<checkin_code>. Opening it needs a committee account
(anonymous users are sent to the login page and back, delegates get 403); the page only shows
a confirmation button: GET never changes anything."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.core.errors import DomainError
from rakor.core.formatting import format_time
from rakor.core.urls import int_arg
from rakor.extensions import db
from rakor.participants import bp
from rakor.participants.checkin import MAX_CODE_LENGTH, checkin_url, qr_svg, search_statement
from rakor.participants.forms import ROLE_LABELS
from rakor.participants.models import Participant
from rakor.participants.services import check_in
from rakor.participants.stats import meeting_stats
from rakor.participants.views import meeting_or_404, participant_or_404
from rakor.policy import COMMITTEE, DELEGATE, require, roles

PER_PAGE = 30


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


@bp.route("/meetings/<int:meeting_id>/checkin")
@roles(COMMITTEE)
def checkin(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.check_in", meeting)
    q = request.args.get("q", "").strip()[:100]
    stmt = (search_statement(meeting.id, q).options(joinedload(Participant.agency))
            .order_by(Participant.name, Participant.id))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("participants/checkin.html", meeting=meeting, page=page, q=q,
                           stats=meeting_stats(meeting.id), role_labels=ROLE_LABELS)


@bp.route("/meetings/<int:meeting_id>/checkin/<int:participant_id>", methods=["POST"])
@roles(COMMITTEE)
def checkin_mark(meeting_id, participant_id):
    meeting = meeting_or_404(meeting_id)
    participant = participant_or_404(meeting, participant_id)
    require(current_user, "participant.check_in", participant)
    back = url_for("participants.checkin", meeting_id=meeting.id, q=request.form.get("q") or None,
                   page=request.form.get("page", type=int) or None)
    try:
        first_time = check_in(participant, by_user=current_user)
    except DomainError as e:
        db.session.rollback()
        if _wants_json():
            return jsonify(ok=False, message=str(e.message)), 409
        flash(str(e.message), "danger")
        return redirect(back)
    db.session.commit()
    at = format_time(participant.checked_in_at, meeting.timezone)
    if first_time:
        message = _("%(name)s is present (%(time)s).", name=participant.name, time=at)
    else:
        message = _("%(name)s was already checked in at %(time)s.", name=participant.name, time=at)
    if _wants_json():
        present = meeting_stats(meeting.id)
        return jsonify(ok=True, first_time=first_time, message=message, time=at,
                       label=_("Present"), checked_in=present.checked_in,
                       registered=present.registered)
    flash(message, "success" if first_time else "info")
    return redirect(back)


# --- the QR link ---------------------------------------------------------------------------

def _participant_by_code(code):
    participant = None
    if code and len(code) <= MAX_CODE_LENGTH:
        participant = db.session.scalar(
            select(Participant).options(joinedload(Participant.agency), joinedload(Participant.meeting))
            .where(Participant.checkin_code == code))
    return participant


@bp.route("/c/<code>", methods=["GET", "POST"])
@roles(COMMITTEE)
def checkin_code(code):
    participant = _participant_by_code(code)
    if participant is None:
        return render_template("participants/checkin_code.html", participant=None), 404
    require(current_user, "participant.check_in", participant)
    meeting = participant.meeting
    if request.method == "POST":
        try:
            first_time = check_in(participant, by_user=current_user)
        except DomainError as e:
            db.session.rollback()
            flash(str(e.message), "danger")
        else:
            db.session.commit()
            at = format_time(participant.checked_in_at, meeting.timezone)
            if first_time:
                flash(_("%(name)s is present (%(time)s).", name=participant.name, time=at), "success")
            else:
                flash(_("%(name)s was already checked in at %(time)s.", name=participant.name, time=at),
                      "info")
        return redirect(url_for("participants.checkin_code", code=code))
    return render_template("participants/checkin_code.html", participant=participant, meeting=meeting,
                           role_labels=ROLE_LABELS)


# --- badges --------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/badge")
@roles(COMMITTEE, DELEGATE)
def badge(meeting_id, participant_id):
    meeting = meeting_or_404(meeting_id)
    participant = participant_or_404(meeting, participant_id)
    require(current_user, "meeting.view", meeting)
    require(current_user, "participant.edit", participant)
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(participant, qr_svg(checkin_url(participant)))], single=True)


@bp.route("/meetings/<int:meeting_id>/badges")
@roles(COMMITTEE)
def badges(meeting_id):
    """Every registered participant's badge on printable A4 sheets (optionally one agency)."""
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.check_in", meeting)
    agency_id = int_arg(request.args, "agency")
    stmt = (select(Participant).options(joinedload(Participant.agency))
            .where(Participant.meeting_id == meeting.id, Participant.status == "registered")
            .order_by(Participant.agency_id, Participant.name, Participant.id))
    if agency_id:
        stmt = stmt.where(Participant.agency_id == agency_id)
    participants = db.session.scalars(stmt).all()
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(p, qr_svg(checkin_url(p), scale=3)) for p in participants],
                           single=False)
