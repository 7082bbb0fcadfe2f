"""`flask participants import|export`: the same import and export as the committee's pages."""
import click
from flask.cli import AppGroup

from rakor.auth import tenancy
from rakor.core.tabular.cli import add_export_command, add_import_command
from rakor.meetings.cli import cli_user, meeting_or_exit
from rakor.participants import exports, imports

participants_cli = AppGroup("participants", help="Participants of meetings: bulk import and export.")


def _describe(row):
    agency = row.agency.name if row.agency else (row.values.get("agency") or row.values.get("region") or "")
    return f"{row.values.get('name') or '—'}{'  · ' + agency if agency else ''}"


def _read(meeting, content, filename, max_rows, **options):
    # RAKOR_CLI_AS: the agencies that committee may register people for, as on its pages.
    user = cli_user()
    within = tenancy.invitable_agencies(user, meeting.organizer_agency_id) if user is not None else None
    return imports.preview(meeting, content, filename, max_rows, within=within, **options)


add_import_command(
    participants_cli, meeting=meeting_or_exit, describe=_describe, read=_read, write=imports.commit,
    would=lambda report: (f"{len(report.rows) - len(imports.left_out(report))} participants would be imported"
                          f"{_left_out(report)}"),
    done=lambda meeting, report, created: (f"{len(created)} participants imported into meeting {meeting.id}"
                                           f"{_left_out(report)}."),
    options=[click.option("--keep-line", "keep_lines", type=int, multiple=True, metavar="LINE",
                          help="Import this probable duplicate anyway (repeatable); others are left out.")],
    help="""Import participants of MEETING_ID from a CSV or XLSX file, all or nothing.

    A probable duplicate (the same name in the same agency as an earlier line or a registered
    participant) is left out unless its line is given with --keep-line. Prints one line per
    row. Exit status 0 only when every other row was imported (or, with --dry-run, would be);
    otherwise 1 and nothing is written.""")

def _left_out(report):
    lines = [str(r.line) for r in imports.left_out(report)]
    return f" ({len(lines)} probable duplicates left out: line {', '.join(lines)})" if lines else ""


add_export_command(
    participants_cli, meeting=meeting_or_exit, noun="participants",
    rows=lambda meeting: exports.participant_rows(meeting.id), write=exports.write,
    help="Export the registered participants of MEETING_ID in the columns the import reads.")
