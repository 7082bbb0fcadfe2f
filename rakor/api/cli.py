"""`flask --app wsgi api webhooks retry-due`: webhook deliveries that are due (new ones without a
queue, failed attempts whose backoff has passed): to the worker's queue, or sent here."""
import click
from flask.cli import AppGroup

from rakor.api import webhooks
from rakor.documents import jobs
from rakor.extensions import db

api_cli = AppGroup("api", help="The HTTP API: webhook deliveries.")


@api_cli.command("webhooks-retry-due")
@click.option("--inline", is_flag=True, help="Send here instead of through the worker's queue.")
def retry_due_command(inline):
    """Send the due webhook deliveries (run it every minute, e.g. from cron). Exit 1 when some
    sent here failed."""
    ids = webhooks.due()
    if not ids:
        click.echo("No webhook delivery is due.")
        return
    if jobs.queue_enabled() and not inline:
        queued = webhooks.enqueue(ids)
        click.echo(f"{queued} of {len(ids)} queued.")
        raise SystemExit(0 if queued == len(ids) else 1)
    failed = 0
    for delivery_id in ids:
        delivery = webhooks.send(delivery_id)
        db.session.commit()
        failed += delivery.status != "delivered"
    click.echo(f"{len(ids) - failed} delivered, {failed} not (retried later).")
    raise SystemExit(1 if failed else 0)
