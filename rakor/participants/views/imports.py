"""Bulk import and export of participants: the shared import flow (`rakor.core.tabular.flow`:
upload → preview → confirm), the template files and the exports.

The work is in imports/ and exports.py. Rows beyond their agency's seat quota are the one kind of
error the committee may override, for the whole file and with a reason (`ImportConfirmForm`):
the preview then offers the override, and the confirmation asks for it.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from rakor.auth import tenancy
from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.tabular.flow import ImportFlow
from rakor.meetings.web import with_meeting
from rakor.participants import bp, exports, imports
from rakor.participants.forms import ImportConfirmForm, ImportUploadForm
from rakor.policy import COMMITTEE, LEADERSHIP, roles


class ParticipantImport(ImportFlow):
    spec = imports.SPEC
    templates = ("imports/upload.html", "imports/preview.html")
    upload_form, staged_form = ImportUploadForm, ImportConfirmForm
    conflict_message = _l("Nothing was imported: the participants or quotas changed since the preview. "
                          "Correct the rows below and upload the file again.")

    def options(self, form):
        override = getattr(form, "override", None)
        reason = (form.override_reason.data or "").strip() if override is not None and override.data else None
        # The probable duplicates ticked "Tetap impor" in the preview (check boxes of the
        # confirmation form, one per row: name "keep", value the line). A sorted list: the options
        # go to the worker's queue as JSON when the file is big.
        keep = sorted({int(v) for v in request.form.getlist("keep") if v.isdigit() and len(v) < 8})
        return {"override_reason": reason or None, "keep_lines": keep}

    def read(self, meeting, content, filename, max_rows, **options):
        # current_user: the account that confirmed, on the worker too (core/tabular/queued.py).
        within = tenancy.invitable_agencies(current_user, meeting.organizer_agency_id)
        return imports.preview(meeting, content, filename, max_rows, within=within, **options)

    def write(self, meeting, report, user, **options):
        return imports.commit(meeting, report, by_user=user, **options)

    def confirmable(self, report):
        return imports.only_over_quota(report)

    def always_shown(self, row):
        return row.duplicate is not None  # its "Import anyway" box must be on the page

    def refused(self, meeting, report, form, options):
        if not imports.only_over_quota(report):
            return super().refused(meeting, report, form, options)
        if not form.override_offered.data:
            # A file that was ready at the preview and no longer is (someone took the seats) is
            # a conflict, not a missing tick; the page now offers the override.
            flash(str(self.conflict_message), "danger")
            return self.preview_page(meeting, report, form, options, 409)
        # Only the quota stands in the way: the committee decides, with a reason.
        field = form.override_reason if form.override.data else form.override
        field.errors = [_("Tick the override and give the reason to import delegates beyond the quota.")
                        if not form.override.data else _("Give the reason for exceeding the quota.")]
        return self.preview_page(meeting, report, form, options, 400)

    def upload_context(self, meeting):
        return {"back_url": _participants_url(meeting), "aliases": imports.HEADER_ALIASES,
                "labels": imports.FIELD_LABELS}

    def preview_context(self, meeting, report, options):
        left_out = imports.left_out(report)
        duplicates = [r for r in report.rows if r.duplicate is not None]
        return {"labels": imports.FIELD_LABELS, "back_url": _participants_url(meeting),
                "duplicates": duplicates, "to_import": len(report.rows) - len(left_out)}

    def done(self, meeting, created):
        return _("%(n)d participants were imported.", n=len(created)), _participants_url(meeting)


def _participants_url(meeting):
    return url_for("participants.index", meeting_id=meeting.id)


ParticipantImport().register(bp, "/meetings/<int:meeting_id>/participants/import",
                             roles(COMMITTEE), with_meeting("meeting.manage_participants"))


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
