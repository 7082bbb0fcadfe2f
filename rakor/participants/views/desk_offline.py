"""The check-in desk offline (issue 23): the roster the desk keeps on the device, the sync of the
marks it queued, its service worker, web app manifest and offline page, and the committee's list
of flagged or refused marks.

Only the committee ever receives the roster (participants with only what the desk shows, and
badge codes): the route is committee-only and says `no-store`; the service worker caches the desk
page only from a committee member's successful load and serves it offline only while the roster
is on the device (static/participants/desk-worker.js)."""
from datetime import UTC
from pathlib import Path

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from rakor.auth import tenancy
from rakor.core.formatting import format_time
from rakor.core.web import domain_action
from rakor.meetings.web import with_meeting
from rakor.participants import bp, desk_sync, queries
from rakor.participants.forms import ROLE_LABELS
from rakor.participants.stats import meeting_stats
from rakor.policy import COMMITTEE, public, roles

NO_STORE = {"Cache-Control": "no-store, private", "Vary": "Cookie"}


def _iso(value):
    return value.astimezone(UTC).isoformat() if value else None


def _roster(meeting):
    start, end = desk_sync.meeting_days(meeting)
    stats = meeting_stats(meeting.id)
    people = [{
        "id": r.id, "name": r.name, "key": r.sort_name, "position": r.position or "",
        # Namesakes are told apart by the NIP's last digits: the full NIP stays off the device.
        "nipEnd": r.nip[-4:] if r.nip else "",
        "agency": r.agency_short or r.agency, "agencyName": r.agency, "agencyId": r.agency_id,
        "role": "" if r.meeting_role == "peserta" else str(ROLE_LABELS[r.meeting_role]),
        "presentAt": _iso(r.checked_in_at), "code": r.checkin_code,
    } for r in queries.desk_roster(meeting.id)]
    return {
        "meetingId": meeting.id, "title": meeting.title, "timezone": meeting.timezone,
        "dayStart": _iso(start), "dayEnd": _iso(end), "expiresAt": int(end.timestamp() * 1000),
        "user": {"id": current_user.id, "name": current_user.name},
        "csrf": generate_csrf(), "participants": people,
        "agencies": [[a, n] for a, n in queries.agency_choices(meeting.id, tenancy.invitable_agencies(current_user, meeting.organizer_agency_id))],
        "registered": stats.registered, "checkedIn": stats.checked_in,
    }


@bp.route("/meetings/<int:meeting_id>/checkin/roster.json")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_roster(meeting):
    """What the desk keeps on the device to work offline; also a fresh CSRF token for the sync."""
    return jsonify(_roster(meeting)), 200, NO_STORE


@bp.route("/meetings/<int:meeting_id>/checkin/sync", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_sync(meeting):
    """A batch of marks the desk queued: every mark is answered (accepted, merged, flagged or
    refused), with the participant's presence as it now is."""
    body = request.get_json(silent=True)
    marks = body.get("marks") if isinstance(body, dict) else None
    errors = []
    with domain_action(on_error=errors.append) as done:
        result = desk_sync.sync_marks(meeting, marks, synced_by=current_user)
    if not done.ok:
        return jsonify(ok=False, message=str(errors[0].message)), 400, NO_STORE
    people = {p.id: p for p in queries.desk_participants(meeting.id, result.participants)}
    answers = []
    for answer in result.answers:
        person = people.get(answer.get("participant"))
        answers.append({
            **answer, "message": desk_sync.describe(answer, meeting, person),
            "person": None if person is None else {
                "id": person.id, "name": person.name, "presentAt": _iso(person.checked_in_at),
                "time": format_time(person.checked_in_at, meeting.timezone) if person.checked_in_at else ""},
        })
    stats = meeting_stats(meeting.id)
    return jsonify(ok=True, answers=answers, registered=stats.registered, checkedIn=stats.checked_in), 200, NO_STORE


@bp.route("/meetings/<int:meeting_id>/checkin/marks")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_flags(meeting):
    """Marks synced from offline desks that need the committee's eye, and refused ones."""
    rows = queries.flagged_marks(meeting.id)
    return render_template("participants/checkin_flags.html", meeting=meeting, rows=rows,
                           reason_text=desk_sync.REASON_TEXT, outcome_text=desk_sync.OUTCOME_TEXT)


@bp.route("/meetings/checkin-worker.js")
@public
def checkin_worker():
    """The desk's service worker. Its path sets the widest scope it may take (/meetings/); each
    desk registers it for its own /meetings/<id>/checkin only. Code, no data: public."""
    code = (Path(current_app.static_folder) / "participants" / "desk-worker.js").read_bytes()
    response = Response(code, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/meetings/"
    return response


@bp.route("/meetings/checkin-offline")
@public
def checkin_offline():
    """What a browser that may not use the desk offline sees there without a connection. It names
    no one, so the service worker keeps it for anyone."""
    return render_template("participants/checkin_offline.html")


@bp.route("/meetings/<int:meeting_id>/checkin/manifest.webmanifest")
@roles(COMMITTEE)
@with_meeting("meeting.check_in")
def checkin_manifest(meeting):
    """The web app manifest that makes the desk installable (the page links it with
    crossorigin="use-credentials", so the browser asks for it signed in)."""
    desk = url_for("participants.checkin", meeting_id=meeting.id)
    manifest = {
        "name": f"{_('Check-in')} · {meeting.title}"[:80], "short_name": _("Check-in"), "start_url": desk,
        "scope": desk, "id": desk, "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [{"src": url_for("static", filename="img/logo.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = jsonify(manifest)
    response.mimetype = "application/manifest+json"
    return response
