"""`flask participants import|export`: the same import and export as the committee's pages."""
from flask.cli import AppGroup

from rakor.core.tabular.cli import add_export_command, add_import_command
from rakor.meetings.cli import meeting_or_exit
from rakor.participants import exports, imports

participants_cli = AppGroup("participants", help="Participants of meetings: bulk import and export.")


def _describe(row):
    agency = row.agency.name if row.agency else (row.values.get("agency") or row.values.get("region") or "")
    return f"{row.values.get('name') or '—'}{'  · ' + agency if agency else ''}"


add_import_command(
    participants_cli, meeting=meeting_or_exit, describe=_describe, read=imports.preview, write=imports.commit,
    would=lambda report: f"{len(report.rows)} participants would be imported",
    done=lambda meeting, report, created: f"{len(created)} participants imported into meeting {meeting.id}.",
    help="""Import participants of MEETING_ID from a CSV or XLSX file, all or nothing.

    Prints one line per row. Exit status 0 only when every row was imported (or, with
    --dry-run, would be); otherwise 1 and nothing is written.""")

add_export_command(
    participants_cli, meeting=meeting_or_exit, noun="participants",
    rows=lambda meeting: exports.participant_rows(meeting.id), write=exports.write,
    help="Export the registered participants of MEETING_ID in the columns the import reads.")
