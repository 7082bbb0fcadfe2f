from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

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
