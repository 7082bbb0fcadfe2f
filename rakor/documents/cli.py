"""`flask documents render MEETING_ID KIND -o FILE.pdf`."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from rakor.documents.registry import DOCUMENT_KINDS
from rakor.extensions import db

documents_cli = AppGroup("documents", help="PDF documents of meetings.")


@documents_cli.command("render")
@click.argument("meeting_id", type=int)
@click.argument("kind", type=click.Choice(sorted(DOCUMENT_KINDS)))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
def render_command(meeting_id, kind, output):
    """Render document KIND of MEETING_ID to a PDF file."""
    from rakor.meetings.models import Meeting

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        click.echo(f"Error: there is no meeting {meeting_id}.", err=True)
        sys.exit(2)
    content = DOCUMENT_KINDS[kind].render(meeting)
    output.write_bytes(content)
    click.echo(f"Wrote {output} ({len(content):,} bytes).")
