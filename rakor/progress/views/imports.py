"""Bulk import of progress updates (the shared import flow of `rakor.core.tabular.flow`:
upload -> preview -> confirm) and the CSV/XLSX export.

The committee imports for any agency, a delegate for its own agency (rows naming another
agency's commitments are errors of their own). The confirmation form also checks the file again
(with stated percents outside 0-100 confirmed): only its Import button imports."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from rakor.core.downloads import send_bytes
from rakor.core.tabular.flow import ImportFlow
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, roles
from rakor.progress import bp, exports, imports


class ProgressImport(ImportFlow):
    kind, spec = imports.STAGING_KIND, imports.SPEC
    templates = ("progress/import_upload.html", "progress/import_preview.html")
    file_label = _l("Progress updates (CSV or XLSX)")
    confirm_option = ("confirm_percent", _l("Accept stated percents below 0 or above 100 (checked and right)"))
    file_errors_on_upload = False
    import_button = "import"

    def read(self, scope, content, filename, max_rows, **options):
        return imports.preview(content, filename, current_user, max_rows, **options)

    def write(self, scope, report, user, **options):
        return imports.commit(report, user, **options)

    def confirmable(self, report):
        return imports.needs_confirmation(report)

    def refused(self, scope, report, form, options):
        """A file with errors at the confirmation is shown again, as a check would show it."""
        return self.preview_page(scope, report, form.token.data if self.confirmable(report) else None, options)

    def preview_context(self, scope, report, options):
        return {"actions": {"create": _("new"), "revise": _("revision"), "unchanged": _("unchanged")}}

    def done(self, scope, outcome):
        return (_("Import done: %(created)d new reports, %(revised)d revisions, %(unchanged)d unchanged.",
                  created=outcome["create"], revised=outcome["revise"], unchanged=outcome["unchanged"]),
                url_for("progress.import_upload"))


ProgressImport().register(bp, "/progress/import", roles(COMMITTEE, DELEGATE))


@bp.route("/progress/export.<fmt>")
@roles(ADMIN, COMMITTEE, LEADERSHIP)
def export(fmt):
    """The current update of every period (of one meeting with ?meeting=ID) in the import's columns."""
    if fmt not in exports.FORMATS:
        abort(404)
    meeting = request.args.get("meeting", "")
    meeting_id = int(meeting) if meeting.isdigit() and len(meeting) < 10 else None
    return send_bytes(exports.export(meeting_id, fmt, user=current_user), exports.dated_filename("kemajuan", fmt),
                      exports.CONTENT_TYPES[fmt])
