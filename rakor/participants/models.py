from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from rakor.core import page_cache
from rakor.core.names import name_key
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.regions.models import Agency

MEETING_ROLES = ("peserta", "narasumber", "pimpinan", "panitia", "notulis")
GENDERS = ("L", "P")  # laki-laki, perempuan
PARTICIPANT_STATUSES = ("registered", "cancelled")
# walk_in: a guest registered and checked in at once at the check-in desk.
REGISTRATION_SOURCES = ("committee", "invitation", "import", "demo", "walk_in")


class SeatQuota(db.Model):
    """How many delegates an agency may register for a meeting. Registration locks this row
    (SELECT ... FOR UPDATE) while it counts, so two last-seat registrations cannot both win."""

    __tablename__ = "seat_quota"
    __table_args__ = (
        UniqueConstraint("meeting_id", "agency_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")


class Invitation(db.Model):
    """An agency's self-registration link for one meeting. Only a hash of the token is kept."""

    __tablename__ = "invitation"
    __table_args__ = (Index("ix_invitation_meeting_agency", "meeting_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The delegate account created through this link: one per link. Set under a row lock on
    # the invitation (invitations.claim_account), so simultaneous claims cannot all win.
    claimed_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")


class Participant(db.Model):
    __tablename__ = "participant"
    # A registration or a check-in moves the meeting's participants, not its whole page.
    page_cache_part = page_cache.PARTICIPANTS
    __table_args__ = (
        CheckConstraint(f"meeting_role IN {MEETING_ROLES}", name="meeting_role"),
        CheckConstraint(f"gender IS NULL OR gender IN {GENDERS}", name="gender"),
        CheckConstraint(f"status IN {PARTICIPANT_STATUSES}", name="status"),
        CheckConstraint(f"registered_via IN {REGISTRATION_SOURCES}", name="registered_via"),
        # The same NIP or email twice in one meeting is refused by the database too, so that
        # two concurrent registrations cannot slip past the service's check.
        Index("uq_participant_meeting_nip", "meeting_id", "nip", unique=True,
              postgresql_where=text("status = 'registered' AND nip IS NOT NULL"),
              sqlite_where=text("status = 'registered' AND nip IS NOT NULL")),
        Index("uq_participant_meeting_email", "meeting_id", "email", unique=True,
              postgresql_where=text("status = 'registered' AND email IS NOT NULL"),
              sqlite_where=text("status = 'registered' AND email IS NOT NULL")),
        Index("ix_participant_meeting_agency", "meeting_id", "agency_id"),
        Index("ix_participant_meeting_sort_name", "meeting_id", "sort_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # with titles, exactly as typed
    # The name without titles and degrees, folded (core.names.name_key): lists sort by it and
    # searches match it. Kept in step with `name` by `_keep_sort_name`.
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    nip: Mapped[str | None] = mapped_column(String(18))  # text: leading zeros matter
    position: Mapped[str | None] = mapped_column(String(200))  # jabatan
    rank: Mapped[str | None] = mapped_column(String(100))  # pangkat/golongan, 'Pembina (IV/a)'
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, +62812...
    email: Mapped[str | None] = mapped_column(String(254))  # lower-case
    gender: Mapped[str | None] = mapped_column(String(1))
    meeting_role: Mapped[str] = mapped_column(String(20), default="peserta")
    status: Mapped[str] = mapped_column(String(20), default="registered")
    registered_via: Mapped[str] = mapped_column(String(20), default="committee")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    quota_override_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The last undone check-in (a mistaken tap at the desk): who undid it and when.
    checkin_undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkin_undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Unguessable id printed as the badge's QR code; the check-in URL carries it.
    checkin_code: Mapped[str] = mapped_column(String(43), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")
    # By the mapper's registry name: importing auth.models here would make every importer of
    # these models (the policy engine, documents) depend on auth too.
    checkin_undone_by: Mapped["User | None"] = relationship(  # noqa: F821
        "User", foreign_keys=[checkin_undone_by_id], lazy="raise")

    @validates("name")
    def _keep_sort_name(self, _key, name):
        self.sort_name = name_key(name)
        return name


LETTER_NATURES = ("Biasa", "Penting", "Segera", "Sangat Segera", "Rahasia")


class InvitationLetter(db.Model):
    """What the surat undangan says beyond the meeting itself: its sifat, the place it is dated
    at (the agency's seat) and the tembusan (one per line). Absent: Biasa, the organizer's
    region, no tembusan."""

    __tablename__ = "invitation_letter"
    __table_args__ = (CheckConstraint(f"nature IN {LETTER_NATURES}", name="nature"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    nature: Mapped[str] = mapped_column(String(20), default="Biasa")
    place: Mapped[str | None] = mapped_column(String(100))
    copies: Mapped[str | None] = mapped_column(Text)

    @property
    def copy_lines(self) -> list[str]:
        return [line.strip() for line in (self.copies or "").splitlines() if line.strip()]


# What a check-in desk did to a participant's presence. Kinds: a check-in, an undo, a walk-in
# guest registered and checked in at the desk.
MARK_KINDS = ("check_in", "undo", "walk_in")
# How the server answered a mark: it decided the participant's presence (accepted), it was
# folded into another mark (merged: the person was already present, an earlier or later mark
# wins), it was kept but needs the committee's eye (flagged), or it was not applied (refused).
MARK_OUTCOMES = ("accepted", "merged", "flagged", "refused")
# Where a mark came from: the desk online (a request per tap), or a desk's offline queue.
MARK_SOURCES = ("online", "offline", "server")


class CheckinMark(db.Model):
    """The history of presence at the desk, one row per mark: online taps, marks made offline and
    synced later (with the device's own time and id), and the check-in a participant already had
    when the history began (source 'server'). A participant's presence is the fold of its marks
    in desk-time order (participants/desk_sync.py), so the order they arrive in does not matter.

    `mark_id` is made by the device (crypto.randomUUID) and unique: the same mark sent twice is
    stored once. `device_at` is the device's clock as sent; `at` is the time used, which is
    `device_at` unless it fell outside the meeting's days or after the mark reached the server
    (then it is clamped and the mark flagged 'clamped_time'). `gap_seconds` is how long the mark
    waited on the device: received_at - device_at."""

    page_cache_part = page_cache.PARTICIPANTS  # the desk's history shows with the participants
    __tablename__ = "checkin_mark"
    __table_args__ = (
        CheckConstraint(f"kind IN {MARK_KINDS}", name="kind"),
        CheckConstraint(f"outcome IN {MARK_OUTCOMES}", name="outcome"),
        CheckConstraint(f"source IN {MARK_SOURCES}", name="source"),
        Index("ix_checkin_mark_participant_at", "participant_id", "at"),
        Index("ix_checkin_mark_meeting_outcome", "meeting_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mark_id: Mapped[str] = mapped_column(String(36), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    # None for a refused mark that names no participant of this meeting.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10), default="online")
    device_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    gap_seconds: Mapped[int | None] = mapped_column(Integer)
    desk_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    synced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str] = mapped_column(String(10), default="accepted")
    # Comma-separated reasons: over_quota, probable_duplicate, clamped_time, details_dropped;
    # refused: not_committee, other_meeting, unknown_participant, cancelled, invalid, closed.
    reasons: Mapped[str | None] = mapped_column(String(200))
    # What the desk sent beyond ids (a walk-in's name, agency, position, phone as typed; a badge
    # code): kept so that a merged or flagged walk-in loses nothing.
    payload: Mapped[dict | None] = mapped_column(db.JSON)

    participant: Mapped[Participant | None] = relationship(lazy="raise")

    @property
    def reason_list(self) -> list[str]:
        return [r for r in (self.reasons or "").split(",") if r]
