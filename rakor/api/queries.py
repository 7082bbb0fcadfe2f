"""The API's reads: each list is one keyset-paginated query built on the same visibility
conditions as the pages (meetings.rules.visible_condition, commitments.queries.visible_to)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from rakor.commitments.models import Commitment
from rakor.commitments.queries import visible_to
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


# The list's read model: the columns of the representation (rakor.api.serialize.COMMITMENT_ROW),
# as plain rows of one Core select, not entities with their related entities.
_COMMITMENT_COLUMNS = (
    Commitment.id, Commitment.reference, Commitment.version, Commitment.meeting_id,
    Commitment.agency_id, Agency.name.label("agency_name"),
    Region.kemendagri_code.label("region_code"), Region.name.label("region_name"),
    Commitment.title, Commitment.description, Commitment.programme_code,
    Programme.name.label("programme_name"), Topic.code.label("indicator"),
    Commitment.baseline_value, Commitment.baseline_year, Commitment.target_value,
    Commitment.target_date, Commitment.responsible_office, Commitment.contact_person,
    Commitment.budget, Commitment.funding_source, Commitment.budget_year, Commitment.status,
    Commitment.review_note, Commitment.agreed_at, Commitment.updated_at,
)


# Built once: a statement is immutable (each .where() makes a new one), and building its 26
# columns and 5 joins took about 600 of a list request's 6,900 Python calls.
_COMMITMENT_LIST = (select(*_COMMITMENT_COLUMNS)
                    .join(Meeting, Meeting.id == Commitment.meeting_id)
                    .join(Agency, Agency.id == Commitment.agency_id)
                    .join(Region, Region.id == Agency.region_id)
                    .outerjoin(Programme, Programme.code == Commitment.programme_code)
                    .outerjoin(Topic, Topic.id == Commitment.indicator_id))


def commitments(user, *, meeting=None, region=None, indicator=None, programme_code=None, status=None,
                year=None, after=None, limit=50):
    """One query per page: the commitments the user may see (of meetings they may see), as
    rows of the list's read model (_COMMITMENT_COLUMNS)."""
    stmt = _COMMITMENT_LIST.where(visible_condition(user), visible_to(user))
    if meeting:
        stmt = stmt.where(Commitment.meeting_id == meeting)
    if region:
        stmt = stmt.where(Region.kemendagri_code == region)
    if indicator:
        stmt = stmt.where(Topic.code == indicator)
    if programme_code:
        stmt = stmt.where(Commitment.programme_code.startswith(programme_code.upper(), autoescape=True))
    if status:
        stmt = stmt.where(Commitment.status == status)
    if year:
        start, end = _year_bounds(year)
        stmt = stmt.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if after is not None:
        stmt = stmt.where(Commitment.id > after)
    return db.session.execute(stmt.order_by(Commitment.id).limit(limit + 1)).all()


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
