"""The meeting's monitoring report page: its letter elements (addressee, place, signing officer,
tembusan, conclusions), the draft download, issuing a numbered report and the issued ones,
each served byte for byte as stored."""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.downloads import send_bytes, slugify
from rakor.core.web import domain_action
from rakor.meetings.web import with_meeting
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, can, require, roles
from rakor.progress import bp, queries, reports
from rakor.progress import documents as monitoring_documents
from rakor.progress.forms import IssueForm, MonitoringLetterForm

PDF_CACHE = "private, no-cache"  # an issued report never changes: the browser revalidates by ETag


@bp.route("/meetings/<int:meeting_id>/progress/monitoring", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE, LEADERSHIP)
@with_meeting("progress.monitoring")
def monitoring_report(meeting):
    """Leadership reads the issued reports; the committee also fills in the letter and issues."""
    form = MonitoringLetterForm(obj=reports.letter_data(meeting) if request.method == "GET" else None)
    if request.method == "POST":
        require(current_user, "progress.issue_monitoring", meeting)
        if form.validate_on_submit():
            with domain_action(form) as done:
                reports.save_letter(meeting, reports.LetterData(**{name: form[name].data
                                                                   for name in reports.LETTER_FIELDS}), current_user)
            if done.ok:
                flash(_("The report's letter is saved."), "success")
                return redirect(url_for("progress.monitoring_report", meeting_id=meeting.id))
    return _page(meeting, form, IssueForm(prefix="issue"))


def _page(meeting, letter_form, issue_form):
    letter = reports.letter_data(meeting)
    return render_template("progress/monitoring_report.html", meeting=meeting, form=letter_form,
                           may_issue=can(current_user, "progress.issue_monitoring", meeting), issue_form=issue_form,
                           missing=reports.missing(letter), saved=reports.letter_of(meeting) is not None,
                           issued=queries.issued_reports(meeting))


@bp.route("/meetings/<int:meeting_id>/progress/monitoring/issue", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("progress.issue_monitoring")
def issue_monitoring(meeting):
    """Terbitkan laporan: number it, render it once and store it."""
    form = IssueForm(prefix="issue")
    if form.validate_on_submit():
        with domain_action(form) as done:
            report = reports.issue(meeting, current_user, typed_number=form.number.data,
                                   render=lambda number, on: monitoring_documents.issued_pdf(meeting, number, on))
        if done.ok:
            flash(_("The monitoring report is issued with number %(number)s.", number=report.number), "success")
            return redirect(url_for("progress.monitoring_report", meeting_id=meeting.id))
    # What went wrong shows on the page, beside what was typed.
    return _page(meeting, MonitoringLetterForm(obj=reports.letter_data(meeting)), form)


@bp.route("/meetings/<int:meeting_id>/progress/monitoring/<int:report_id>.pdf")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
@with_meeting("progress.monitoring")
def issued_monitoring(meeting, report_id):
    """An issued report, byte for byte as stored, with its SHA-256 as ETag."""
    report = queries.get_issued(meeting, report_id)
    if request.if_none_match.contains(report.sha256):
        response = make_response("", 304)
        response.set_etag(report.sha256)
        response.headers["Cache-Control"] = PDF_CACHE
        return response
    name = f"laporan-monitoring-{slugify(report.number, 80)}.pdf"
    response = send_bytes(report.content, name, "application/pdf", inline=True, cache=PDF_CACHE)
    response.set_etag(report.sha256)
    return response
