"""`flask documents render MEETING_ID KIND -o FILE.pdf`."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from rakor.documents import registry

documents_cli = AppGroup("documents", help="PDF documents of meetings.")


class KindChoice(click.Choice):
    """The kinds registered when the command runs (features register them in init_app, after
    this module is imported)."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        return tuple(registry.names())

    @choices.setter
    def choices(self, _value):
        pass


@documents_cli.command("render")
@click.argument("meeting_id", type=int)
@click.argument("kind", type=KindChoice())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
@click.option("--draft", is_flag=True,
              help="The current draft, with its DRAFT watermark (kinds that have drafts: minutes); "
                   "without it, minutes are the latest final version, byte for byte as stored.")
def render_command(meeting_id, kind, output, draft):
    """Render document KIND of MEETING_ID to a PDF file (the full document: the operator of the
    command line reads the database anyway)."""
    meeting = registry.load_meeting(meeting_id)
    if meeting is None:
        click.echo(f"Error: there is no meeting {meeting_id}.", err=True)
        sys.exit(2)
    kind = registry.get(kind)
    if draft and not kind.has_drafts:
        click.echo(f"Error: {kind.name} has no drafts.", err=True)
        sys.exit(2)
    try:
        content = registry.render_pdf(kind, meeting, None, draft=draft)
    except LookupError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    output.write_bytes(content)
    click.echo(f"Wrote {output} ({len(content):,} bytes).")
