"""Bulk import and export of a meeting's commitments: the shared import flow
(`rakor.core.tabular.flow`: upload → preview → confirm) and the CSV/XLSX download.

The work is in imports/ and exports.py. The confirmation checks the staged file again (the
meeting may have changed since the preview) and writes every row in one transaction, or none.
Targets on the worse side of the baseline hold a row back until the user confirms them (the
option `confirm_direction`, checked again on the preview route).

Who: the committee imports (`commitment.manage`). The committee and leadership export; delegates
do not, since the file carries every agency's commitments, drafts included, and a delegate sees
only its own agency's until they are agreed (the list page shows them what they may see).
"""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from rakor.commitments import bp, exports, imports
from rakor.core.downloads import send_bytes
from rakor.core.tabular.flow import ImportFlow
from rakor.meetings.web import with_meeting
from rakor.policy import COMMITTEE, LEADERSHIP, can, roles


def links(meeting, user):
    """The import/export buttons of the meeting's commitment list, for those who may use them."""
    result = []
    if can(user, "commitment.manage", meeting):
        result.append({"id": "link-commitments-import", "label": _("Import"),
                       "url": url_for("commitments.import_upload", meeting_id=meeting.id)})
    if user.role in (COMMITTEE, LEADERSHIP):
        result += [{"id": f"link-commitments-{fmt}", "label": label,
                    "url": url_for("commitments.export", meeting_id=meeting.id, fmt=fmt)}
                   for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))]  # XLSX first: the file for people
    return result


class CommitmentImport(ImportFlow):
    kind, spec = imports.STAGING_KIND, imports.SPEC
    templates = ("commitments/import_upload.html", "commitments/import_preview.html")
    file_label = _l("Commitments (CSV or XLSX)")
    confirm_option = ("confirm_direction", _l("Accept targets on the worse side of the baseline (checked and intended)"))
    conflict_message = _l("Nothing was imported: the commitments changed since the preview. Correct the rows "
                          "below and upload the file again.")

    def read(self, meeting, content, filename, max_rows, **options):
        return imports.preview(meeting, content, filename, max_rows, **options)

    def write(self, meeting, report, user, **options):
        return imports.commit(meeting, report, user, **options)

    def confirmable(self, report):
        return imports.needs_direction_confirmation(report)

    def preview_context(self, meeting, report, options):
        return {"actions": {"create": _("new"), "update": _("changed"), "unchanged": _("unchanged")}}

    def done(self, meeting, outcome):
        return (_("Import done: %(created)d new commitments, %(updated)d changed, %(agreed)d agreed, "
                  "%(unchanged)d unchanged.", created=outcome.created, updated=outcome.updated,
                  agreed=outcome.agreed, unchanged=outcome.unchanged),
                url_for("commitments.index", meeting_id=meeting.id))


CommitmentImport().register(bp, "/meetings/<int:meeting_id>/commitments/import",
                            roles(COMMITTEE), with_meeting("commitment.manage"), recheck_route=True)


@bp.route("/meetings/<int:meeting_id>/commitments/export.<fmt>")
@roles(COMMITTEE, LEADERSHIP)
@with_meeting("meeting.view")
def export(meeting, fmt):
    """The meeting's commitments (all but withdrawn ones) in the columns the import reads."""
    if fmt not in exports.FORMATS:
        abort(404)
    return send_bytes(exports.export(meeting, fmt), exports.filename(meeting, fmt), exports.CONTENT_TYPES[fmt])
