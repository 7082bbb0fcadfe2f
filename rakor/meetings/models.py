from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core import page_cache
from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db
from rakor.meetings.lifecycle import MeetingStatus
from rakor.regions.models import Agency

MEETING_KINDS = ("rakor", "fgd", "other")
# The lifecycle itself (transitions, labels, what each status closes) is rakor/meetings/lifecycle.py.
MEETING_STATUSES = tuple(s.value for s in MeetingStatus)
TOPIC_DIRECTIONS = ("higher", "lower")


class Topic(db.Model):
    """A topic or indicator an agenda item (and later a commitment) is about."""

    __tablename__ = "topic"
    __table_args__ = (
        CheckConstraint(f"direction IS NULL OR direction IN {TOPIC_DIRECTIONS}", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(40))
    # For indicators: is a higher value better (IPM) or a lower one (poverty rate)?
    direction: Mapped[str | None] = mapped_column(String(10))
    is_indicator: Mapped[bool] = mapped_column(default=False)
    # The indicator side (commitments, progress): English name, display decimals and the
    # usual source of official values (BPS, SSGI/SKI, e-PPGBM).
    name_en: Mapped[str | None] = mapped_column(String(200))
    decimals: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    default_source: Mapped[str | None] = mapped_column(String(200))


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(f"kind IN {MEETING_KINDS}", name="kind"),
        CheckConstraint(f"status IN {MEETING_STATUSES}", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL "
            "OR registration_closes_at > registration_opens_at", name="registration_window"),
        Index("ix_meeting_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="rakor")
    title: Mapped[str] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(200))  # bidang
    organizer_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Makassar")
    venue: Mapped[str] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    chair_name: Mapped[str | None] = mapped_column(String(200))
    chair_position: Mapped[str | None] = mapped_column(String(200))
    chair_nip: Mapped[str | None] = mapped_column(String(18))
    chair_rank: Mapped[str | None] = mapped_column(String(100))  # pangkat/golongan
    minute_taker_name: Mapped[str | None] = mapped_column(String(200))
    minute_taker_position: Mapped[str | None] = mapped_column(String(200))
    minute_taker_nip: Mapped[str | None] = mapped_column(String(18))
    minute_taker_rank: Mapped[str | None] = mapped_column(String(100))
    # Where the documents are signed ("Banjarbaru"); empty: the organizer's city
    # (rakor.documents.formatting.place_line).
    signing_place: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    # What the invitation tells the delegates: whom to ask (a WhatsApp number, stored E.164),
    # the dress code (pakaian), the letter's number (nomor surat) and, for a hybrid meeting,
    # where to join online (https only).
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    dress_code: Mapped[str | None] = mapped_column(String(200))
    letter_number: Mapped[str | None] = mapped_column(String(100))
    online_url: Mapped[str | None] = mapped_column(String(500))
    # "s.d. selesai": the meeting runs until it is done; ends_at stays as the nominal end the
    # calendar file needs.
    open_end: Mapped[bool] = mapped_column(default=False, server_default=false())
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # How often its time, place or title changed: with the status changes, the calendar
    # SEQUENCE (queries.calendar_sequence), so a subscribed calendar takes a moved meeting.
    schedule_changes: Mapped[int] = mapped_column(default=0, server_default="0")

    organizer: Mapped[Agency] = relationship(lazy="raise")
    follow_up_of: Mapped["Meeting | None"] = relationship(remote_side=[id], lazy="raise")
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by=lambda: agenda_order(), lazy="raise",
        cascade="all, delete-orphan",
    )
    transitions: Mapped[list["MeetingTransition"]] = relationship(
        back_populates="meeting", order_by="MeetingTransition.at", lazy="raise",
        cascade="all, delete-orphan",
    )
    date_changes: Mapped[list["MeetingDateChange"]] = relationship(
        order_by="MeetingDateChange.at", lazy="raise", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def page_cache_scopes(self):
        """Its own page, and the page of the meeting it follows up (rakor/core/page_cache.py)."""
        return {page_cache.meeting_scope(self.id),
                *(page_cache.meeting_scope(i) for i in page_cache.column_values(self, "follow_up_of_id"))}

    def __repr__(self):
        return f"<Meeting {self.id} {self.title[:30]!r} {self.status}>"


class MeetingTransition(db.Model):
    """Who moved a meeting from one status to another, and when."""

    __tablename__ = "meeting_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="transitions", lazy="raise")
    user = relationship("User", lazy="raise")


class MeetingDateChange(db.Model):
    """One move of a meeting's date or time ("rapat diundur"): from when to when, why, by whom,
    and when the invited agencies were told. The meeting keeps the history of its dates, and
    each move raises the .ics SEQUENCE so calendars replace the old entry."""

    __tablename__ = "meeting_date_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    from_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    to_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    to_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    agenda_items_moved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="raise")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at",
                        name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(300))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"), index=True)
    free_topic: Mapped[str | None] = mapped_column(String(200))
    presenter: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # Filled in during/after the meeting by the minute-taker (minutes feature).
    discussion: Mapped[str | None] = mapped_column(Text)
    conclusions: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items", lazy="raise")
    topic: Mapped[Topic | None] = relationship(lazy="raise")


def agenda_order():
    """The one order of an agenda, wherever it is shown: items with a time slot in time order,
    then the items without one in the committee's order (their `position`)."""
    return (AgendaItem.starts_at.asc().nulls_last(), AgendaItem.position, AgendaItem.id)


class Material(db.Model):
    """A file attached to a meeting or one of its agenda items, stored under UPLOAD_DIR with a
    server-generated name."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise")
