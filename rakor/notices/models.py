"""A notice to one user. What it says is rendered from its kind and parameters when shown, in the
reader's language, by the renderer the feature registered (rakor/notices/kinds.py)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rakor.core import page_cache
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db


class Notice(db.Model):
    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_user_read", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # What the text needs, copied when the event happened (a title, a reason, ids for the link),
    # so a list of notices needs no query per notice and says what was true then.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    meeting_id: Mapped[int | None] = mapped_column(Integer)  # plain, like the outbox's
    mail_id: Mapped[int | None] = mapped_column(Integer)  # its e-mail in the outbox
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self):
        return self.read_at is not None

    def page_cache_scopes(self):
        """Notices show on the home and notices pages, which are never kept, and as the unread
        count in their reader's navbar, which a kept page of that reader holds."""
        return {page_cache.reader_scope(self.user_id)}
