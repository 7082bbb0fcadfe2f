"""Progress updates on agreed commitments (one per commitment and reporting period, corrections
as new revisions), their evidence files, the committee's review of them, and the local holidays
that move reporting deadlines."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.commitments.models import Commitment
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db
from rakor.storage.columns import StoredContent

UPDATE_STATUSES = ("on_track", "at_risk", "late", "done")
REVIEW_STATUSES = ("submitted", "verified", "returned")
PERIOD_KINDS = ("quarter", "date")


class ProgressUpdate(db.Model):
    """One revision of a commitment's report for one period.

    `period` is the period's key: '2024-Q1' for a quarter (Triwulan I 2024) or an ISO date for
    an ad-hoc update. A correction adds a revision and clears `is_current` on the one before, so
    history is never overwritten. `is_latest` marks the one update that stands for the
    commitment now (the current revision of its latest period): dashboards join on it instead
    of computing "latest per commitment" over every row. `quarter_index` (year * 4 + quarter - 1)
    orders periods and tells which quarter an ad-hoc date falls in, for the overdue rule."""

    __tablename__ = "progress_update"
    __table_args__ = (
        CheckConstraint(f"status IN {UPDATE_STATUSES}", name="status"),
        CheckConstraint(f"review_status IN {REVIEW_STATUSES}", name="review_status"),
        CheckConstraint(f"period_kind IN {PERIOD_KINDS}", name="period_kind"),
        CheckConstraint("budget_realised IS NULL OR budget_realised >= 0", name="budget_not_negative"),
        CheckConstraint("physical_percent IS NULL OR physical_percent >= 0", name="physical_not_negative"),
        UniqueConstraint("commitment_id", "period", "revision"),
        # One current revision per commitment and period; one latest update per commitment.
        Index("uq_progress_update_current", "commitment_id", "period", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # Covering on PostgreSQL: the dashboard's aggregate reads the latest updates from the
        # index alone (bench/scale: 400,000 updates).
        Index("ix_progress_update_latest", "commitment_id", unique=True,
              sqlite_where=text("is_latest"), postgresql_where=text("is_latest"),
              postgresql_include=["id", "status", "percent_achieved", "quarter_index"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    period_kind: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    quarter_index: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    is_latest: Mapped[bool] = mapped_column(default=False)
    realised_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    # The true value: below 0 (worse than the baseline) and above 100 (exceeded) are kept.
    percent_achieved: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    percent_stated: Mapped[bool] = mapped_column(default=False)  # typed by the reporter, not computed
    budget_realised: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # Realisasi fisik: how much of the work is done, in percent (Permendagri 86/2017 reports it
    # beside realisasi keuangan). Outside 0-100 only when the reporter confirmed it; never below 0.
    physical_percent: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(10))
    narrative: Mapped[str | None] = mapped_column(Text)
    obstacles: Mapped[str | None] = mapped_column(Text)  # kendala
    next_steps: Mapped[str | None] = mapped_column(Text)
    review_status: Mapped[str] = mapped_column(String(10), default="submitted")
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(lazy="raise")
    reported_by = relationship("User", foreign_keys=[reported_by_id], lazy="raise")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="raise")

    def __repr__(self):
        return f"<ProgressUpdate {self.commitment_id} {self.period} r{self.revision}>"


class ProgressReview(db.Model):
    """The committee's decisions on an update (verified, returned with a comment), written by
    core/workflow.py like every other status history."""

    __tablename__ = "progress_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class ProgressEvidence(db.Model):
    """An evidence file (bukti dukung) of a commitment's report for a period. It belongs to the
    period, not to one revision: a correction keeps the files already given, and `update_id`
    says which revision added it. Stored like meeting materials (meetings/materials.py)."""

    __tablename__ = "progress_evidence"
    __table_args__ = (Index("ix_progress_evidence_period", "commitment_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Evidence is for its agency, the committee and leadership; other agencies see the reported
    # figures but the file only once the committee marks it public (progress/rules.py).
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class LocalHoliday(db.Model):
    """A day off the national calendar does not know (a regional anniversary, a local
    election): the committee adds it, and reporting deadlines move past it."""

    __tablename__ = "local_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgressStanding(db.Model):
    """What one agreed commitment adds to the dashboard's tallies, as last counted: the row of
    period '' is its latest update (status 'none' without one) with the quarter from which it
    is overdue; one row per period it has a current update for. Kept by progress/tally.py in
    the transaction of every write that changes it, so the difference between what a
    commitment adds now and what it added before is all the tallies need. No foreign key: a
    deleted commitment's rows are what its tallies must lose."""

    __tablename__ = "progress_standing"

    commitment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # '' = the latest update
    region_id: Mapped[int] = mapped_column(Integer)  # the agency's region
    province_id: Mapped[int] = mapped_column(Integer)  # its province (itself for a province)
    topic_id: Mapped[int] = mapped_column(Integer)  # 0: no topic
    # The agency organising the commitment's meeting: whose readers count it (tenancy, issue 22).
    organizer_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # an update status, or 'none'
    percent_achieved: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # Quarter index from which the commitment is overdue (NULL: never, as things stand).
    overdue_from: Mapped[int | None] = mapped_column(Integer)


class ProgressTally(db.Model):
    """Agreed commitments by period ('' = their latest update), region, topic (0: none), status
    ('none': no report) and the agency organising their meeting: how many, how many with a
    percent, the sum of the percents. Twice over: by the agency's region (scope 'a', for a
    province's or a regency's page) and by its province (scope 'p', for the national dashboard:
    38 x topics x statuses x the organizers of each province's commitments). The dashboard, the
    home panel and the region pages read these rows, whose number does not grow with the number
    of commitments or updates; a reader scoped to some organizers (rakor/auth/tenancy.py) sums
    the rows of those only."""

    __tablename__ = "progress_tally"

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    scope: Mapped[str] = mapped_column(String(1), primary_key=True)  # 'a' agency's region, 'p' province
    region_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    organizer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    commitments: Mapped[int] = mapped_column(Integer, default=0)
    measured: Mapped[int] = mapped_column(Integer, default=0)
    percent_sum: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=0)


class ProgressOverdueTally(db.Model):
    """Agreed commitments by region (scopes as in ProgressTally), topic, the quarter from which
    they are overdue and their meeting's organizer: the overdue count for a due quarter D is the
    sum over `overdue_from <= D` (and over the organizers the reader sees)."""

    __tablename__ = "progress_overdue_tally"

    scope: Mapped[str] = mapped_column(String(1), primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    overdue_from: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organizer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    commitments: Mapped[int] = mapped_column(Integer, default=0)


class MonitoringLetter(db.Model):
    """What a meeting's monitoring report says as an official document (Permendagri 1/2023): to
    whom it goes (Yth.), where it is signed, who signs it (the head of the organising agency:
    jabatan, name, pangkat/golongan, NIP), who gets copies (tembusan), and the committee's own
    conclusions. One per meeting; a meeting without one starts from its organiser's latest, so
    an agency types these once (progress/letters.py)."""

    __tablename__ = "monitoring_letter"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    organizer_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    addressee: Mapped[str | None] = mapped_column(String(300))  # 'Gubernur Kalimantan Selatan'
    addressee_place: Mapped[str | None] = mapped_column(String(100))  # 'Banjarbaru' (di ...)
    place: Mapped[str | None] = mapped_column(String(100))  # where it is signed
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_rank: Mapped[str | None] = mapped_column(String(100))  # pangkat/golongan
    signer_nip: Mapped[str | None] = mapped_column(String(18))
    copies: Mapped[str | None] = mapped_column(Text)  # tembusan, one addressee a line
    conclusions: Mapped[str | None] = mapped_column(Text)  # the committee's simpulan dan rekomendasi
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MonitoringReport(StoredContent, db.Model):
    """An issued monitoring report: numbered when the committee issues it, rendered once and
    served byte for byte ever after. Drafts (every other download) carry no number."""

    __tablename__ = "monitoring_report"
    storage_prefix = "final/monitoring/"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)

    issued_by = relationship("User", lazy="raise")


REMINDER_KINDS = ("before", "due", "digest")


class ProgressReminder(db.Model):
    """A reporting reminder sent (rakor/progress/reminders.py): one per recipient, reporting
    period and kind. The unique constraint is what makes sending idempotent, even with two
    schedulers running at once: the second one's insert fails and it sends nothing."""

    __tablename__ = "progress_reminder"
    __table_args__ = (
        UniqueConstraint("user_id", "period", "kind"),
        CheckConstraint(f"kind IN {REMINDER_KINDS}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    deadline: Mapped[date] = mapped_column(Date)
    mail_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def page_cache_scopes(self):
        """Shown on no kept page."""
        return set()
