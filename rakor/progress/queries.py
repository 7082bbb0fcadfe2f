"""Reads for the progress pages, each in a fixed number of queries. The aggregates of the
dashboard and the overdue rule are in stats.py."""
from functools import cache, lru_cache
from types import SimpleNamespace

from flask import abort
from sqlalchemy import (
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import joinedload, undefer

from rakor.auth import tenancy
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.commitments.queries import visible_to
from rakor.core.formatting import local_date
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting, Topic
from rakor.meetings.queries import visible_condition
from rakor.meetings.rules import NOW, kept_visible_condition
from rakor.progress import periods
from rakor.progress.models import (
    LocalHoliday,
    MonitoringReport,
    ProgressEvidence,
    ProgressReview,
    ProgressUpdate,
)
from rakor.regions.models import Agency, Region

S = CommitmentStatus
_COMMITMENT = (joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.indicator),
               joinedload(Commitment.topic))


def latest_join():
    return and_(ProgressUpdate.commitment_id == Commitment.id, ProgressUpdate.is_latest)


def meeting_progress(meeting, user, agency_id=None):
    """[(commitment, latest update | None)] of the meeting's agreed commitments the user may
    see, by region (1 query)."""
    stmt = (select(Commitment, ProgressUpdate).join(Agency, Agency.id == Commitment.agency_id)
            .join(Region, Region.id == Agency.region_id).outerjoin(ProgressUpdate, latest_join())
            .where(Commitment.meeting_id == meeting.id, Commitment.status == S.AGREED, visible_to(user))
            .options(*_COMMITMENT).order_by(Region.kemendagri_code, Agency.name, Commitment.sequence))
    if agency_id:
        stmt = stmt.where(Commitment.agency_id == agency_id)
    return db.session.execute(stmt).unique().all()


def reporting_agencies(meeting):
    """Agencies with agreed commitments at the meeting, for the committee's choice (1 query)."""
    return db.session.scalars(
        select(Agency).join(Region, Region.id == Agency.region_id)
        .where(Agency.id.in_(select(Commitment.agency_id).where(
            Commitment.meeting_id == meeting.id, Commitment.status == S.AGREED)))
        .order_by(Region.kemendagri_code, Agency.name)).all()


def agency_commitments(meeting, agency_id):
    """The agency's agreed commitments at the meeting, in its numbering (1 query)."""
    return db.session.scalars(
        select(Commitment).where(Commitment.meeting_id == meeting.id, Commitment.agency_id == agency_id,
                                 Commitment.status == S.AGREED)
        .options(*_COMMITMENT).order_by(Commitment.sequence)).unique().all()


def current_updates(commitment_ids, period_key):
    """{commitment id: the current update of the period} (1 query)."""
    if not commitment_ids:
        return {}
    return {u.commitment_id: u for u in db.session.scalars(select(ProgressUpdate).where(
        ProgressUpdate.commitment_id.in_(commitment_ids), ProgressUpdate.period == period_key,
        ProgressUpdate.is_current))}


def evidence_of(commitment_ids, period_key=None):
    """{(commitment id, period): [evidence]} (1 query)."""
    if not commitment_ids:
        return {}
    stmt = select(ProgressEvidence).where(ProgressEvidence.commitment_id.in_(commitment_ids))
    if period_key:
        stmt = stmt.where(ProgressEvidence.period == period_key)
    found = {}
    for e in db.session.scalars(stmt.order_by(ProgressEvidence.id)):
        found.setdefault((e.commitment_id, e.period), []).append(e)
    return found


def get_commitment(meeting, commitment_id):
    return db.one_or_404(select(Commitment).where(Commitment.id == commitment_id,
                                                  Commitment.meeting_id == meeting.id).options(*_COMMITMENT))


def timeline(commitment):
    """Every update of the commitment (all revisions, oldest period first), with its reporter
    and reviewer, the evidence by period and the review history (3 queries)."""
    updates = db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment.id)
        .options(joinedload(ProgressUpdate.reported_by), joinedload(ProgressUpdate.reviewed_by))
        .order_by(ProgressUpdate.period_end, ProgressUpdate.period, ProgressUpdate.revision)).all()
    evidence = evidence_of([commitment.id])
    reviews = {}
    if updates:
        for r in db.session.scalars(select(ProgressReview).where(
                ProgressReview.update_id.in_([u.id for u in updates])).order_by(ProgressReview.at)):
            reviews.setdefault(r.update_id, []).append(r)
    return updates, evidence, reviews


def get_update(meeting, update_id):
    """An update of a commitment of `meeting` (404 otherwise), with its commitment."""
    return db.one_or_404(select(ProgressUpdate).join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
                         .where(ProgressUpdate.id == update_id, Commitment.meeting_id == meeting.id)
                         .options(joinedload(ProgressUpdate.commitment)))


def get_evidence(meeting, evidence_id):
    """(evidence, its commitment) of `meeting`, or 404."""
    found = db.session.execute(select(ProgressEvidence, Commitment).join(
        Commitment, Commitment.id == ProgressEvidence.commitment_id)
        .where(ProgressEvidence.id == evidence_id, Commitment.meeting_id == meeting.id)).one_or_none()
    if found is None:
        abort(404)
    return found


def first_reportable_period(meeting):
    """The quarter of the meeting's own (local) day: the first one reports are filed on."""
    return periods.quarter_of(local_date(meeting.starts_at, meeting.timezone))


def reportable_periods(meeting, today):
    """The quarters from the meeting's to the current one, newest first (no query); empty while
    the meeting's quarter has not begun (a meeting in a later quarter)."""
    first = first_reportable_period(meeting)
    if first.start > today:
        return []
    return list(reversed(periods.quarters_between(first, periods.quarter_of(today))))


def reporting_opens(meeting, today):
    """The quarter reports can be filed from, while that lies in the future; else None."""
    first = first_reportable_period(meeting)
    return first if first.start > today else None


def local_holidays():
    return db.session.scalars(select(LocalHoliday).order_by(LocalHoliday.day.desc())).all()


def meetings_for_filter(user, chosen=None, limit=100):
    """The newest `limit` meetings with agreed commitments the user may see, and the chosen one
    wherever it falls, newest first (1 query). A choice list of every meeting would grow with
    the years (2,000 at national scale); an older meeting's dashboard is linked from its own
    progress page."""
    rows = db.read(_meetings_for_filter_statement(tenancy.sight(user), bool(chosen), limit),
                              {NOW: utcnow(), "chosen": chosen}).all()
    return sorted(rows, key=lambda m: m.starts_at, reverse=True)


@lru_cache(maxsize=512)
def _meetings_for_filter_statement(sight, chosen, limit):
    # On every dashboard: kept per sight (tenancy.Sight), the chosen meeting and the time bind
    # parameters.
    # EXISTS per meeting probes ix_commitment_meeting_status instead of reading every commitment.
    agreed = select(Commitment.id).where(Commitment.meeting_id == Meeting.id, Commitment.status == S.AGREED).exists()
    first = case((Meeting.id == bindparam("chosen"), 0), else_=1) if chosen else literal(1)
    return (select(Meeting.id, Meeting.title, Meeting.starts_at).where(kept_visible_condition(sight), agreed)
            .order_by(first, Meeting.starts_at.desc()).limit(limit))


def meeting_visible(user, meeting_id) -> bool:
    """Does `user` see meeting `meeting_id` (rule meeting.view, in SQL: one query; none for an
    instance-wide account, which sees every meeting there is)?"""
    if tenancy.instance_wide(user):
        return True
    return db.session.scalar(select(Meeting.id).where(Meeting.id == meeting_id, visible_condition(user))) is not None


def in_visible_meetings(meeting_column, user):
    """SQL: `meeting_column` is a meeting `user` sees (rule meeting.view's SQL form). On
    PostgreSQL as `= ANY(ARRAY(<those meetings>))`: the meetings are worked out once and their
    commitments read by index, where an IN made the planner walk the commitments in the page's
    order testing each one's meeting (bench/scale --scoped, a province's leadership at national
    scale: the overdue list's rows 160 -> 40 ms)."""
    if tenancy.instance_wide(user):
        return true()
    meetings = select(Meeting.id).where(visible_condition(user)).correlate(None)
    if db.session.get_bind().dialect.name == "postgresql":
        return meeting_column == any_(func.array(meetings.scalar_subquery()))
    return meeting_column.in_(meetings)


def home_province_id(user):
    """The province whose regencies the dashboard shows first: that of the user's agency, else
    the only province that has a planning agency (a provincial instance); None otherwise."""
    if getattr(user, "agency_id", None):
        region = db.read(_agency_region_statement(), {"agency_id": user.agency_id}).first()
        if region is not None:
            return region.parent_id or region.id
    provinces = db.session.scalars(_planning_provinces_statement()).all()
    return provinces[0] if len(provinces) == 1 else None


# The dashboard's fixed statements, built once (as meetings/queries.py does).
@cache
def _agency_region_statement():
    return (select(Region.id, Region.parent_id).join(Agency, Agency.region_id == Region.id)
            .where(Agency.id == bindparam("agency_id")))


@cache
def _planning_provinces_statement():
    return (select(Region.id).join(Agency, Agency.region_id == Region.id)
            .where(Region.kind == "provinsi", Agency.is_planning_agency.is_(True)).distinct().limit(2))


def filter_choices():
    """The dashboard's filter choices: provinces and regencies by code (id, kemendagri_code,
    name, parent_id, kind) and topics by name (id, name), in one query (a UNION ALL: a round
    trip fewer per render)."""
    regions, topics = [], []
    for row in db.read(_filter_choices_statement()):
        if row.is_region:
            regions.append(SimpleNamespace(id=row.id, kemendagri_code=row.code, name=row.name,
                                           parent_id=row.parent_id, kind=row.kind))
        else:
            topics.append(SimpleNamespace(id=row.id, name=row.name))
    return regions, topics


@cache
def _filter_choices_statement():
    no_text, no_id = cast(null(), String), cast(null(), Integer)
    regions = select(literal(1).label("is_region"), Region.id, Region.name, Region.kemendagri_code.label("code"),
                     Region.parent_id, Region.kind, Region.kemendagri_code.label("sort"))
    topics = select(literal(0), Topic.id, Topic.name, no_text, no_id, no_text, Topic.name)
    choices = union_all(regions, topics).subquery()
    return select(choices).order_by(choices.c.is_region.desc(), choices.c.sort)


def region_progress(region, limit=50, offset=0, user=None):
    """[(commitment, latest update, meeting title)] of the region's agreed commitments (a
    province's include its regencies') at the meetings `user` sees (every meeting without a
    user), newest meeting first, a page of `limit` (1 query; the total is in the tallies:
    stats.matrix)."""
    where = (Commitment.status == S.AGREED, or_(Region.id == region.id, Region.parent_id == region.id),
             in_visible_meetings(Commitment.meeting_id, user) if user is not None else true())
    base = (select(Commitment, ProgressUpdate, Meeting.title).join(Meeting, Meeting.id == Commitment.meeting_id)
            .join(Agency, Agency.id == Commitment.agency_id).join(Region, Region.id == Agency.region_id)
            .outerjoin(ProgressUpdate, latest_join()).where(*where))
    return db.session.execute(base.options(*_COMMITMENT).order_by(Meeting.starts_at.desc(), Region.kemendagri_code,
                                                                  Commitment.sequence, Commitment.id)
                                   .limit(limit).offset(offset)).unique().all()


def issued_reports(meeting) -> list:
    """The meeting's issued monitoring reports, newest first (their PDFs are not loaded)."""
    return db.session.scalars(select(MonitoringReport).where(MonitoringReport.meeting_id == meeting.id)
                              .order_by(MonitoringReport.issued_at.desc(), MonitoringReport.id.desc())).all()


def get_issued(meeting, report_id):
    """An issued report of this meeting, or 404."""
    report = db.session.scalar(select(MonitoringReport).where(MonitoringReport.meeting_id == meeting.id,
                                                             MonitoringReport.id == report_id)
                               .options(undefer(MonitoringReport.inline_content)))
    if report is None:
        abort(404)
    return report
