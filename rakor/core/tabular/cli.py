"""The import report on a terminal, the same for every feature's `flask … import` command:
one line per row (its status and what the feature says of it), then its errors and warnings."""
import click

STATUS_WORDS = {"ok": "ok", "warning": "warning", "error": "ERROR"}


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
