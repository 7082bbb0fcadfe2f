"""Personal access tokens of the HTTP API. Only the SHA-256 of a token is stored: the token is
random (256 bits), so a plain hash is as strong as a slow one and costs nothing per request."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.auth.models import User
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db

SCOPES = ("read", "write")


class ApiToken(db.Model):
    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint(f"scope IN {SCOPES}", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))  # read | write (read + write)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")

    @property
    def can_write(self):
        return self.scope == "write"

    def page_cache_scopes(self):
        """No kept page shows a token (the token pages are rendered each time): creating, using
        or revoking one moves no page's version (rakor/core/page_cache.py)."""
        return ()

    def is_live(self, now=None):
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


WEBHOOK_EVENTS = ("commitment.agreed", "progress.verified", "minutes.final")
DELIVERY_STATUSES = ("pending", "delivered", "failed")


class WebhookEndpoint(db.Model):
    """Where Rakor posts events, signed with `secret` (kept: it must sign every delivery)."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    events: Mapped[str] = mapped_column(String(200))  # comma-separated WEBHOOK_EVENTS
    allow_internal: Mapped[bool] = mapped_column(default=False)  # the admin's explicit exception
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def event_list(self):
        return [e for e in self.events.split(",") if e]


class WebhookDelivery(db.Model):
    """One event for one endpoint: written in the transaction that caused it (nothing is lost
    while a receiver is down), sent by the document worker, retried with backoff."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body that is signed and sent
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise")
