"""The `flask <feature> import` and `export` commands, built once for every feature.

    add_import_command(commitments_cli, read=..., write=..., describe=_describe, would=...,
                       done=..., meeting=meeting_or_exit, options=[click.option("--confirm-direction", ...)])

makes `flask commitments import MEETING_ID FILE [--dry-run] [--confirm-direction]`: it reads and
checks the file (`read(scope, content, filename, max_rows, **options)`, the scope being the
meeting or None), prints the report, one line per row (`print_report`), and writes every row
(`write(scope, report, **options)`) in one transaction, or nothing. Exit status 0 only when every
row was imported (or, with --dry-run, would be); otherwise 1 and nothing is written; 2 for an
unknown meeting (`meeting` exits so). `add_export_command` writes the rows of the import's columns
to FILE.csv or FILE.xlsx.
"""
import sys
from pathlib import Path

import click
from flask import current_app

from rakor.core.tabular.report import ImportCommitError
from rakor.extensions import db

STATUS_WORDS = {"ok": "ok", "warning": "warning", "error": "ERROR"}
FORMATS = ("csv", "xlsx")


def print_report(report, describe_row):
    """`describe_row(row) -> str`: what identifies the row after its status (name, agency...)."""
    for message in report.file_errors:
        click.echo(f"Error: {message}")
    if report.columns:
        click.echo("Columns: " + ", ".join(f"{header} → {key}" for key, header in report.columns.items()))
    if report.ignored_columns:
        click.echo("Ignored columns: " + ", ".join(report.ignored_columns))
    for row in report.rows:
        click.echo(f"line {row.line:>5}  {STATUS_WORDS[row.status]:<7}  {describe_row(row)}")
        for fieldname, message in row.errors.items():
            click.echo(f"{'':13}{report.label(fieldname)}: {message}")
        for fieldname, message in row.warnings:
            click.echo(f"{'':13}{(report.label(fieldname) + ': ') if fieldname else ''}{message} (warning)")
    c = report.counts
    click.echo(f"{c['total']} rows: {c['ok']} ok, {c['warning']} with warnings, {c['error']} with errors.")


def _fail(*messages):
    db.session.rollback()
    for message in messages:
        click.echo(message, err=True)
    sys.exit(1)


def add_import_command(group, *, help, read, write, describe, would, done, meeting=None, options=(),
                       confirmable=None, confirm_hint=None, name="import"):
    """Add `import [MEETING_ID] FILE [--dry-run] [options]` to `group` (`name`: another name for
    the command, e.g. `indicators load`).

    `describe(row)`: the row's line after its status; `would(report)`: what a valid file does
    ("3 new, 1 changed, 0 unchanged"), printed by a dry run; `done(scope, report, outcome)`: the
    last line after an import; `meeting(meeting_id)`: the meeting, or exit 2 (without it the
    command takes no MEETING_ID); `confirmable(report)`: only errors an option would let through,
    then `confirm_hint` is printed."""
    def command(path, dry_run, meeting_id=None, **chosen):
        scope = meeting(meeting_id) if meeting is not None else None
        report = read(scope, path.read_bytes(), path.name, current_app.config["MAX_IMPORT_ROWS"], **chosen)
        print_report(report, describe)
        if not report.ok:
            hint = [confirm_hint] if confirmable is not None and confirmable(report) else []
            _fail(*hint, "Nothing was imported.")
        if dry_run:
            db.session.rollback()
            click.echo(f"Dry run: {would(report)}; nothing was written.")
            return
        try:
            outcome = write(scope, report, **chosen)
        except ImportCommitError as e:
            _fail(f"Nothing was imported: line {e.line}, {report.label(e.field)}: {e.message}")
        db.session.commit()
        click.echo(done(scope, report, outcome))

    command.__name__, command.__doc__ = "import_command", help
    for option in reversed(options):
        command = option(command)
    command = click.option("--dry-run", is_flag=True, help="Check the file and print the report; write nothing.")(
        command)
    command = click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)
    if meeting is not None:
        command = click.argument("meeting_id", type=int)(command)
    return group.command(name)(command)


def add_export_command(group, *, help, rows, write, noun, meeting=None, meeting_optional=False):
    """Add `export [MEETING_ID] -o FILE.csv|FILE.xlsx` to `group`: `write(rows(scope), fmt)`.

    With `meeting_optional` the meeting is an option (`--meeting ID`: only its rows)."""
    def command(output, meeting_id=None):
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            click.echo("Error: the output file must end in .csv or .xlsx.", err=True)
            sys.exit(2)
        scope = meeting(meeting_id) if meeting is not None and meeting_id is not None else None
        found = rows(scope)
        output.write_bytes(write(found, fmt))
        click.echo(f"Wrote {output} ({len(found)} {noun}).")

    command.__name__, command.__doc__ = "export_command", help
    command = click.option("-o", "--output", "output", required=True,
                           type=click.Path(dir_okay=False, path_type=Path),
                           help="FILE.csv or FILE.xlsx (the format follows the extension).")(command)
    if meeting is not None:
        command = (click.option("--meeting", "meeting_id", type=int, help="Only this meeting's commitments.")
                   if meeting_optional else click.argument("meeting_id", type=int))(command)
    return group.command("export")(command)
