"""`flask participants import|export`: the same import and export as the committee's pages."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rakor.core.tabular.cli import print_report
from rakor.extensions import db
from rakor.meetings.cli import meeting_or_exit

participants_cli = AppGroup("participants", help="Participants of meetings: bulk import and export.")



def _describe(row):
    agency = row.agency.name if row.agency else (row.values.get("agency") or row.values.get("region") or "")
    return f"{row.values.get('name') or '—'}{'  · ' + agency if agency else ''}"


@participants_cli.command("import")
@click.argument("meeting_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; write nothing.")
def import_command(meeting_id, path, dry_run):
    """Import participants of MEETING_ID from a CSV or XLSX file, all or nothing.

    Prints one line per row. Exit status 0 only when every row was imported (or, with
    --dry-run, would be); otherwise 1 and nothing is written."""
    from rakor.participants import imports

    meeting = meeting_or_exit(meeting_id)
    report = imports.preview(meeting, path.read_bytes(), path.name, current_app.config["MAX_IMPORT_ROWS"])
    print_report(report, _describe)
    if not report.ok:
        db.session.rollback()
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(report.rows)} participants would be imported; nothing was written.")
        return
    try:
        created = imports.commit(meeting, report)
    except imports.ImportCommitError as e:
        db.session.rollback()
        click.echo(f"Nothing was imported: line {e.line}, {report.label(e.field)}: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{len(created)} participants imported into meeting {meeting.id}.")


@participants_cli.command("export")
@click.argument("meeting_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.csv or FILE.xlsx (the format follows the extension).")
def export_command(meeting_id, output):
    """Export the registered participants of MEETING_ID in the columns the import reads."""
    from rakor.participants import exports

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in exports.FORMATS:
        click.echo("Error: the output file must end in .csv or .xlsx.", err=True)
        sys.exit(2)
    meeting = meeting_or_exit(meeting_id)
    rows = exports.participant_rows(meeting.id)
    output.write_bytes(exports.to_xlsx(rows) if fmt == "xlsx" else exports.to_csv(rows))
    click.echo(f"Wrote {output} ({len(rows)} participants).")
