"""Bulk import and export of a meeting's commitments: upload → preview → confirm, and the
CSV/XLSX download.

The work is in imports/ and exports.py; these views move bytes and messages. Between the
preview and the confirmation the uploaded file waits in the engine's staging folder (kind
"commitments"): the forms carry a random token, never the file. The confirmation reads and
checks the file again (the meeting may have changed since the preview) and writes every row in
one transaction, or none.

Who: the committee imports (`commitment.manage`). The committee and leadership export; delegates
do not, since the file carries every agency's commitments, drafts included, and a delegate sees
only its own agency's until they are agreed (the list page shows them what they may see).
"""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from rakor.commitments import bp, exports, imports
from rakor.core.downloads import send_bytes
from rakor.core.errors import DomainError
from rakor.core.forms import BaseForm
from rakor.core.tabular import discard_upload, load_upload, store_upload
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.web import with_meeting
from rakor.policy import COMMITTEE, LEADERSHIP, can, roles

CONFIRM_DIRECTION_LABEL = _l("Accept targets on the worse side of the baseline (checked and intended)")


class UploadForm(BaseForm):
    file = FileField(_l("Commitments (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])
    confirm_direction = BooleanField(CONFIRM_DIRECTION_LABEL)


class StagedForm(BaseForm):
    """The preview's forms: check the staged file again, or import it."""

    token = HiddenField(validators=[DataRequired()])
    confirm_direction = BooleanField(CONFIRM_DIRECTION_LABEL)


def links(meeting, user):
    """The import/export buttons of the meeting's commitment list, for those who may use them."""
    result = []
    if can(user, "commitment.manage", meeting):
        result.append({"id": "link-commitments-import", "label": _("Import"),
                       "url": url_for("commitments.import_upload", meeting_id=meeting.id)})
    if user.role in (COMMITTEE, LEADERSHIP):
        result += [{"id": f"link-commitments-{fmt}", "label": label,
                    "url": url_for("commitments.export", meeting_id=meeting.id, fmt=fmt)}
                   for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))]  # XLSX first: for people
    return result


def _list_url(meeting):
    return url_for("commitments.index", meeting_id=meeting.id)


def _max_rows():
    return current_app.config["MAX_IMPORT_ROWS"]


def _render_upload(meeting, form, status=200):
    return render_template(
        "commitments/import_upload.html", meeting=meeting, form=form, columns=imports.SPEC.columns,
        max_rows=_max_rows(), max_mb=current_app.config["MAX_UPLOAD_MB"]), status


def _render_preview(meeting, report, token=None, confirm_direction=False, status=200):
    """The report; with a token, the forms to import it or (for targets in the worse
    direction) to check it again with them accepted."""
    form = StagedForm(token=token, confirm_direction=confirm_direction) if token else None
    return render_template(
        "commitments/import_preview.html", meeting=meeting, report=report, form=form,
        confirm_direction=confirm_direction, needs_confirmation=imports.needs_direction_confirmation(report),
        actions={"create": _("new"), "update": _("changed"), "unchanged": _("unchanged")}), status


def _stage_if_useful(meeting, report, content, filename):
    """Keep the file for the next step when it can be imported, or would be once the
    targets in the worse direction are confirmed."""
    if report.ok or imports.needs_direction_confirmation(report):
        return store_upload(current_app.config["UPLOAD_DIR"], content, meeting_id=meeting.id,
                            user_id=current_user.id, filename=filename, kind=imports.STAGING_KIND)
    return None


@bp.route("/meetings/<int:meeting_id>/commitments/import", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("commitment.manage")
def import_upload(meeting):
    """Upload a file; the answer is its preview (nothing is written yet)."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_upload(meeting, form, 400 if form.is_submitted() else 200)
    upload = form.file.data
    content = upload.read()
    filename = (upload.filename or "")[:200] or None
    confirm = form.confirm_direction.data
    report = imports.preview(meeting, content, filename, _max_rows(), confirm_direction=confirm)
    db.session.rollback()  # the preview only reads
    if report.file_errors and not report.rows:
        form.file.errors = [*form.file.errors, *report.file_errors]
        return _render_upload(meeting, form, 400)
    return _render_preview(meeting, report, _stage_if_useful(meeting, report, content, filename), confirm)


def _staged(meeting, form):
    """(content, filename) of the form's staged file, or None."""
    if not form.validate_on_submit():
        return None
    return load_upload(current_app.config["UPLOAD_DIR"], form.token.data, meeting_id=meeting.id,
                       user_id=current_user.id, kind=imports.STAGING_KIND)


def _gone(meeting):
    flash(_("The uploaded file is no longer available. Upload it again."), "warning")
    return redirect(url_for("commitments.import_upload", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/commitments/import/preview", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("commitment.manage")
def import_preview(meeting):
    """Check the staged file again, e.g. with the targets in the worse direction accepted."""
    form = StagedForm()
    staged = _staged(meeting, form)
    if staged is None:
        return _gone(meeting)
    content, filename = staged
    confirm = form.confirm_direction.data
    report = imports.preview(meeting, content, filename, _max_rows(), confirm_direction=confirm)
    db.session.rollback()
    useful = report.ok or imports.needs_direction_confirmation(report)
    return _render_preview(meeting, report, form.token.data if useful else None, confirm)


def _commit(meeting, report, confirm):
    """The import's write; a row refused now becomes the DomainError `domain_action` reports."""
    try:
        return imports.commit(meeting, report, current_user, confirm_direction=confirm)
    except imports.ImportCommitError as e:
        raise DomainError(_l("Nothing was imported. Line %(line)d, %(column)s: %(message)s", line=e.line,
                             column=report.label(e.field), message=e.message)) from e


@bp.route("/meetings/<int:meeting_id>/commitments/import/confirm", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("commitment.manage")
def import_confirm(meeting):
    """Import every row of the staged file in one transaction, or none."""
    form = StagedForm()
    staged = _staged(meeting, form)
    if staged is None:
        return _gone(meeting)
    content, filename = staged
    confirm = form.confirm_direction.data
    report = imports.preview(meeting, content, filename, _max_rows(), confirm_direction=confirm)
    if not report.ok:
        db.session.rollback()
        flash(_("Nothing was imported: the commitments changed since the preview. Correct the rows "
                "below and upload the file again."), "danger")
        return _render_preview(meeting, report, None, confirm, 409)
    with domain_action() as done:
        outcome = _commit(meeting, report, confirm)
    if not done.ok:
        return _render_preview(meeting, report, None, confirm, 409)
    discard_upload(current_app.config["UPLOAD_DIR"], form.token.data)
    flash(_("Import done: %(created)d new commitments, %(updated)d changed, %(agreed)d agreed, "
            "%(unchanged)d unchanged.", created=outcome.created, updated=outcome.updated,
            agreed=outcome.agreed, unchanged=outcome.unchanged), "success")
    return redirect(_list_url(meeting))


@bp.route("/meetings/<int:meeting_id>/commitments/export.<fmt>")
@roles(COMMITTEE, LEADERSHIP)
@with_meeting("meeting.view")
def export(meeting, fmt):
    """The meeting's commitments (all but withdrawn ones) in the columns the import reads."""
    if fmt not in exports.FORMATS:
        abort(404)
    return send_bytes(exports.export(meeting, fmt), exports.filename(meeting, fmt), exports.CONTENT_TYPES[fmt])
