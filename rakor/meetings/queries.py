"""Read side of meetings: who sees which meetings, and loading a page in a fixed number of
queries (relationships are lazy="raise", so whatever a page shows is loaded here)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, literal, null, or_, select, true, union_all
from sqlalchemy.orm import aliased, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from rakor.auth import tenancy
from rakor.core.formatting import DEFAULT_TZ
from rakor.core.sql import contains
from rakor.core.types import utcnow
from rakor.core.urls import MAX_ID, int_arg  # larger ids are not ours
from rakor.extensions import db
from rakor.meetings.lifecycle import CANCELLED, FOLLOWABLE
from rakor.meetings.models import (
    MEETING_KINDS,
    AgendaItem,
    Material,
    Meeting,
    MeetingDateChange,
    MeetingTransition,
    Topic,
    agenda_order,
)
from rakor.meetings.rules import NOW, kept_visible_condition, visible_condition
from rakor.regions.models import Agency, Region


def visible_meetings(user):
    return select(Meeting).where(visible_condition(user))


@dataclass
class MeetingFilters:
    scope: str = "upcoming"       # upcoming | past | all
    kind: str | None = None
    organizer_id: int | None = None
    year: int | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args):
        scope = args.get("scope", "upcoming")
        kind = args.get("kind") or None
        return cls(
            scope=scope if scope in ("upcoming", "past", "all") else "upcoming",
            kind=kind if kind in MEETING_KINDS else None,
            organizer_id=int_arg(args, "organizer", 1, MAX_ID),
            year=int_arg(args, "year", 1900, 2999),
            q=(args.get("q") or "").strip()[:100] or None,
        )


def list_statement(user, filters: MeetingFilters, now=None):
    now = now or utcnow()
    stmt = visible_meetings(user).options(joinedload(Meeting.organizer))
    if filters.scope == "upcoming":
        stmt = stmt.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    elif filters.scope == "past":
        stmt = stmt.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        stmt = stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if filters.kind:
        stmt = stmt.where(Meeting.kind == filters.kind)
    if filters.organizer_id:
        stmt = stmt.where(Meeting.organizer_agency_id == filters.organizer_id)
    if filters.year:
        # The year as the organisers count it: in the default zone (WITA).
        tz = ZoneInfo(DEFAULT_TZ)
        stmt = stmt.where(Meeting.starts_at >= datetime(filters.year, 1, 1, tzinfo=tz),
                          Meeting.starts_at < datetime(filters.year + 1, 1, 1, tzinfo=tz))
    if filters.q:
        stmt = stmt.where(or_(*(contains(col, filters.q) for col in
                                (Meeting.title, Meeting.venue, Meeting.city, Meeting.field))))
    return stmt


def meetings_between(user, start, end):
    """Visible meetings overlapping [start, end), for the calendar."""
    return db.session.scalars(
        visible_meetings(user).where(Meeting.starts_at < end, Meeting.ends_at > start)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()


def upcoming_for(user, limit=5, now=None):
    now = now or utcnow()
    return db.session.scalars(
        visible_meetings(user).where(Meeting.ends_at >= now, Meeting.status != CANCELLED)
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)
    ).all()


def recent_for(user, limit=5, now=None):
    """The latest meetings that have ended, newest first: what a dashboard or list shows when
    nothing is coming up, so a new user (or the demo) does not meet an empty page."""
    now = now or utcnow()
    return db.session.scalars(
        visible_meetings(user).where(Meeting.ends_at < now, Meeting.status != CANCELLED)
        .options(joinedload(Meeting.organizer))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)
    ).all()


def upcoming_or_recent(user, limit=5, now=None):
    """(upcoming, recent) in one query: the next `limit` meetings as `upcoming_for` gives them
    and, for when none is coming up, the latest ended ones as `recent_for` gives them,
    which the dashboard panel shows instead."""
    now = now or utcnow()
    rows = db.session.scalars(_upcoming_or_recent_statement(tenancy.sight(user), limit), {NOW: now}).all()
    upcoming = sorted((m for m in rows if m.ends_at >= now), key=lambda m: (m.starts_at, m.id))
    recent = sorted((m for m in rows if m.ends_at < now), key=lambda m: (m.starts_at, m.id), reverse=True)
    return upcoming, recent


@lru_cache(maxsize=512)
def _upcoming_or_recent_statement(sight, limit):
    # Every home page runs it: kept per sight (tenancy.Sight), the time a bind parameter.
    now, visible = bindparam(NOW), kept_visible_condition(sight)
    coming = (select(Meeting).where(visible, Meeting.ends_at >= now, Meeting.status != CANCELLED)
              .order_by(Meeting.starts_at, Meeting.id).limit(limit))
    ended = (select(Meeting).where(visible, Meeting.ends_at < now, Meeting.status != CANCELLED)
             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit))
    # Each part as a subquery: SQLite takes no ORDER BY/LIMIT inside a compound select.
    both = aliased(Meeting, union_all(*(select(part.subquery()) for part in (coming, ended))).subquery())
    return select(both).options(joinedload(both.organizer))


def get_meeting(meeting_id, *options):
    """The meeting or None. Web ids are bounded by the `int` URL converter, CLI ids by
    `cli.meeting_or_exit`."""
    if not options:
        return db.session.scalar(_meeting_statement(), {"meeting_id": meeting_id})
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(*options))


def meeting_head(meeting_id):
    """The meeting with only what its page needs before the kept content is found: the access
    rule (status; the organizer, for the committee and leadership: left out, it cost a query of
    its own), the cache's scopes (follow-up) and the title. A miss loads the rest with
    `meeting_for_page` (views/meeting.py); a hit reads a fifth of the columns."""
    return db.session.scalar(_head_statement(), {"meeting_id": meeting_id})


@cache
def _head_statement():
    return select(Meeting).where(Meeting.id == bindparam("meeting_id")).options(
        load_only(Meeting.title, Meeting.status, Meeting.follow_up_of_id, Meeting.organizer_agency_id))


def meeting_for_page(meeting_id):
    """The meeting with what its page shows besides the materials and the history, in a fixed
    number of queries whatever the agenda length: the meeting with its organizer and earlier
    meeting (1), agenda items with topics (1). The meeting page loads it inside its cached
    fragment (views/meeting.py)."""
    params = {"meeting_id": meeting_id}
    meeting = db.session.scalar(_meeting_statement(page=True), params)
    if meeting is None:
        return None
    # The agenda by a statement of its own, set as loaded: selectinload's machinery took as much
    # CPU as the queries themselves (bench/issue20-figures.md, stop 31).
    set_committed_value(meeting, "agenda_items", db.session.scalars(_agenda_statement(), params).all())
    return meeting


@dataclass(frozen=True)
class HistoryEntry:
    """A status change (kind "status") or a move of the date (kind "date") of a meeting."""
    kind: str
    at: datetime
    id: int
    from_starts_at: datetime | None
    to_starts_at: datetime | None
    timezone: str | None
    reason: str | None
    from_status: str | None
    to_status: str | None
    note: str | None
    user_name: str | None


def meeting_history(meeting_id) -> list[HistoryEntry]:
    """The meeting's status changes and moves of its date, newest first, with who made each
    (None: the system), in one query (the organisers' history on the meeting page)."""
    return [HistoryEntry(*row) for row in db.read(_history_statement(), {"meeting_id": meeting_id})]


@cache
def _history_statement():
    # Built once: on every organiser's view of a meeting page. The moves come first in the
    # UNION, so their columns' types (UTC datetimes) apply to every row.
    t, d = MeetingTransition, MeetingDateChange
    user_model = t.user.property.mapper.class_
    moved_by, changed_by = aliased(user_model), aliased(user_model)
    meeting_id = bindparam("meeting_id")
    moves = (select(literal("date").label("kind"), d.at, d.id, d.from_starts_at, d.to_starts_at, d.timezone,
                    d.reason, null().label("from_status"), null().label("to_status"), null().label("note"),
                    moved_by.name.label("user_name"))
             .outerjoin(moved_by, moved_by.id == d.user_id).where(d.meeting_id == meeting_id))
    changes = (select(literal("status"), t.at, t.id, null(), null(), null(), null(), t.from_status, t.to_status,
                      t.note, changed_by.name)
               .outerjoin(changed_by, changed_by.id == t.user_id).where(t.meeting_id == meeting_id))
    both = union_all(moves, changes).subquery()
    # Newest first; at the same instant a move before a status change, then the later row first
    # (as the page sorted the two lists before).
    return select(both).order_by(both.c.at.desc(), both.c.kind, both.c.id.desc())


@cache
def _meeting_statement(page=False):
    # Every meeting-scoped request loads its meeting: built once, with a bind parameter, as
    # building the statement and its loader options took more CPU than running it. Built on
    # first use: loader options configure the mappers, which needs every model imported.
    stmt = select(Meeting).where(Meeting.id == bindparam("meeting_id"))
    if page:
        stmt = stmt.options(joinedload(Meeting.organizer), joinedload(Meeting.follow_up_of))
    return stmt


@cache
def _agenda_statement():
    # In the relationship's order (Meeting.agenda_items).
    return (select(AgendaItem).where(AgendaItem.meeting_id == bindparam("meeting_id"))
            .options(joinedload(AgendaItem.topic)).order_by(*agenda_order()))


def materials_of(meeting_id):
    """Every material of the meeting, oldest first (1 query)."""
    return db.session.scalars(_materials_statement(), {"meeting_id": meeting_id}).all()


@cache
def _materials_statement():
    # On every meeting page, like _meeting_statement.
    return (select(Material).where(Material.meeting_id == bindparam("meeting_id"))
            .order_by(Material.uploaded_at, Material.id))


def calendar_sequence(meeting):
    """The iCalendar SEQUENCE of a meeting: one more per status change and per change of its
    time, place or title, so calendars (files, e-mails, feeds) replace what they hold."""
    return transition_count(meeting.id) + (meeting.schedule_changes or 0)


def transition_count(meeting_id):
    """How often the meeting changed status: the .ics SEQUENCE, so calendars take updates."""
    return db.session.scalar(select(func.count(MeetingTransition.id))
                             .where(MeetingTransition.meeting_id == meeting_id)) or 0


def date_changes_of(meeting_id):
    """The meeting's history of dates, newest first."""
    return db.session.scalars(
        select(MeetingDateChange).where(MeetingDateChange.meeting_id == meeting_id)
        .options(joinedload(MeetingDateChange.user))
        .order_by(MeetingDateChange.at.desc(), MeetingDateChange.id.desc())).all()


def organizers_of_visible(user):
    """(id, name) of the agencies organising a meeting `user` sees: the list's filter."""
    return db.session.execute(
        select(Agency.id, Agency.name).join(Region, Region.id == Agency.region_id).where(Agency.id.in_(
            select(Meeting.organizer_agency_id).where(visible_condition(user))
        )).order_by(Region.kemendagri_code, Agency.name)
    ).all()


def agency_options():
    """(id, name) of every agency, for the organizer select, in region-code order."""
    return db.session.execute(select(Agency.id, Agency.name).join(Region, Region.id == Agency.region_id)
                              .order_by(Region.kemendagri_code, Agency.name)).all()


def topic_options():
    """(id, name) of every topic, for the agenda form."""
    return db.session.execute(select(Topic.id, Topic.name).order_by(Topic.name)).all()


def agenda_of(meeting_id):
    return db.session.scalars(_agenda_statement(), {"meeting_id": meeting_id}).all()


def follow_up_candidates(exclude_id=None, limit=200, user=None, keep_id=None):
    """Meetings a new/edited meeting may follow up: scheduled or held ones `user` sees (all
    without a user; `keep_id`, the one it follows up now, in any case), latest first."""
    seen = true() if user is None else or_(visible_condition(user), Meeting.id == keep_id)
    stmt = (select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.timezone)
            .where(Meeting.status.in_(FOLLOWABLE), seen)
            .order_by(Meeting.starts_at.desc()).limit(limit))
    if exclude_id is not None:
        stmt = stmt.where(Meeting.id != exclude_id)
    return db.session.execute(stmt).all()


# --- the private calendar feed ----------------------------------------------------------------

FEED_DAYS_BACK = 366  # a feed carries the past year and everything ahead
FEED_MAX_MEETINGS = 500


def calendar_feed_owner(token):
    """The active user whose calendar feed `token` is, or None."""
    from rakor.auth.models import User

    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def feed_entries(user, now=None):
    """[(meeting, agenda items, sequence)] of the meetings `user` may see, from a year ago on:
    three queries whatever the number of meetings."""
    since = (now or utcnow()) - timedelta(days=FEED_DAYS_BACK)
    meetings = db.session.scalars(visible_meetings(user).where(Meeting.ends_at >= since)
                                  .order_by(Meeting.starts_at, Meeting.id).limit(FEED_MAX_MEETINGS)).all()
    ids = [m.id for m in meetings]
    agendas = {i: [] for i in ids}
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id.in_(ids or [0]))
                                   .order_by(AgendaItem.meeting_id, *agenda_order())):
        agendas[item.meeting_id].append(item)
    transitions = dict(db.session.execute(
        select(MeetingTransition.meeting_id, func.count(MeetingTransition.id))
        .where(MeetingTransition.meeting_id.in_(ids or [0])).group_by(MeetingTransition.meeting_id)).all())
    return [(m, agendas[m.id], transitions.get(m.id, 0) + (m.schedule_changes or 0)) for m in meetings]
