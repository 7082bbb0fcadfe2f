"""`flask progress import FILE [--dry-run]`, `flask progress export [--meeting ID] -o FILE` and
`flask progress rebuild-tallies`."""
import sys

import click
from flask.cli import AppGroup

from rakor.core.tabular.cli import add_export_command, add_import_command
from rakor.extensions import db
from rakor.meetings.cli import meeting_or_exit
from rakor.progress import exports, imports

progress_cli = AppGroup("progress", help="Progress updates on agreed commitments: bulk import and export.")
ACTION_WORDS = {"create": "new", "revise": "revision", "unchanged": "same"}


def _describe(row):
    action = ACTION_WORDS[row.action] if row.status != "error" else ""
    return f"{action:<8}  {row.values.get('reference') or '—'}  {row.values.get('period') or ''}"


def _summary(report):
    actions = imports.counts(report)
    return f"{actions['create']} new, {actions['revise']} revised, {actions['unchanged']} unchanged"


add_import_command(
    progress_cli, describe=_describe, would=_summary,
    read=lambda _scope, content, filename, max_rows, **options: imports.preview(
        content, filename, imports.SYSTEM, max_rows, **options),
    write=lambda _scope, report, **options: imports.commit(report, imports.SYSTEM, **options),
    done=lambda _scope, report, _outcome: f"Progress imported: {_summary(report)}.",
    options=[click.option("--confirm-percent", is_flag=True,
                          help="Accept stated percents outside 0-100 (otherwise errors).")],
    confirmable=imports.needs_confirmation,
    confirm_hint="Stated percents outside 0-100: check them, or run again with --confirm-percent.",
    help="""Import progress updates from a CSV or XLSX file, all or nothing.

    Each row names a commitment by its reference (RK-...) and a period (Triwulan I 2024 or a
    date). A row equal to the period's report changes nothing; a different one becomes a new
    revision. The command acts as the committee. Exit status 0 only when every row was imported
    (or, with --dry-run, would be); otherwise 1 and nothing is written.""")

add_export_command(
    progress_cli, meeting=meeting_or_exit, meeting_optional=True, noun="updates",
    rows=lambda meeting: exports.update_rows(meeting.id if meeting is not None else None), write=exports.write,
    help="Export the current update of every period, in the columns the import reads.")


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
