"""A real SMTP server on 127.0.0.1 (aiosmtpd), and the app's mail pointed at it."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask_mailman import Mail

REFUSED = "refused@example.test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every message it accepts; refuses the REFUSED recipient like a real server would."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = None

    @property
    def messages(self):
        return self.recorder.messages

    def start(self, **options):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running server; the app sends to it over SMTP for the length of the test."""
    server = SMTPServer()
    server.start()
    use_smtp(app, monkeypatch, server.port)
    yield server
    server.stop()


def use_smtp(app, monkeypatch, port, **settings):
    """Point the app's mail at 127.0.0.1:port over SMTP (Flask-Mailman reads its settings once,
    at init_app, so the test swaps the extension's state rather than app.config)."""
    state = Mail.init_mail({
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
        "MAIL_DEFAULT_SENDER": "panitia@rakor.test", "MAIL_TIMEOUT": 5, **settings,
    })
    monkeypatch.setitem(app.extensions, "mailman", state)
