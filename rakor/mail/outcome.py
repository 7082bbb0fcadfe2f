"""Say what really happened to an e-mail: sent, still waiting, or refused.

A page that queued a message calls `deliver_now` after its commit, then `flash_delivery`, so a
person is never told "sent" while the SMTP server refused it (the outbox row says which)."""
from flask import flash
from flask_babel import gettext as _

from rakor.extensions import db
from rakor.mail import services
from rakor.mail.models import FAILED, QUEUED, SENT, OutboundMail


def deliver_now(mail_id: int) -> str:
    """Send what this session committed (the caller's transaction is committed) and return the
    state of `mail_id`: "sent", "queued" (not sent yet; `flask mail send-queued` takes it) or
    "failed"."""
    results = services.send_committed()
    if mail_id in results:
        return results[mail_id]
    row = db.session.get(OutboundMail, mail_id)
    return row.status if row is not None else QUEUED


def flash_delivery(status: str, *, what: str, email: str, if_failed: str = ""):
    """One message in the page's words: `what` names the e-mail ("The confirmation"),
    `if_failed` says what happens to a refused one (who can send it again)."""
    if status == SENT:
        flash(_("%(what)s was sent to %(email)s.", what=what, email=email), "info")
    elif status == FAILED:
        flash(" ".join(p for p in (_("%(what)s could not be sent to %(email)s: the mail server refused it "
                                     "or did not answer.", what=what, email=email), if_failed) if p), "warning")
    else:
        flash(_("%(what)s to %(email)s is waiting to be sent; it goes out as soon as the mail server "
                "answers.", what=what, email=email), "warning")
