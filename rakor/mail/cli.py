"""`flask mail retry-failed|send-queued`: the outbox from the command line (cron, after an outage)."""
from datetime import timedelta

import click
from flask.cli import AppGroup

from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.mail import queries, services
from rakor.mail.models import SENT

mail_cli = AppGroup("mail", help="Outgoing e-mail: resend what failed or is still waiting.")


def _report(outcome):
    sent = sum(1 for status in outcome.values() if status == SENT)
    click.echo(f"{sent} sent, {len(outcome) - sent} failed.")
    return 0 if sent == len(outcome) else 1


@mail_cli.command("retry-failed")
@click.option("--meeting", "meeting_id", type=int, help="Only the mails of this meeting.")
def retry_failed_command(meeting_id):
    """Send every failed mail again. Exit status 1 when some still fail."""
    ids = services.retry_failed(meeting_id)
    db.session.commit()
    if not ids:
        click.echo("No failed mail.")
        return
    raise SystemExit(_report(services.send_queued(ids)))


@mail_cli.command("send-queued")
@click.option("--older-than", "minutes", type=click.IntRange(min=0), default=5, show_default=True,
              help="Only mails queued at least this many minutes ago (younger ones are being sent "
                   "by the request that queued them).")
def send_queued_command(minutes):
    """Send mails that were committed but never sent (the process stopped in between)."""
    ids = queries.queued_ids(older_than=utcnow() - timedelta(minutes=minutes))
    db.session.rollback()
    if not ids:
        click.echo("No queued mail.")
        return
    raise SystemExit(_report(services.send_queued(ids)))
