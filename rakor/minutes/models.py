"""Minutes as Indico keeps event notes (`EventNote` / `EventNoteRevision`): one `Minutes` row per
meeting pointing at its current revision, and immutable revision rows.

Every save that changes something adds a revision. Revisions are grouped into *versions*: the
revisions of version 1 are drafts until one of them is finalised; after that a change opens
version 2 (a draft again, with the reason for reopening), and so on. A final revision never
changes; its PDF is rendered once and kept byte for byte (`MinutesPdf`).

The body of a revision is the whole text of the minutes as one JSON document (see
rakor/minutes/content.py), so a version is complete on its own; the agenda items' `discussion`
and `conclusions` columns are a copy of the latest final version (of the draft while there is
none) for the pages that show an agenda with what it concluded."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core.types import UTCDateTime, utcnow
from rakor.documents.models import SignedFileColumns
from rakor.extensions import db
from rakor.minutes.lifecycle import REVISION_STATUSES, RevisionStatus
from rakor.storage.columns import StoredContent


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_revision.id", use_alter=True, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current_revision: Mapped["MinutesRevision | None"] = relationship(
        foreign_keys=[current_revision_id], post_update=True, lazy="raise")


class MinutesRevision(db.Model):
    __tablename__ = "minutes_revision"
    __table_args__ = (
        CheckConstraint(f"status IN {REVISION_STATUSES}", name="status"),
        Index("ix_minutes_revision_minutes_version", "minutes_id", "version"),
        # One final revision per version, whatever two requests do at the same moment.
        Index("uq_minutes_revision_final_version", "minutes_id", "version", unique=True,
              postgresql_where=text("status = 'final'"), sqlite_where=text("status = 'final'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=RevisionStatus.DRAFT)
    body: Mapped[dict] = mapped_column(JSON)
    # Why a final version was reopened (the first revision of version 2, 3, ...).
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The short code of the public verification page printed on the final PDF (/v/<code>),
    # and that page's full address as printed (fixed at finalisation, like the PDF itself).
    verification_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    verification_url: Mapped[str | None] = mapped_column(String(300))

    minutes: Mapped[Minutes] = relationship(foreign_keys=[minutes_id], lazy="raise")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    finalised_by = relationship("User", foreign_keys=[finalised_by_id], lazy="raise")

    @property
    def is_final(self):
        return self.status == RevisionStatus.FINAL


class MinutesPdf(StoredContent, SignedFileColumns, db.Model):
    """The PDF of a final revision, rendered (and signed, with a certificate) once and served as
    stored; `sha256` is the hash of exactly these bytes."""

    __tablename__ = "minutes_pdf"
    storage_prefix = "final/minutes/"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("minutes_revision.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
