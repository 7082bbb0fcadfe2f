"""The outbox: every e-mail Rakor sends is a row first, so a send that fails is seen and retried.

Related objects are plain integers, not foreign keys: mail sits below every feature (it imports
none and its table points at none), and the record of a sent message outlives the meeting,
invitation or user it was about.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core import page_cache
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"
MAIL_STATUSES = (QUEUED, SENT, FAILED)
MAX_ERROR = 300


class OutboundMail(db.Model):
    __tablename__ = "outbound_mail"
    __table_args__ = (
        CheckConstraint(f"status IN {MAIL_STATUSES}", name="status"),
        Index("ix_outbound_mail_meeting_status", "meeting_id", "status"),
        Index("ix_outbound_mail_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is for ("invitation_link", "registration_confirmation", "reminder").
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    # The object the message is about within its kind (an invitation's or a participant's id).
    object_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list["OutboundMailAttachment"]] = relationship(
        back_populates="mail", order_by="OutboundMailAttachment.id", lazy="raise",
        cascade="all, delete-orphan",
    )

    def page_cache_scopes(self):
        """A meeting's mail shows on its page (the failed ones, with "send again": a part of the
        meeting, kept apart); a mail of no meeting (an account link, a notice) shows on no kept
        page and must not move `global`."""
        return {page_cache.meeting_part_scope(i, page_cache.MAIL) for i in page_cache.column_values(self, "meeting_id")}


class OutboundMailAttachment(db.Model):
    """A file sent with a message (the meeting's .ics), kept so a retry sends the same bytes."""

    __tablename__ = "outbound_mail_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outbound_mail.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    mail: Mapped[OutboundMail] = relationship(back_populates="attachments", lazy="raise")
