"""Programme commitments (kesepakatan / rencana tindak lanjut) a region makes at a meeting,
the indicators they are measured by, official baselines, and every change made to them."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core import page_cache
from rakor.core.types import UTCDateTime, utcnow
from rakor.documents.models import SignedFileColumns
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting, Topic
from rakor.regions.models import Agency, Programme, Region
from rakor.storage.columns import StoredContent

COMMITMENT_STATUSES = ("draft", "submitted", "returned", "agreed", "withdrawn")
FUNDING_SOURCES = ("apbd", "apbn_dak", "apbdes", "csr", "other")
EVENT_KINDS = ("created", "updated", "submitted", "returned", "agreed", "amended", "withdrawn")


class IndicatorBaseline(db.Model):
    """An official value of an indicator for a region and year (BPS, SSGI/SKI, e-PPGBM...),
    loaded with `flask indicators load`. `is_demo` marks values invented for the demo."""

    __tablename__ = "indicator_baseline"
    __table_args__ = (UniqueConstraint("region_id", "topic_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    source: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)

    region: Mapped[Region] = relationship(lazy="raise")
    topic: Mapped[Topic] = relationship(lazy="raise")


class Commitment(db.Model):
    """What one agency (hence region) commits to at a meeting. `version` guards against lost
    updates: a save based on a stale copy raises StaleDataError (SQLAlchemy version_id_col)."""

    # Submitted, agreed, reported on: the meeting's commitments move, not its whole page (history
    # events and progress updates too: their scopes are their commitment's, core/page_cache.py).
    page_cache_part = page_cache.COMMITMENTS
    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint(f"status IN {COMMITMENT_STATUSES}", name="status"),
        CheckConstraint(f"funding_source IS NULL OR funding_source IN {FUNDING_SOURCES}",
                        name="funding_source"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
        UniqueConstraint("meeting_id", "agency_id", "sequence"),
        Index("ix_commitment_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable human reference used by exports, imports and progress reports: RK-2024-0001-63.02-03.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # per meeting and agency, from 1
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    programme_code: Mapped[str | None] = mapped_column(ForeignKey("programme.code"), index=True)
    # The indicator is a topic with a numeric measure (Topic.is_indicator).
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    baseline_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    target_date: Mapped[date | None] = mapped_column(Date)
    responsible_office: Mapped[str | None] = mapped_column(String(200))  # OPD penanggung jawab
    contact_person: Mapped[str | None] = mapped_column(String(200))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))  # exact Rupiah
    funding_source: Mapped[str | None] = mapped_column(String(20))
    budget_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    review_note: Mapped[str | None] = mapped_column(Text)  # the committee's last return comment
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise")
    topic: Mapped[Topic | None] = relationship(foreign_keys=[topic_id], lazy="raise")
    indicator: Mapped[Topic | None] = relationship(foreign_keys=[indicator_id], lazy="raise")
    programme: Mapped[Programme | None] = relationship(lazy="raise")
    events: Mapped[list["CommitmentEvent"]] = relationship(
        back_populates="commitment", order_by="CommitmentEvent.at", lazy="raise",
        cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Commitment {self.reference} {self.status}>"


class CommitmentEvent(db.Model):
    """One entry of a commitment's history: who did what, when, and what changed
    (`changes` = {field: [before, after]} as display strings)."""

    __tablename__ = "commitment_event"
    __table_args__ = (CheckConstraint(f"kind IN {EVENT_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict | None] = mapped_column(JSON)

    commitment: Mapped[Commitment] = relationship(back_populates="events", lazy="raise")
    user = relationship("User", lazy="raise")


class AgreementSignatory(db.Model):
    """Who signs the agreement record for an agency. Proposed from the agency's participants
    (its most senior registered delegate) and editable before printing."""

    __tablename__ = "agreement_signatory"
    __table_args__ = (UniqueConstraint("meeting_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(18))
    rank: Mapped[str | None] = mapped_column(String(100))  # pangkat/golongan


class AgreementRecord(StoredContent, SignedFileColumns, db.Model):
    """The final berita acara kesepakatan of a meeting: made once, when the meeting's commitments
    close (the meeting becomes "minutes final"), numbered, signed with the organising agency's
    certificate when one is set up, and then served byte for byte as stored. Amendments made
    afterwards stay in each commitment's history; the record keeps what was agreed."""

    __tablename__ = "agreement_record"
    storage_prefix = "final/agreements/"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    nomor: Mapped[str | None] = mapped_column(String(100))
    # The public verification page printed on the document (/v/<code>) and its full address.
    verification_code: Mapped[str] = mapped_column(String(24), unique=True)
    verification_url: Mapped[str] = mapped_column(String(300))
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
