"""Bulk import of progress updates (upload -> preview -> confirm) and the CSV/XLSX export.

The committee imports for any agency, a delegate for its own agency (rows naming another
agency's commitments are errors of their own). Between the preview and the confirmation the
file waits in the engine's staging folder (kind "progress"); the confirmation checks it again
and writes every row in one transaction, or none."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from rakor.core.downloads import send_bytes
from rakor.core.errors import DomainError
from rakor.core.forms import BaseForm
from rakor.core.tabular import discard_upload, load_upload, store_upload
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, roles
from rakor.progress import bp, exports, imports

CONFIRM_LABEL = _l("Accept stated percents below 0 or above 100 (checked and right)")


class UploadForm(BaseForm):
    file = FileField(_l("Progress updates (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])
    confirm_percent = BooleanField(CONFIRM_LABEL)


class StagedForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])
    confirm_percent = BooleanField(CONFIRM_LABEL)


def _max_rows():
    return current_app.config["MAX_IMPORT_ROWS"]


def _preview_page(report, token=None, confirm=False, status=200):
    form = StagedForm(token=token, confirm_percent=confirm) if token else None
    return render_template("progress/import_preview.html", report=report, form=form, confirm=confirm,
                           needs_confirmation=imports.needs_confirmation(report),
                           actions={"create": _("new"), "revise": _("revision"), "unchanged": _("unchanged")}), status


@bp.route("/progress/import", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
def import_upload():
    """Upload a file of updates; the answer is its preview (nothing is written yet)."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("progress/import_upload.html", form=form, columns=imports.SPEC.columns,
                               max_rows=_max_rows()), 400 if form.is_submitted() else 200
    upload = form.file.data
    content, filename = upload.read(), (upload.filename or "")[:200] or None
    confirm = form.confirm_percent.data
    report = imports.preview(content, filename, current_user, _max_rows(), confirm_percent=confirm)
    db.session.rollback()
    token = None
    if report.ok or imports.needs_confirmation(report):
        token = store_upload(current_app.config["UPLOAD_DIR"], content, meeting_id=None, user_id=current_user.id,
                             filename=filename, kind=imports.STAGING_KIND)
    return _preview_page(report, token, confirm)


def _staged(form):
    if not form.validate_on_submit():
        return None
    return load_upload(current_app.config["UPLOAD_DIR"], form.token.data, meeting_id=None,
                       user_id=current_user.id, kind=imports.STAGING_KIND)


@bp.route("/progress/import/confirm", methods=["POST"])
@roles(COMMITTEE, DELEGATE)
def import_confirm():
    """Check the staged file again (with the percents confirmed, if asked) and import it when
    every row is valid and the user pressed Import."""
    form = StagedForm()
    staged = _staged(form)
    if staged is None:
        flash(_("The uploaded file is no longer available. Upload it again."), "warning")
        return redirect(url_for("progress.import_upload"))
    content, filename = staged
    confirm = form.confirm_percent.data
    report = imports.preview(content, filename, current_user, _max_rows(), confirm_percent=confirm)
    if "import" not in request.form or not report.ok:
        db.session.rollback()
        useful = report.ok or imports.needs_confirmation(report)
        return _preview_page(report, form.token.data if useful else None, confirm)

    def write():
        try:
            return imports.commit(report, current_user, confirm_percent=confirm)
        except imports.ImportCommitError as e:
            raise DomainError(_l("Nothing was imported. Line %(line)d, %(column)s: %(message)s", line=e.line,
                                 column=report.label(e.field), message=e.message)) from e

    with domain_action() as done:
        outcome = write()
    if not done.ok:
        return _preview_page(report, None, confirm, 409)
    discard_upload(current_app.config["UPLOAD_DIR"], form.token.data)
    flash(_("Import done: %(created)d new reports, %(revised)d revisions, %(unchanged)d unchanged.",
            created=outcome["create"], revised=outcome["revise"], unchanged=outcome["unchanged"]), "success")
    return redirect(url_for("progress.import_upload"))


@bp.route("/progress/export.<fmt>")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
def export(fmt):
    """The current update of every period (of one meeting with ?meeting=ID) in the import's columns."""
    if fmt not in exports.FORMATS:
        abort(404)
    meeting = request.args.get("meeting", "")
    meeting_id = int(meeting) if meeting.isdigit() and len(meeting) < 10 else None
    return send_bytes(exports.export(meeting_id, fmt), exports.dated_filename("kemajuan", fmt),
                      exports.CONTENT_TYPES[fmt])
