"""The API's reads: each list is one keyset-paginated query built on the same visibility
conditions as the pages (meetings.rules.visible_condition, commitments.queries.visible_to)."""
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, func, select, type_coerce
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import True_

from rakor.commitments.models import Commitment
from rakor.commitments.queries import visible_to
from rakor.core import lone_reads
from rakor.core.formatting import DEFAULT_TZ
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting, Topic
from rakor.meetings.rules import visible_condition
from rakor.participants.models import Participant
from rakor.progress.models import ProgressUpdate
from rakor.regions.models import Agency, Programme, Region


def _year_bounds(year):
    """The year as the organisers count it: in the default zone (WITA), as the pages do."""
    tz = ZoneInfo(DEFAULT_TZ)
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _page(stmt, column, after, limit):
    if after is not None:
        stmt = stmt.where(column > after)
    return db.session.scalars(stmt.order_by(column).limit(limit + 1)).unique().all()


def meetings(user, *, year=None, kind=None, organizer=None, status=None, after=None, limit=50):
    stmt = select(Meeting).where(visible_condition(user)).options(joinedload(Meeting.organizer))
    if year:
        start, end = _year_bounds(year)
        stmt = stmt.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if kind:
        stmt = stmt.where(Meeting.kind == kind)
    if organizer:
        stmt = stmt.where(Meeting.organizer_agency_id == organizer)
    if status:
        stmt = stmt.where(Meeting.status == status)
    return _page(stmt, Meeting.id, after, limit)


def meeting(meeting_id):
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id)
                             .options(joinedload(Meeting.organizer)))


def agenda(meeting_id):
    return db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                              .options(joinedload(AgendaItem.topic))
                              .order_by(AgendaItem.position, AgendaItem.id)).all()


def participants(meeting_id):
    return db.session.scalars(select(Participant).where(Participant.meeting_id == meeting_id,
                                                        Participant.status == "registered")
                              .options(joinedload(Participant.agency))
                              .order_by(Participant.agency_id, Participant.sort_name, Participant.id)).all()


def participant_counts(meeting_id):
    return db.session.execute(
        select(Agency.id, Agency.name, func.count(Participant.id))
        .join(Participant, Participant.agency_id == Agency.id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
        .group_by(Agency.id, Agency.name).order_by(Agency.name)).all()


_COMMITMENT_ROWS = (joinedload(Commitment.agency).joinedload(Agency.region),
                    joinedload(Commitment.indicator), joinedload(Commitment.programme))


# The list's read model: the columns of the representation (rakor.api.serialize.commitment_row),
# as plain rows of one Core select, not entities with their related entities. Of the tables,
# not of the mapped classes: a select of mapped attributes is executed through the ORM (its
# compile state and row loading: about 130 more Python calls a page for the same rows); a
# condition on mapped attributes (meetings.rules.visible_condition of a scoped user) still
# works, the select is then executed by the ORM.
_C, _A, _R, _P, _T, _M = (m.__table__ for m in (Commitment, Agency, Region, Programme, Topic, Meeting))
_COMMITMENT_COLUMNS = (
    _C.c.id, _C.c.reference, _C.c.version, _C.c.meeting_id,
    _C.c.agency_id, _A.c.name.label("agency_name"),
    _R.c.kemendagri_code.label("region_code"), _R.c.name.label("region_name"),
    _C.c.title, _C.c.description, _C.c.programme_code,
    _P.c.name.label("programme_name"), _T.c.code.label("indicator"),
    _C.c.baseline_value, _C.c.baseline_year, _C.c.target_value,
    _C.c.target_date, _C.c.responsible_office, _C.c.contact_person,
    _C.c.budget, _C.c.funding_source, _C.c.budget_year, _C.c.status,
    _C.c.review_note,
    # Read as the naive UTC they are stored as (serialize.commitment_row adds the offset):
    # UTCDateTime's result processor cost two Python calls per value of a page.
    type_coerce(_C.c.agreed_at, DateTime()).label("agreed_at"),
    type_coerce(_C.c.updated_at, DateTime()).label("updated_at"),
)


# Built once: a statement is immutable (each .where() makes a new one), and building its 26
# columns and 5 joins took about 600 of a list request's 6,900 Python calls.
def _commitment_list(with_meeting):
    tables = _C.join(_M, _M.c.id == _C.c.meeting_id) if with_meeting else _C
    return select(*_COMMITMENT_COLUMNS).select_from(
        tables.join(_A, _A.c.id == _C.c.agency_id)
        .join(_R, _R.c.id == _A.c.region_id)
        .outerjoin(_P, _P.c.code == _C.c.programme_code)
        .outerjoin(_T, _T.c.id == _C.c.indicator_id))


_COMMITMENT_LIST = _commitment_list(with_meeting=True)
# Without the meeting, for a reader who sees every meeting and no filter on the meeting's year:
# every commitment has its meeting (meeting_id is NOT NULL, a foreign key), so the join kept
# every row, yet cost PostgreSQL an index probe per commitment of the region (0.37 ms of
# execution for a page at national scale, 0.25 ms without).
_COMMITMENT_LIST_ALL_MEETINGS = _commitment_list(with_meeting=False)


def commitments(user, *, meeting=None, region=None, indicator=None, programme_code=None, status=None,
                year=None, after=None, limit=50):
    """One query per page: the commitments the user may see (of meetings they may see), as
    rows of the list's read model (_COMMITMENT_COLUMNS)."""
    meeting_condition, commitment_condition = visible_condition(user), visible_to(user)
    filters = (meeting, region, indicator, programme_code, status, after, limit)
    if isinstance(meeting_condition, True_) and isinstance(commitment_condition, True_) and not year:
        return read_only_rows(_page_of_every_meeting(*filters))
    return read_only_rows(_filtered(_COMMITMENT_LIST.where(meeting_condition, commitment_condition),
                                    *filters, year=year))


@lru_cache(maxsize=256)
def _page_of_every_meeting(*filters):
    """The page's statement for a reader who sees every meeting and commitment (the admin, an
    instance-wide committee or leadership): it depends on the filters alone, so the same filters
    get the same statement object, whose SQL cache key SQLAlchemy then computes once rather than
    on every request (walking 26 columns and 5 joins: about a fifteenth of a list request)."""
    return _filtered(_COMMITMENT_LIST_ALL_MEETINGS, *filters)


def _filtered(stmt, meeting, region, indicator, programme_code, status, after, limit, year=None):
    if meeting:
        stmt = stmt.where(_C.c.meeting_id == meeting)
    if region:
        stmt = stmt.where(_R.c.kemendagri_code == region)
    if indicator:
        stmt = stmt.where(_T.c.code == indicator)
    if programme_code:
        stmt = stmt.where(_C.c.programme_code.startswith(programme_code.upper(), autoescape=True))
    if status:
        stmt = stmt.where(_C.c.status == status)
    if year:
        start, end = _year_bounds(year)
        stmt = stmt.where(_M.c.starts_at >= start, _M.c.starts_at < end)
    if after is not None:
        stmt = stmt.where(_C.c.id > after)
    return stmt.order_by(_C.c.id).limit(limit + 1)


def read_only_rows(stmt):
    """The rows of one SELECT that is all a request reads: on PostgreSQL, when nothing has run
    on the session's connection yet, in autocommit (rakor/core/lone_reads.py): one round trip
    instead of three (BEGIN, the statement, COMMIT), the connection idle after it, so
    rakor.api._end_read has nothing to commit and psycopg keeps the statement prepared (a
    ROLLBACK would drop it; none is sent on an idle connection)."""
    with lone_reads.outside_transaction():
        return db.read(stmt).all()


def commitment(commitment_id):
    return db.session.scalar(select(Commitment).where(Commitment.id == commitment_id)
                             .options(*_COMMITMENT_ROWS))


def meeting_of(commitment):
    return db.session.get(Meeting, commitment.meeting_id)


def progress_updates(commitment_id, *, period=None, history=False, after=None, limit=50):
    stmt = select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment_id)
    if period:
        stmt = stmt.where(ProgressUpdate.period == period)
    if not history:
        stmt = stmt.where(ProgressUpdate.is_current)
    return _page(stmt, ProgressUpdate.id, after, limit)


def progress_update(update_id):
    return db.session.get(ProgressUpdate, update_id)


def regions(after=None, limit=50):
    return _page(select(Region), Region.id, after, limit)


def agencies(after=None, limit=50):
    return _page(select(Agency), Agency.id, after, limit)


def indicators(after=None, limit=50):
    return _page(select(Topic).where(Topic.is_indicator), Topic.id, after, limit)


def programmes(after=None, limit=50):
    stmt = select(Programme)
    if after is not None:
        stmt = stmt.where(Programme.code > after)
    return db.session.scalars(stmt.order_by(Programme.code).limit(limit + 1)).all()


def indicator_id(code):
    return db.session.scalar(select(Topic.id).where(Topic.code == code, Topic.is_indicator))


def region_id(code):
    return db.session.scalar(select(Region.id).where(Region.kemendagri_code == code))


def indicator_or_topic_id(code):
    return db.session.scalar(select(Topic.id).where(Topic.code == code))
