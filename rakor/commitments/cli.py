"""`flask indicators load FILE.csv` (official baselines) and the commitment import/export."""
import sys
from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup

from rakor.commitments import exports, imports
from rakor.commitments.indicators import BaselineFileError, load_baselines, read_baselines
from rakor.core.tabular.cli import add_export_command, add_import_command
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


def _summary(report):
    actions = Counter(row.action for row in report.rows)
    return f"{actions['create']} new, {actions['update']} changed, {actions['unchanged']} unchanged"


add_import_command(
    commitments_cli, meeting=meeting_or_exit, describe=_describe, would=_summary,
    read=imports.preview,
    write=lambda meeting, report, **options: imports.commit(meeting, report, imports.SYSTEM, **options),
    done=lambda meeting, report, outcome: f"Commitments imported into meeting {meeting.id}: {_summary(report)}.",
    options=[click.option("--confirm-direction", is_flag=True,
                          help="Accept targets on the worse side of the baseline (otherwise they are errors).")],
    confirmable=imports.needs_direction_confirmation,
    confirm_hint="Targets in the worse direction: check them, or run again with --confirm-direction.",
    help="""Import commitments of MEETING_ID from a CSV or XLSX file, all or nothing.

    A row with a reference of this meeting updates that commitment; other rows are new ones,
    agreed when the status column says so, else submitted. The command acts as the committee.
    Prints one line per row. Exit status 0 only when every row was imported (or, with
    --dry-run, would be); otherwise 1 and nothing is written; 2 for an unknown meeting.""")

add_export_command(
    commitments_cli, meeting=meeting_or_exit, noun="commitments",
    rows=lambda meeting: exports.commitment_rows(meeting.id), write=exports.write,
    help="Export the commitments of MEETING_ID (all but withdrawn ones) in the columns the import reads.")
