"""`flask documents render MEETING_ID KIND -o FILE.pdf` and `flask documents worker` (the queue of
big documents, rakor.documents.jobs)."""
import sys
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rakor.documents import jobs, periodic, registry

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
              help="The current draft, with its DRAF watermark (kinds that have drafts: minutes); "
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


@documents_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
@click.option("--metrics-port", type=int, envvar="WORKER_METRICS_PORT", default=None,
              help="Serve Prometheus metrics (job durations, render times, queue depth) on this port.")
@click.option("--metrics-addr", envvar="WORKER_METRICS_ADDR", default="127.0.0.1", show_default=True,
              help="Address the metrics port listens on (a private interface only: no token there).")
def worker_command(burst, metrics_port, metrics_addr):
    """Render the big documents queued in Redis (REDIS_URL, queue DOCUMENT_QUEUE) and run the
    scheduled tasks (reporting reminders every REMINDER_INTERVAL seconds). Production runs one
    or more of these beside gunicorn; without REDIS_URL documents render in the request."""
    if not current_app.config.get("REDIS_URL"):
        click.echo("Error: REDIS_URL is not set; without it documents render in the request and "
                   "need no worker.", err=True)
        sys.exit(2)
    app = current_app._get_current_object()
    worker = jobs.make_worker(app)
    if metrics_port:
        from rakor.core import metrics

        metrics.serve(app, metrics_port, metrics_addr)
    # The scheduled tasks (reminders) run beside the jobs in a thread; --burst (drain the queue
    # and exit) leaves them out.
    stop = threading.Event()
    if not burst:
        periodic.start(app, stop)
    try:
        worker.work(burst=burst, logging_level="INFO")
    finally:
        stop.set()
