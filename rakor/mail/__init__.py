"""Outgoing e-mail: the outbox (queue in the transaction, send after commit, retry what failed).

Infrastructure below every feature: it imports none. Features build their messages
(`message.compose`) and call `services.queue_mail`; `init_app` sends what a request committed
once its view is done.
"""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/mail")


def init_app(app):
    from rakor.extensions import db
    from rakor.mail import services, views  # noqa: F401  (routes)
    from rakor.mail.cli import mail_cli
    from rakor.mail.transport import mailman

    mailman.init_app(app)
    services.listen_to_sessions()
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    from rakor.core import metrics

    if services.outbox_metrics not in metrics.scrape_collectors:
        metrics.scrape_collectors.append(services.outbox_metrics)

    @app.after_request
    def send_committed_mail(response):
        # After the view: its domain_action has committed (or rolled back, and then nothing
        # is committed to send). A request that never opened a session has nothing to send.
        if db.session.registry.has():
            try:
                services.send_committed()
            except Exception:  # the page already succeeded; the mail stays queued for the CLI
                app.logger.exception("sending the committed mail failed")
                db.session.rollback()
        return response
