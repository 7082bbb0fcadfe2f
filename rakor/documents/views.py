"""Document downloads. The attendance sheet: committee, leadership, admin and the delegates of
invited agencies (policy 'meeting.view'): it shows names, NIPs and positions, which every
participant sees on the paper sheet anyway; no phone numbers or emails."""
from flask import abort, current_app
from flask_login import current_user

from rakor.documents import bp
from rakor.documents.attendance import attendance_context, render_attendance
from rakor.documents.filenames import meeting_filename
from rakor.documents.pdf import render_html
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, require, roles


def _meeting_or_404(meeting_id) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def pdf_response(content: bytes, filename: str):
    response = current_app.response_class(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/meetings/<int:meeting_id>/documents/attendance.pdf")
@roles(ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
def attendance_pdf(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    require(current_user, "meeting.view", meeting)
    return pdf_response(render_attendance(meeting), meeting_filename("daftar-hadir", meeting, "pdf"))


@bp.route("/meetings/<int:meeting_id>/documents/attendance.html")
@roles(ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
def attendance_preview(meeting_id):
    """The same template on screen (print preview)."""
    meeting = _meeting_or_404(meeting_id)
    require(current_user, "meeting.view", meeting)
    return render_html("documents/attendance.html", for_pdf=False, **attendance_context(meeting))
