"""Personal access tokens of the HTTP API. Only the SHA-256 of a token is stored: the token is
random (256 bits), so a plain hash is as strong as a slow one and costs nothing per request."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
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

    def is_live(self, now=None):
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
