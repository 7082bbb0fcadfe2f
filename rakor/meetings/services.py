"""Meetings, their lifecycle and their agenda: the operations behind the views and the CLI.

Each function takes plain arguments, changes the session, flushes, and raises DomainError
(with the form field it concerns) when a rule refuses. Callers commit.

Times: callers pass either aware datetimes or naive *local* times, which are read in the
meeting's time zone (what a committee member types is local time, WITA by default).
Concurrent changes of one meeting's agenda or status queue on the meeting row's lock
(SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers anyway).
"""
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from rakor.core.dates import check_supported
from rakor.core.errors import DomainError
from rakor.core.formatting import format_time, is_valid_timezone, to_zone
from rakor.core.phones import normalize_phone
from rakor.core.ranks import normalize_rank
from rakor.core.types import utcnow
from rakor.core.workflow import Workflow, WorkflowMessages
from rakor.extensions import db
from rakor.meetings import hooks, lifecycle
from rakor.meetings import notices as meeting_notices
from rakor.meetings.lifecycle import CANCELLED, DATE_LOCKED, DRAFT, FOLLOWABLE, HELD, SCHEDULED, check_open
from rakor.meetings.models import (
    MEETING_KINDS,
    AgendaItem,
    Meeting,
    MeetingDateChange,
    MeetingTransition,
    Topic,
    agenda_order,
)
from rakor.numbering.queries import number_for
from rakor.numbering.services import document_key
from rakor.policy import can
from rakor.regions.models import Agency

MAX_DURATION = timedelta(days=31)
NIP_RE = re.compile(r"[0-9]{18}")  # ASCII only: \d also takes "١٩٨٠…" and fullmatch below


# --- helpers -------------------------------------------------------------------------------

def _clean(value):
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    return value


def _check_len(value, max_len, field):
    if value is not None and len(value) > max_len:
        raise DomainError(_l("At most %(n)d characters.", n=max_len), field=field)
    return value


def to_utc(value, tz_name):
    """Naive local time in `tz_name` (or an aware datetime) -> aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz_name))
    return value.astimezone(UTC)


MEETING_FLOW = Workflow(
    transitions=lifecycle.TRANSITIONS, note_required=lifecycle.NOTE_REQUIRED,
    history=MeetingTransition, owner_key="meeting_id",
    messages=WorkflowMessages(
        stale=_l("The status of this meeting was changed meanwhile; check it and try again."),
        illegal=_l("A meeting cannot go from this status to the chosen one."),
        note=_l("Give a reason; it is kept in the meeting's history.")),
)


def lock_meeting(meeting):
    """The meeting row, locked until the transaction ends, with fresh values."""
    return MEETING_FLOW.lock(meeting)


# --- meetings ------------------------------------------------------------------------------

@dataclass
class MeetingData:
    """What a committee member enters for a meeting. `starts_at`/`ends_at` and the
    registration window are naive local times in `timezone` (or aware datetimes)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    organizer_agency_id: int | None
    kind: str = "rakor"
    timezone: str = "Asia/Makassar"
    field: str | None = None
    city: str | None = None
    chair_name: str | None = None
    chair_position: str | None = None
    chair_nip: str | None = None
    chair_rank: str | None = None
    minute_taker_name: str | None = None
    minute_taker_position: str | None = None
    minute_taker_nip: str | None = None
    minute_taker_rank: str | None = None
    signing_place: str | None = None
    description: str | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    follow_up_of_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    dress_code: str | None = None
    letter_number: str | None = None
    online_url: str | None = None
    open_end: bool = False


TEXT_LIMITS = {"title": 300, "venue": 300, "field": 200, "city": 100, "chair_name": 200,
               "chair_position": 200, "minute_taker_name": 200, "minute_taker_position": 200,
               "signing_place": 100, "description": 5000,
               "contact_name": 200, "dress_code": 200, "letter_number": 100, "online_url": 500}
TEXT_FIELDS = ("title", "venue", "field", "city", "chair_name", "chair_position", "chair_nip", "chair_rank",
               "minute_taker_name", "minute_taker_position", "minute_taker_nip", "minute_taker_rank",
               "signing_place", "description", "timezone", "kind",
               "contact_name", "contact_phone", "dress_code", "letter_number", "online_url")


def clean_online_url(value):
    """The join link of a hybrid meeting: an https URL with a host, or DomainError. Delegates
    open it from the invitation page, so nothing but https (no javascript:, no plain http)."""
    if value is None:
        return None
    if any(c.isspace() for c in value):
        raise DomainError(_l("Enter one https:// link without spaces."), field="online_url")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or parts.username:
        raise DomainError(_l("Enter the online meeting link starting with https://."), field="online_url")
    return value


def _validated_values(data: MeetingData, meeting: Meeting | None):
    """MeetingData -> dict of column values (UTC times), or DomainError on the first problem."""
    v = {f.name: getattr(data, f.name) for f in fields(data)}
    for name in TEXT_FIELDS:
        v[name] = _clean(v[name])
    v["open_end"] = bool(v["open_end"])
    for name, limit in TEXT_LIMITS.items():
        _check_len(v[name], limit, name)
    if not v["title"]:
        raise DomainError(_l("Enter a title."), field="title")
    if v["kind"] not in MEETING_KINDS:
        raise DomainError(_l("Choose a kind of meeting."), field="kind")
    if not v["venue"]:
        raise DomainError(_l("Enter the venue."), field="venue")
    if not is_valid_timezone(v["timezone"]):
        raise DomainError(_l("Unknown time zone %(tz)s; use a name such as Asia/Makassar (WITA), "
                             "Asia/Jakarta (WIB) or Asia/Jayapura (WIT).", tz=v["timezone"] or ""),
                          field="timezone")
    for name in ("chair_nip", "minute_taker_nip"):
        if v[name] is not None:
            v[name] = v[name].replace(" ", "")
            if not NIP_RE.fullmatch(v[name]):
                raise DomainError(_l("A NIP has exactly 18 digits."), field=name)
    for name in ("chair_rank", "minute_taker_rank"):
        try:
            v[name] = normalize_rank(v[name])
        except DomainError as e:
            raise DomainError(e.message, field=name) from e
    v["contact_phone"] = normalize_phone(v["contact_phone"], field="contact_phone")
    v["online_url"] = clean_online_url(v["online_url"])
    if v["organizer_agency_id"] is None or db.session.get(Agency, v["organizer_agency_id"]) is None:
        raise DomainError(_l("Choose the organizing agency."), field="organizer_agency_id")

    tz = v["timezone"]
    if v["starts_at"] is None:
        raise DomainError(_l("Enter when the meeting starts."), field="starts_at")
    if v["ends_at"] is None:
        raise DomainError(_l("Enter when the meeting ends."), field="ends_at")
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        check_supported(v[name], field=name)  # first: to_utc overflows near year 1 or 9999
        v[name] = to_utc(v[name], tz)
    if v["ends_at"] <= v["starts_at"]:
        raise DomainError(_l("The meeting must end after it starts."), field="ends_at")
    if v["ends_at"] - v["starts_at"] > MAX_DURATION:
        raise DomainError(_l("A meeting can last at most 31 days."), field="ends_at")
    opens, closes = v["registration_opens_at"], v["registration_closes_at"]
    if opens and closes and closes <= opens:
        raise DomainError(_l("Registration must close after it opens."), field="registration_closes_at")
    if closes and closes > v["ends_at"]:
        raise DomainError(_l("Registration must close before the meeting ends."),
                          field="registration_closes_at")
    if opens and opens >= v["ends_at"]:
        raise DomainError(_l("Registration must open before the meeting ends."),
                          field="registration_opens_at")

    if v["follow_up_of_id"] is not None:
        earlier = db.session.get(Meeting, v["follow_up_of_id"])
        if earlier is None or (meeting is not None and earlier.id == meeting.id):
            raise DomainError(_l("Choose an earlier meeting."), field="follow_up_of_id")
        if earlier.status not in FOLLOWABLE:
            raise DomainError(_l("A meeting can only follow up a scheduled or held meeting."),
                              field="follow_up_of_id")
        if earlier.starts_at >= v["starts_at"]:
            raise DomainError(_l("The earlier meeting must start before this one."),
                              field="follow_up_of_id")
    return v


def _check_tenancy(values, user, meeting=None):
    """The organizer must be one `user` organises for, and the meeting it follows up one of
    the user's meetings (issue 22, rakor/auth/tenancy.py). Scripts pass no user: they are
    administrator-level; an edit checks only what it changes."""
    if user is None:
        return
    new_organizer = meeting is None or values["organizer_agency_id"] != meeting.organizer_agency_id
    if new_organizer and not can(user, "meeting.organize_for", values["organizer_agency_id"]):
        raise DomainError(_l("You may only organise meetings for your own agency."),
                          field="organizer_agency_id")
    earlier_id = values.get("follow_up_of_id")
    if earlier_id is not None and (meeting is None or earlier_id != meeting.follow_up_of_id):
        earlier = db.session.get(Meeting, earlier_id)
        if earlier is None or not can(user, "meeting.view", earlier):
            raise DomainError(_l("Choose an earlier meeting of your own."), field="follow_up_of_id")


def create_meeting(data: MeetingData, user=None, status=DRAFT, now=None) -> Meeting:
    """A new meeting, in draft (or scheduled, for scripts); the creation is recorded."""
    values = _validated_values(data, None)
    _check_tenancy(values, user)
    meeting = Meeting(**values, status=DRAFT, created_by_id=getattr(user, "id", None))
    db.session.add(meeting)
    db.session.flush()
    MEETING_FLOW.record(meeting, None, DRAFT, user, now=now)
    if status == SCHEDULED:
        change_status(meeting, SCHEDULED, user, now=now)
    elif status != DRAFT:
        raise ValueError(f"a new meeting starts as draft or scheduled, not {status}")
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, by_user=None) -> Meeting:
    meeting = lock_meeting(meeting)
    check_open(meeting)
    values = _validated_values(data, meeting)
    for key in ("starts_at", "ends_at"):
        # The form edits to the minute: a stored time with seconds (an import, the API) that the
        # form sends back unchanged is the same time, not a move.
        stored = getattr(meeting, key)
        if stored is not None and values[key] == stored.replace(second=0, microsecond=0):
            values[key] = stored
    _check_tenancy(values, by_user, meeting)
    moved = (values["starts_at"] != meeting.starts_at or values["ends_at"] != meeting.ends_at
             or values["timezone"] != meeting.timezone)
    if moved and meeting.status in DATE_LOCKED:
        raise DomainError(_l("This meeting has been held; reopen it before moving it to another "
                             "date or time."), field="starts_at")
    if (values["starts_at"], values["ends_at"], values["timezone"], values["open_end"]) != (
            meeting.starts_at, meeting.ends_at, meeting.timezone, meeting.open_end):
        window = SlotWindow(values["starts_at"], values["ends_at"], values["timezone"], values["open_end"])
        timed = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at.is_not(None))
            .order_by(AgendaItem.starts_at)).all()
        # An item of the meeting itself does not become a pre-meeting slot by moving the start
        # past it: that is the meeting shrinking away from its agenda.
        outside = next((it for it in timed if not window.fits(it.starts_at, it.ends_at)
                        or meeting.starts_at <= it.starts_at < values["starts_at"]), None)
        if outside is not None:
            raise DomainError(_l("The agenda item \u201c%(title)s\u201d would fall outside the new "
                                 "meeting time; change its time slot first, or use \u201cMove the "
                                 "meeting\u201d, which moves the agenda with it.", title=outside.title),
                              field="starts_at")
    follow_ups_before = db.session.scalar(
        select(func.min(Meeting.starts_at)).where(Meeting.follow_up_of_id == meeting.id))
    if follow_ups_before is not None and follow_ups_before <= values["starts_at"]:
        raise DomainError(_l("A follow-up meeting of this one starts earlier; a meeting must start "
                             "before its follow-ups."), field="starts_at")
    _check_registered_letter_number(meeting, values)
    if any(values[name] != getattr(meeting, name) for name in CALENDAR_FIELDS if name in values):
        meeting.schedule_changes = (meeting.schedule_changes or 0) + 1  # calendars must take it
    from_starts, from_ends = meeting.starts_at, meeting.ends_at
    for name, value in values.items():
        setattr(meeting, name, value)
    db.session.flush()
    if (from_starts, from_ends) != (meeting.starts_at, meeting.ends_at):
        record_date_change(meeting, from_starts, from_ends, user=by_user)
    return meeting


# What a calendar shows of a meeting: a change to any of them raises its SEQUENCE.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "timezone", "open_end", "venue", "city")


def _check_registered_letter_number(meeting, values):
    """Once the invitation letter is numbered (sent), its number is in the register and the
    meeting's letter number stays that one; so does the organizer whose register holds it."""
    registered = number_for(meeting.organizer_agency_id, document_key("invitation", meeting.id))
    if registered is None:
        return
    if values["letter_number"] != registered.number:
        raise DomainError(_l("The invitation letter was sent with the number %(number)s, which is in the "
                             "register; it cannot change.", number=registered.number), field="letter_number")
    if values["organizer_agency_id"] != meeting.organizer_agency_id:
        raise DomainError(_l("The invitation letter has been numbered and sent by this organizer; the "
                             "organizer cannot change."), field="organizer_agency_id")


def record_date_change(meeting: Meeting, from_starts, from_ends, *, user=None, reason=None,
                       items_moved=0, now=None) -> MeetingDateChange:
    """The meeting's history of dates: called by every change of its start or end (an edit or a
    move with the agenda); the delegates of the invited agencies get their notice here, once."""
    change = MeetingDateChange(
        meeting_id=meeting.id, from_starts_at=from_starts, from_ends_at=from_ends,
        to_starts_at=meeting.starts_at, to_ends_at=meeting.ends_at, timezone=meeting.timezone,
        agenda_items_moved=items_moved, reason=reason, user_id=getattr(user, "id", None),
        at=now or utcnow())
    db.session.add(change)
    db.session.flush()
    if meeting.status != DRAFT:  # a draft has told nobody its date yet
        meeting_notices.notify_rescheduled(meeting, from_starts, by_user=user)
    return change


def change_status(meeting: Meeting, to_status: str, user=None, note=None, expected_from=None,
                  now=None) -> MeetingTransition:
    """Move a meeting along its lifecycle (lifecycle.TRANSITIONS); `expected_from` (the status
    the user saw) guards against acting on a stale page."""
    def guard(meeting, from_status, to_status):
        if to_status == HELD and meeting.starts_at > (now or utcnow()):
            raise DomainError(_l("A meeting can only be marked as held once it has started."))
        # Other features' conditions (minutes: "minutes final" needs a final version).
        hooks.run_transition_guards(meeting, to_status)

    transition = MEETING_FLOW.move(meeting, to_status, user, note=note, expected_from=expected_from,
                                   now=now, guard=guard)
    if to_status == CANCELLED:
        meeting_notices.notify_cancelled(meeting, note, by_user=user)
    hooks.run_transition_effects(meeting, to_status, user, now or utcnow())
    return transition


# --- agenda --------------------------------------------------------------------------------

@dataclass
class AgendaItemData:
    title: str
    starts_at: datetime | None = None   # naive local (meeting's zone) or aware
    ends_at: datetime | None = None
    topic_id: int | None = None
    free_topic: str | None = None
    presenter: str | None = None
    description: str | None = None
    conclusions: str | None = None


@dataclass(frozen=True)
class SlotWindow:
    """Where an agenda item's time slot may lie: within the meeting, or before its start on the
    same local day when it ends by the start (registration 08.30–09.00 before a 09.00 start).
    An open-ended meeting ("s.d. selesai") may run past its nominal end until its last day ends."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    open_end: bool = False

    @classmethod
    def of(cls, meeting: Meeting):
        return cls(meeting.starts_at, meeting.ends_at, meeting.timezone, bool(meeting.open_end))

    def _local_midnight(self, value, days=0):
        day = to_zone(value, self.timezone).date() + timedelta(days=days)
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)

    @property
    def earliest(self):
        return self._local_midnight(self.starts_at)

    @property
    def latest(self):
        return self._local_midnight(self.ends_at, days=1) if self.open_end else self.ends_at

    def fits(self, starts, ends) -> bool:
        if starts < self.earliest or ends > self.latest:
            return False
        return starts >= self.starts_at or ends <= self.starts_at  # a pre-meeting slot ends by the start


def _agenda_values(meeting: Meeting, data: AgendaItemData, item: AgendaItem | None):
    title = _check_len(_clean(data.title), 300, "title")
    if not title:
        raise DomainError(_l("Enter a title."), field="title")
    values = {
        "title": title,
        "free_topic": _check_len(_clean(data.free_topic), 200, "free_topic"),
        "presenter": _check_len(_clean(data.presenter), 300, "presenter"),
        "description": _check_len(_clean(data.description), 5000, "description"),
        "conclusions": _check_len(_clean(data.conclusions), 5000, "conclusions"),
        "topic_id": data.topic_id,
    }
    if data.topic_id is not None and db.session.get(Topic, data.topic_id) is None:
        raise DomainError(_l("Choose a topic from the list."), field="topic_id")
    check_supported(data.starts_at, field="starts_at")  # first: to_utc overflows near year 1 or 9999
    check_supported(data.ends_at, field="ends_at")
    starts, ends = to_utc(data.starts_at, meeting.timezone), to_utc(data.ends_at, meeting.timezone)
    if (starts is None) != (ends is None):
        raise DomainError(_l("Give both the start and the end of the time slot, or neither."),
                          field="starts_at" if starts is None else "ends_at")
    if starts is not None:
        if ends <= starts:
            raise DomainError(_l("The time slot must end after it starts."), field="ends_at")
        if not SlotWindow.of(meeting).fits(starts, ends):
            tz = meeting.timezone
            raise DomainError(
                _l("The time slot must lie within the meeting (%(start)s\u2013%(end)s), or end by its "
                   "start on the same day (such as registration).",
                   start=format_time(meeting.starts_at, tz, with_zone=False),
                   end=_l("until done") if meeting.open_end else format_time(meeting.ends_at, tz)),
                field="starts_at")
        clash = db.session.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting.id, AgendaItem.starts_at.is_not(None),
                AgendaItem.starts_at < ends, AgendaItem.ends_at > starts,
                AgendaItem.id != (item.id if item is not None else -1),
            ).order_by(AgendaItem.starts_at).limit(1)
        ).first()
        if clash is not None:
            tz = meeting.timezone
            raise DomainError(
                _l("The time slot overlaps \u201c%(title)s\u201d (%(start)s\u2013%(end)s).",
                   title=clash.title, start=format_time(clash.starts_at, tz, with_zone=False),
                   end=format_time(clash.ends_at, tz)),
                field="starts_at")
    values["starts_at"], values["ends_at"] = starts, ends
    return values


def add_agenda_item(meeting: Meeting, data: AgendaItemData) -> AgendaItem:
    meeting = lock_meeting(meeting)
    check_open(meeting)
    values = _agenda_values(meeting, data, None)
    last = db.session.scalar(select(func.max(AgendaItem.position))
                             .where(AgendaItem.meeting_id == meeting.id)) or 0
    item = AgendaItem(meeting_id=meeting.id, position=last + 1, **values)
    db.session.add(item)
    db.session.flush()
    _renumber(meeting.id)
    return item


def update_agenda_item(item: AgendaItem, data: AgendaItemData) -> AgendaItem:
    meeting = lock_meeting(_meeting_of(item))
    check_open(meeting)
    for name, value in _agenda_values(meeting, data, item).items():
        setattr(item, name, value)
    db.session.flush()
    _renumber(meeting.id)
    return item


def _meeting_of(item):
    return db.session.get(Meeting, item.meeting_id)


def _ordered_items(meeting_id):
    return db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                              .order_by(*agenda_order())).all()


def _renumber(meeting_id, items=None):
    """Positions 1..n in the agenda's order (time slots first, by time), so the number another
    feature prints for an item is the one the agenda shows. Also repairs gaps and duplicates."""
    for position, it in enumerate(items if items is not None else _ordered_items(meeting_id), start=1):
        it.position = position
    db.session.flush()


def move_agenda_item(item: AgendaItem, direction: str) -> bool:
    """Swap an item without a time slot with the previous ("up") or next ("down") such item.
    False when already at that end. An item with a time slot has its place from its time:
    moving it is refused (change its time instead)."""
    if direction not in ("up", "down"):
        raise DomainError(_l("Unknown direction."))
    meeting = lock_meeting(_meeting_of(item))
    check_open(meeting)
    if item.starts_at is not None:
        raise DomainError(_l("An item with a time slot stays in time order; change its time to move it."))
    items = _ordered_items(meeting.id)
    untimed = [i for i, it in enumerate(items) if it.starts_at is None]
    index = next(n for n, i in enumerate(untimed) if items[i].id == item.id)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(untimed):
        return False
    a, b = untimed[index], untimed[other]
    items[a], items[b] = items[b], items[a]
    _renumber(meeting.id, items)
    return True


def delete_agenda_item(item: AgendaItem) -> list[str]:
    """Delete an item and its materials; returns the stored file names to remove from disk
    once the transaction has committed."""
    from rakor.meetings.models import Material

    meeting = lock_meeting(_meeting_of(item))
    check_open(meeting)
    materials = db.session.scalars(select(Material).where(Material.agenda_item_id == item.id)).all()
    stored = [m.stored_name for m in materials]
    for m in materials:
        db.session.delete(m)
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting.id)
    return stored


# --- the private calendar feed ----------------------------------------------------------------

def issue_calendar_token(user) -> str:
    """A new secret for the user's calendar feed; the previous address stops working."""
    import secrets

    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def revoke_calendar_token(user) -> None:
    """The feed's address stops working; calendars subscribed to it keep what they have."""
    user.calendar_token = None
    db.session.flush()
