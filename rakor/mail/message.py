"""A message as features describe it, and its rendering into plain text and simple HTML.

A feature's builder fills a `Content` (greeting, paragraphs, a table of details, one link) with
already-translated strings; `compose` renders both bodies from the one layout in templates/mail/,
so every message Rakor sends looks alike and needs no external asset.
"""
from dataclasses import dataclass, field

from flask import render_template


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


@dataclass
class Content:
    greeting: str
    paragraphs: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, url)
    closing: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()


def one_line(text: str) -> str:
    """Header values are one line: a title with a line break would be refused as a header."""
    return " ".join(str(text).split())


def compose(to: str, subject: str, content: Content, *, reply_to=None, attachments=()) -> Message:
    subject = one_line(subject)
    context = {"subject": subject, "content": content}
    return Message(
        to=to.strip(), subject=subject,
        text=render_template("mail/message.txt", **context).strip() + "\n",
        html=render_template("mail/message.html", **context),
        reply_to=reply_to.strip() if reply_to else None,
        attachments=tuple(attachments),
    )
