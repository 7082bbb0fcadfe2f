"""`flask indicators load FILE` (official baselines) and the commitment import/export."""
from collections import Counter

import click
from flask.cli import AppGroup

from rakor.commitments import baselines, exports, imports
from rakor.core.tabular.cli import add_export_command, add_import_command
from rakor.meetings.cli import meeting_or_exit

indicators_cli = AppGroup("indicators", help="Indicators and their official baseline values.")
BASELINE_WORDS = {"create": "new", "update": "update", "unchanged": "same"}


def _describe_baseline(row):
    action = BASELINE_WORDS[row.action] if row.status != "error" else ""
    v = row.values
    return f"{action:<6}  {v.get('region') or '—'}  {v.get('indicator') or '—'}  {v.get('year') or '—'}  {v.get('value') or '—'}"


def _baseline_summary(report):
    actions = Counter(row.action for row in report.rows)
    return f"{actions['create']} created, {actions['update']} updated, {actions['unchanged']} unchanged"


add_import_command(
    indicators_cli, name="load", describe=_describe_baseline, would=_baseline_summary,
    read=lambda _scope, content, filename, max_rows: baselines.preview(content, filename, max_rows),
    write=lambda _scope, report: baselines.commit(report),
    done=lambda _scope, report, outcome: (f"Baselines: {outcome.created} created, {outcome.updated} updated, "
                                          f"{outcome.unchanged} unchanged."),
    help="""Load official baselines from a CSV or XLSX file, all or nothing.

    Columns: region code (Kemendagri 63.02 or BPS 6302); indicator code; year; value (6,25 or
    6.25); source. The same reader as the admin's upload page (Indikator → Nilai dasar). Prints
    one line per row; exit status 0 only when every row was loaded (or, with --dry-run, would
    be); otherwise 1 and nothing is written.""")


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
