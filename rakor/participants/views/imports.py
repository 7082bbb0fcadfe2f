"""Bulk import and export of participants: upload → preview → confirm, template files, exports.

The work is in imports.py / exports.py; these views only move bytes and messages. Between the
preview and the confirmation the uploaded file waits under UPLOAD_DIR/imports/ (see
imports.store_upload): the confirmation form carries a random token, nothing goes into the
cookie session, and the user does not pick the file a second time. The confirmation reads and
validates the file again (the meeting may have changed since the preview) and imports all rows
in one transaction, or none.
"""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.errors import DomainError
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.web import with_meeting
from rakor.participants import bp, exports, imports
from rakor.participants.forms import ImportConfirmForm, ImportUploadForm
from rakor.policy import COMMITTEE, LEADERSHIP, roles


def _participants_url(meeting):
    return url_for("participants.index", meeting_id=meeting.id)


def _render_upload(meeting, form, status=200):
    return render_template(
        "imports/upload.html", meeting=meeting, form=form, back_url=_participants_url(meeting),
        max_rows=current_app.config["MAX_IMPORT_ROWS"], max_mb=current_app.config["MAX_UPLOAD_MB"],
        aliases=imports.HEADER_ALIASES, labels=imports.FIELD_LABELS,
    ), status


def _render_preview(meeting, report, confirm_form=None, status=200):
    return render_template(
        "imports/preview.html", meeting=meeting, report=report, confirm_form=confirm_form,
        labels=imports.FIELD_LABELS, back_url=_participants_url(meeting),
    ), status


@bp.route("/meetings/<int:meeting_id>/participants/import", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def import_upload(meeting):
    """Upload a participant list and preview every row before anything is written."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _render_upload(meeting, form, 400 if form.is_submitted() else 200)
    upload = form.file.data
    content = upload.read()
    filename = (upload.filename or "")[:200] or None
    report = imports.preview(meeting, content, filename, current_app.config["MAX_IMPORT_ROWS"])
    db.session.rollback()  # the preview only reads
    if report.file_errors and not report.rows:
        form.file.errors = [*form.file.errors, *report.file_errors]
        return _render_upload(meeting, form, 400)
    confirm = None
    if report.ok or imports.only_over_quota(report):
        token = imports.store_upload(current_app.config["UPLOAD_DIR"], content, meeting_id=meeting.id,
                                     user_id=current_user.id, filename=filename)
        confirm = ImportConfirmForm(token=token)
    return _render_preview(meeting, report, confirm)


@bp.route("/meetings/<int:meeting_id>/participants/import/confirm", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def import_confirm(meeting):
    """Import every row of the previewed file, or none."""
    form = ImportConfirmForm()
    upload_dir = current_app.config["UPLOAD_DIR"]
    loaded = None
    if form.validate_on_submit():
        loaded = imports.load_upload(upload_dir, form.token.data, meeting_id=meeting.id,
                                     user_id=current_user.id)
    if loaded is None:
        flash(_("The uploaded file is no longer available. Upload it again."), "warning")
        return redirect(url_for("participants.import_upload", meeting_id=meeting.id))
    content, filename = loaded
    reason = (form.override_reason.data or "").strip() if form.override.data else None
    report = imports.preview(meeting, content, filename, current_app.config["MAX_IMPORT_ROWS"],
                             override_reason=reason or None)
    if not report.ok and imports.only_over_quota(report):
        # Only the quota stands in the way: the committee decides, with a reason. A file that
        # was ready at the preview and no longer is (someone took the seats) is a conflict.
        db.session.rollback()
        if not form.override_offered.data:
            flash(_("Nothing was imported: the participants or quotas changed since the preview. "
                    "Correct the rows below and upload the file again."), "danger")
            return _render_preview(meeting, report, form, 409)
        field = form.override_reason if form.override.data else form.override
        field.errors = [_("Tick the override and give the reason to import delegates beyond the quota.")
                        if not form.override.data else _("Give the reason for exceeding the quota.")]
        return _render_preview(meeting, report, form, 400)
    if not report.ok:
        db.session.rollback()
        flash(_("Nothing was imported: the participants or quotas changed since the preview. "
                "Correct the rows below and upload the file again."), "danger")
        return _render_preview(meeting, report, None, 409)
    with domain_action() as done:
        try:
            created = imports.commit(meeting, report, by_user=current_user, override_reason=reason or None)
        except imports.ImportCommitError as e:
            raise DomainError(_("Nothing was imported. Line %(line)d, %(column)s: %(message)s", line=e.line,
                                column=report.label(e.field), message=e.message)) from None
    if not done.ok:
        return _render_preview(meeting, report, None, 409)
    imports.discard_upload(upload_dir, form.token.data)
    flash(_("%(n)d participants were imported.", n=len(created)), "success")
    return redirect(_participants_url(meeting))


def _download(content, filename, fmt):
    return send_bytes(content, filename, exports.CONTENT_TYPES[fmt])


@bp.route("/meetings/<int:meeting_id>/participants/import/template.<fmt>")
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def import_template(meeting, fmt):
    """An empty participant list with the expected columns (CSV or XLSX)."""
    if fmt not in exports.FORMATS:
        abort(404)
    return _download(exports.template(fmt), f"template-peserta.{fmt}", fmt)


@bp.route("/meetings/<int:meeting_id>/participants/export.<fmt>")
@roles(COMMITTEE, LEADERSHIP)
@with_meeting("meeting.view")
def export(meeting, fmt):
    """Committee and leadership. Delegates are refused: the list carries every agency's phone
    numbers and email addresses."""
    if fmt not in exports.FORMATS:
        abort(404)
    return _download(exports.export(meeting.id, fmt), meeting_filename("peserta", meeting, fmt), fmt)
