"""Flask-Mailman, and turning outbox rows into sent messages.

The backend comes from MAIL_BACKEND: "console" in development (messages are printed, `make run`
needs no mail server), "locmem" in the test suite, "smtp" in production with the MAIL_* settings.
"""
from email.mime.text import MIMEText
from email.utils import make_msgid

from flask_mailman import EmailMultiAlternatives, Mail

from rakor.mail.models import MAX_ERROR

mailman = Mail()


def _email(row, connection):
    from rakor.core.urls import deployment_domain

    email = EmailMultiAlternatives(
        subject=row.subject, body=row.text_body, to=[row.to_address],
        reply_to=[row.reply_to] if row.reply_to else None, connection=connection,
        # On the deployment's domain, not the host's name (often "localhost"): spam filters
        # and threading read it.
        headers={"Message-ID": make_msgid(domain=deployment_domain())},
    )
    if row.html_body:
        email.attach_alternative(row.html_body, "text/html")
    for attachment in row.attachments:
        if attachment.mimetype == "text/calendar":
            email.attach(_calendar_part(attachment))
        else:
            email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def _calendar_part(attachment):
    """An iCalendar attachment as RFC 6047 (iMIP) wants it: text/calendar with the METHOD of
    the object inside (PUBLISH), so mail clients offer "add to calendar"."""
    content = attachment.content
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", "PUBLISH")
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def describe(error: BaseException) -> str:
    """What the committee sees as the reason: the exception's kind and the server's words,
    one line, bounded. smtplib's errors carry the server reply, never our credentials."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:MAX_ERROR]


def deliver(rows) -> dict[int, str | None]:
    """Send each row over one connection; row id -> None when sent, else the reason."""
    if not rows:
        return {}
    connection = None
    try:
        connection = mailman.get_connection(fail_silently=False)
        connection.open()
    except Exception as error:  # any failure to reach the server is recorded, not raised
        _close(connection)  # a refused login leaves the socket open
        return {row.id: describe(error) for row in rows}
    results = {}
    try:
        for row in rows:
            try:
                sent = connection.send_messages([_email(row, connection)])
            except Exception as error:  # a refused recipient fails only its own message
                results[row.id] = describe(error)
            else:
                results[row.id] = None if sent else "the mail backend accepted no message"
    finally:
        _close(connection)
    return results


def _close(connection):
    if connection is None:
        return
    raw = getattr(connection, "connection", None)  # the smtplib client, when SMTP
    try:
        connection.close()
    except Exception:  # closing a broken connection must not undo the results
        if raw is not None:
            raw.close()
