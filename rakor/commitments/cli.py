"""`flask indicators load FILE.csv` (official baselines) and the commitment import/export."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from rakor.commitments.indicators import BaselineFileError, load_baselines, read_baselines
from rakor.extensions import db

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
