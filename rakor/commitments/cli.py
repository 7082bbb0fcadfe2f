"""`flask indicators load FILE.csv` (official baselines) and the commitment import/export."""
import sys
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rakor.commitments import exports, imports
from rakor.commitments.indicators import BaselineFileError, load_baselines, read_baselines
from rakor.core.tabular.cli import print_report
from rakor.extensions import db
from rakor.meetings.cli import meeting_or_exit

indicators_cli = AppGroup("indicators", help="Indicators and their official baseline values.")


@indicators_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(path):
    """Load official baselines (region code; indicator code; year; value; source). All or nothing."""
    try:
        report = load_baselines(read_baselines(path.read_bytes()))
    except (BaselineFileError, UnicodeDecodeError) as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or [f"the file is not UTF-8 text ({e})"]
        click.echo("Nothing was loaded:\n  " + "\n  ".join(errors), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Baselines: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged.")


commitments_cli = AppGroup("commitments", help="Commitments of meetings: bulk import and export.")
ACTION_WORDS = {"create": "new", "update": "update", "unchanged": "same"}


def _describe(row):
    agency = row.agency.name if row.agency else (row.values.get("agency") or "")
    action = ACTION_WORDS[row.action] if row.status != "error" else ""
    reference = row.values.get("reference")
    return (f"{action:<6}  {reference + '  ' if reference else ''}{row.values.get('title') or '—'}"
            f"{'  · ' + agency if agency else ''}")


@commitments_cli.command("import")
@click.argument("meeting_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; write nothing.")
@click.option("--confirm-direction", is_flag=True,
              help="Accept targets on the worse side of the baseline (otherwise they are errors).")
def import_command(meeting_id, path, dry_run, confirm_direction):
    """Import commitments of MEETING_ID from a CSV or XLSX file, all or nothing.

    A row with a reference of this meeting updates that commitment; other rows are new ones,
    agreed when the status column says so, else submitted. The command acts as the committee.
    Prints one line per row. Exit status 0 only when every row was imported (or, with
    --dry-run, would be); otherwise 1 and nothing is written; 2 for an unknown meeting."""
    meeting = meeting_or_exit(meeting_id)
    report = imports.preview(meeting, path.read_bytes(), path.name, current_app.config["MAX_IMPORT_ROWS"],
                             confirm_direction=confirm_direction)
    print_report(report, _describe)
    if not report.ok:
        db.session.rollback()
        if imports.needs_direction_confirmation(report):
            click.echo("Targets in the worse direction: check them, or run again with --confirm-direction.",
                       err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    actions = Counter(row.action for row in report.rows)
    summary = f"{actions['create']} new, {actions['update']} changed, {actions['unchanged']} unchanged"
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {summary}; nothing was written.")
        return
    try:
        imports.commit(meeting, report, imports.SYSTEM, confirm_direction=confirm_direction)
    except imports.ImportCommitError as e:
        db.session.rollback()
        click.echo(f"Nothing was imported: line {e.line}, {report.label(e.field)}: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Commitments imported into meeting {meeting.id}: {summary}.")


@commitments_cli.command("export")
@click.argument("meeting_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.csv or FILE.xlsx (the format follows the extension).")
def export_command(meeting_id, output):
    """Export the commitments of MEETING_ID (all but withdrawn ones) in the columns the import reads."""
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in exports.FORMATS:
        click.echo("Error: the output file must end in .csv or .xlsx.", err=True)
        sys.exit(2)
    meeting = meeting_or_exit(meeting_id)
    rows = exports.commitment_rows(meeting.id)
    output.write_bytes(exports.to_xlsx(rows) if fmt == "xlsx" else exports.to_csv(rows))
    click.echo(f"Wrote {output} ({len(rows)} commitments).")
