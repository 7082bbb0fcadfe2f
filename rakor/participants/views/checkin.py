"""The check-in desk (search as you type, filters, one tap "present", undo, walk-in guests,
camera scanner), the QR check-in link and printable badges.

The QR code of a badge encodes /c/<checkin_code>. Opening it needs a committee account
(anonymous users are sent to the login page and back, delegates get 403); the page only shows
a confirmation button: GET never changes anything. The desk's scanner posts the code to
`checkin_scan` instead, which only accepts badges of the desk's own meeting.

Every desk action answers JSON to the desk's script (with the participant's row re-rendered,
so the script never builds markup) and redirects back to the desk otherwise: the desk works
without JavaScript as plain forms."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from rakor.auth import tenancy
from rakor.core.downloads import send_bytes
from rakor.core.formatting import format_time
from rakor.core.forms import add_errors, choices
from rakor.core.urls import int_arg
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.meetings.web import in_meeting, with_meeting
from rakor.participants import bp, queries
from rakor.participants.checkin import before_meeting_day, checkin_url, qr_svg
from rakor.participants.forms import ROLE_LABELS, WalkInForm
from rakor.participants.models import Participant
from rakor.participants.services import check_in, clean_participant, register_walk_in, undo_check_in
from rakor.participants.stats import meeting_stats
from rakor.participants.views._common import flash_warnings
from rakor.policy import COMMITTEE, DELEGATE, authenticated, require, roles
from rakor.regions import logos
from rakor.regions.models import Agency

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


def _desk_filters(source):
    """(q, status) of the desk from a query string or a posted form."""
    q = (source.get("q") or "").strip()[:100]
    status = source.get("status") or "all"
    return q, status if status in queries.CHECKIN_FILTERS else "all"


def _desk_url(meeting, source=None):
    q, status = _desk_filters(source if source is not None else request.form)
    return url_for("participants.checkin", meeting_id=meeting.id, q=q or None,
                   status=None if status == "all" else status,
                   page=(source or request.form).get("page", type=int) or None)


def _row_html(meeting, participant_id, q, status):
    participant = queries.desk_participant(meeting.id, participant_id)
    return render_template("participants/_checkin_row.html", p=participant, meeting=meeting, q=q,
                           status=status, page_number=request.form.get("page", type=int) or 1,
                           role_labels=ROLE_LABELS)


def _desk_answer(meeting, participant, ok, message, category="success", status_code=200):
    """JSON for the desk's script (message, the row as it now is, the totals), else a flash
    and back to the desk with its search and filter."""
    if _wants_json():
        q, status = _desk_filters(request.form)
        present = meeting_stats(meeting.id)
        return jsonify(ok=ok, message=message, category=category,
                       row=_row_html(meeting, participant.id, q, status) if participant else None,
                       checked_in=present.checked_in, registered=present.registered), status_code
    flash(message, category)
    return redirect(_desk_url(meeting))


@bp.route("/meetings/<int:meeting_id>/checkin")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin(meeting):
    """The desk: find registered participants as you type, mark them present or undo."""
    q, status = _desk_filters(request.args)
    page = db.paginate(queries.checkin_search(meeting.id, q, status), per_page=PER_PAGE, error_out=False)
    context = dict(meeting=meeting, page=page, q=q, status=status, role_labels=ROLE_LABELS,
                   filters=_filter_labels())
    if request.args.get("fragment"):
        # The desk's script asks for the results only while someone types.
        return render_template("participants/_checkin_results.html", **context)
    walk_in = _walk_in_form(meeting)
    return render_template("participants/checkin.html", stats=meeting_stats(meeting.id), walk_in=walk_in,
                           early=before_meeting_day(meeting), flagged=queries.flagged_count(meeting.id),
                           **context)


def _filter_labels():
    return {"all": _("All"), "absent": _("Not yet present"), "present": _("Present")}


@bp.route("/meetings/<int:meeting_id>/checkin/<int:participant_id>", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_mark(meeting, participant_id):
    """Mark a participant present (JSON for the desk's script, else back to the desk)."""
    participant = in_meeting(Participant, participant_id, meeting, joinedload(Participant.agency))
    require(current_user, "participant.check_in", participant)
    wants_json = _wants_json()
    with domain_action(on_error=_report_silently if wants_json else None) as done:
        first_time = check_in(participant, by_user=current_user)
    if not done.ok:
        if wants_json:
            return jsonify(ok=False, message=str(done.error.message)), 409
        return redirect(_desk_url(meeting))
    message, at = _checked_in(participant, meeting, first_time)
    if wants_json:
        present = meeting_stats(meeting.id)
        q, status = _desk_filters(request.form)
        return jsonify(ok=True, first_time=first_time, message=message, time=at,
                       label=_("Present"), checked_in=present.checked_in,
                       registered=present.registered, row=_row_html(meeting, participant.id, q, status))
    flash(message, "success" if first_time else "info")
    return redirect(_desk_url(meeting))


@bp.route("/meetings/<int:meeting_id>/checkin/<int:participant_id>/undo", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_undo(meeting, participant_id):
    """Take back a mistaken check-in; who did it and when is recorded and shown on the desk."""
    participant = in_meeting(Participant, participant_id, meeting)
    require(current_user, "participant.check_in", participant)
    with domain_action(on_error=_report_silently) as done:
        undone = undo_check_in(participant, by_user=current_user)
    if not done.ok:
        return _desk_answer(meeting, participant, False, str(done.error.message), "danger", 409)
    if undone:
        message = _("The check-in of %(name)s is undone.", name=participant.name)
    else:
        message = _("%(name)s is not checked in; nothing to undo.", name=participant.name)
    return _desk_answer(meeting, participant, True, message, "info")


@bp.route("/meetings/<int:meeting_id>/checkin/scan", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_scan(meeting):
    """The desk's camera read a badge: check in its participant, if the badge is of this meeting."""
    participant = queries.participant_by_code(request.form.get("code", "").strip())
    if participant is None:
        return _desk_answer(meeting, None, False, _("This QR code is not a participant's badge."), "danger", 404)
    if participant.meeting_id != meeting.id:
        return _desk_answer(meeting, None, False, _("%(name)s's badge is for another meeting: %(title)s.",
                                                    name=participant.name, title=participant.meeting.title),
                            "danger", 409)
    require(current_user, "participant.check_in", participant)
    with domain_action(on_error=_report_silently) as done:
        first_time = check_in(participant, by_user=current_user)
    if not done.ok:
        return _desk_answer(meeting, participant, False, str(done.error.message), "danger", 409)
    message, _at = _checked_in(participant, meeting, first_time)
    return _desk_answer(meeting, participant, True, message, "success" if first_time else "info")


def _walk_in_form(meeting):
    form = WalkInForm()
    form.agency_id.choices = choices([("", "—"), *queries.agency_choices(meeting.id, tenancy.invitable_agencies(current_user, meeting.organizer_agency_id))])
    return form


@bp.route("/meetings/<int:meeting_id>/checkin/walk-in", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("participant.register")
def checkin_walk_in(meeting):
    """A guest who came without registering: register and check in at once."""
    form = _walk_in_form(meeting)
    if form.validate_on_submit():
        raw = {"name": form.name.data, "position": form.position.data, "phone": form.phone.data}
        result = clean_participant(raw, form.agency_id.data)
        if result.errors:
            add_errors(form, result.errors)
        else:
            with domain_action(form) as done:
                participant, warnings = register_walk_in(meeting, result.data, by_user=current_user)
            if done.ok:
                flash(_("%(name)s is registered as a walk-in guest and present.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.checkin", meeting_id=meeting.id, q=participant.name))
    return render_template("participants/checkin_walk_in.html", meeting=meeting, walk_in=form)


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
                           role_labels=ROLE_LABELS, early=before_meeting_day(meeting))


# --- badges --------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/badge")
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view", joinedload(Meeting.organizer))
def badge(meeting, participant_id):
    """One participant's badge with its QR code."""
    participant = in_meeting(Participant, participant_id, meeting, joinedload(Participant.agency))
    require(current_user, "participant.edit", participant)
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(participant, qr_svg(checkin_url(participant)))], single=True)


@bp.route("/meetings/<int:meeting_id>/badges")
@roles(COMMITTEE)
@with_meeting("meeting.check_in", joinedload(Meeting.organizer))
def badges(meeting):
    """Every registered participant's badge on printable A4 sheets (optionally one agency)."""
    participants = queries.badge_participants(meeting.id, int_arg(request.args, "agency"))
    return render_template("participants/badges.html", meeting=meeting, role_labels=ROLE_LABELS,
                           badges=[(p, qr_svg(checkin_url(p), scale=3)) for p in participants],
                           single=False)


@bp.route("/agencies/<int:agency_id>/logo")
@authenticated
def agency_logo(agency_id):
    """An agency's letterhead logo for pages that show it many times (a sheet of badges), by URL
    rather than as a data: URL per badge. Stored names are random, so a long cache is safe."""
    agency = db.get_or_404(Agency, agency_id)
    found = logos.logo_bytes(agency.logo_stored_name)
    if found is None:
        abort(404)
    content, mime = found
    return send_bytes(content, "logo.png" if mime == "image/png" else "logo.jpg", mime, inline=True,
                      cache="private, max-age=86400")
