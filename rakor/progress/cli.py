"""`flask progress import FILE [--dry-run]` and `flask progress export [--meeting ID] -o FILE`."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.progress import exports, imports

progress_cli = AppGroup("progress", help="Progress updates on agreed commitments: bulk import and export.")
STATUS_WORDS = {"ok": "ok", "warning": "warning", "error": "ERROR"}
ACTION_WORDS = {"create": "new", "revise": "revision", "unchanged": "same"}


def _print_report(report):
    for message in report.file_errors:
        click.echo(f"Error: {message}")
    if report.columns:
        click.echo("Columns: " + ", ".join(f"{header} → {key}" for key, header in report.columns.items()))
    if report.ignored_columns:
        click.echo("Ignored columns: " + ", ".join(report.ignored_columns))
    for row in report.rows:
        action = ACTION_WORDS[row.action] if row.status != "error" else ""
        click.echo(f"line {row.line:>5}  {STATUS_WORDS[row.status]:<7}  {action:<8}  "
                   f"{row.values.get('reference') or '—'}  {row.values.get('period') or ''}")
        for fieldname, message in row.errors.items():
            click.echo(f"{'':13}{report.label(fieldname)}: {message}")
        for fieldname, message in row.warnings:
            click.echo(f"{'':13}{(report.label(fieldname) + ': ') if fieldname else ''}{message} (warning)")
    c = report.counts
    click.echo(f"{c['total']} rows: {c['ok']} ok, {c['warning']} with warnings, {c['error']} with errors.")


@progress_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the report; write nothing.")
@click.option("--confirm-percent", is_flag=True, help="Accept stated percents outside 0-100 (otherwise errors).")
def import_command(path, dry_run, confirm_percent):
    """Import progress updates from a CSV or XLSX file, all or nothing.

    Each row names a commitment by its reference (RK-...) and a period (Triwulan I 2024 or a
    date). A row equal to the period's report changes nothing; a different one becomes a new
    revision. The command acts as the committee. Exit status 0 only when every row was imported
    (or, with --dry-run, would be); otherwise 1 and nothing is written."""
    report = imports.preview(path.read_bytes(), path.name, imports.SYSTEM, current_app.config["MAX_IMPORT_ROWS"],
                             confirm_percent=confirm_percent)
    _print_report(report)
    if not report.ok:
        db.session.rollback()
        if imports.needs_confirmation(report):
            click.echo("Stated percents outside 0-100: check them, or run again with --confirm-percent.", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    actions = imports.counts(report)
    summary = f"{actions['create']} new, {actions['revise']} revised, {actions['unchanged']} unchanged"
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {summary}; nothing was written.")
        return
    try:
        imports.commit(report, imports.SYSTEM, confirm_percent=confirm_percent)
    except imports.ImportCommitError as e:
        db.session.rollback()
        click.echo(f"Nothing was imported: line {e.line}, {report.label(e.field)}: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Progress imported: {summary}.")


@progress_cli.command("export")
@click.option("--meeting", "meeting_id", type=int, help="Only this meeting's commitments.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.csv or FILE.xlsx (the format follows the extension).")
def export_command(meeting_id, output):
    """Export the current update of every period, in the columns the import reads."""
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in exports.FORMATS:
        click.echo("Error: the output file must end in .csv or .xlsx.", err=True)
        sys.exit(2)
    if meeting_id is not None and db.session.get(Meeting, meeting_id) is None:
        click.echo(f"Error: there is no meeting {meeting_id}.", err=True)
        sys.exit(2)
    rows = exports.update_rows(meeting_id)
    output.write_bytes(exports.write(rows, fmt))
    click.echo(f"Wrote {output} ({len(rows)} updates).")


@progress_cli.command("rebuild-tallies")
def rebuild_tallies():
    """Build the dashboard's tallies anew from the updates and commitments (after rows were
    changed by hand in SQL, past the application)."""
    from rakor.progress import tally

    tally.backfill(db.session.connection())
    db.session.commit()
    click.echo("Progress tallies rebuilt.")


reminders_cli = AppGroup("reminders", help="Reporting reminders (PP 39/2006 deadlines).")


@reminders_cli.command("send")
@click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as on this local date (WITA, YYYY-MM-DD) instead of today: to catch up or to try.")
def send_reminders(on_date):
    """Send the reminders due today (before the deadline, on it, the digest after it) that were
    not sent yet; idempotent, for a cron line such as `0 7 * * 1-5`. Prints what was sent."""
    from datetime import UTC, datetime, time

    from rakor.progress import reminders

    now = None
    if on_date is not None:  # noon WITA of that day
        now = datetime.combine(on_date.date(), time(4, 0), tzinfo=UTC)
    result = reminders.send_due(now=now)
    if not result:
        click.echo("Nothing is due today.")
    for step, n in result.items():
        click.echo(f"{step}: {n} sent")
    from rakor.mail import services as mail_services

    outcome = mail_services.send_committed()
    failed = sum(1 for status in outcome.values() if status != "sent")
    if failed:
        click.echo(f"{failed} e-mail(s) failed; `flask --app wsgi mail retry-failed` sends them again.")
        sys.exit(1)
