"""Reads for the commitment pages, each in a fixed number of queries."""
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from types import SimpleNamespace

from sqlalchemy import bindparam, func, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from rakor.auth.models import User
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import (
    AgreementRecord,
    AgreementSignatory,
    Commitment,
    CommitmentEvent,
    IndicatorBaseline,
)
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting, Topic
from rakor.meetings.queries import visible_condition
from rakor.participants.models import Participant, SeatQuota
from rakor.policy import DELEGATE
from rakor.regions.models import Agency, Programme, Region
from rakor.regions.programmes import topic_words_of
from rakor.storage.columns import content_columns, read_content

S = CommitmentStatus
_FULL = (joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.topic),
         joinedload(Commitment.indicator), joinedload(Commitment.programme),
         joinedload(Commitment.agenda_item))


def visible_to(user):
    """SQL form of the rule `commitment.view`: a delegate sees its own agency's commitments
    and the agreed ones of others."""
    if user.role != DELEGATE:
        return true()
    return _delegate_sees(user.agency_id)


def _delegate_sees(agency_id):
    """A delegate of `agency_id` (a value or a bind parameter) sees its agency's commitments and
    the agreed ones of others."""
    return or_(Commitment.agency_id == agency_id, Commitment.status == S.AGREED)


@dataclass
class Filters:
    status: str | None = None
    topic_id: int | None = None
    region_id: int | None = None
    programme: str | None = None
    group: str = "region"

    @classmethod
    def from_args(cls, args):
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        status = args.get("status") or None
        programme = (args.get("programme") or "").strip().upper()[:12] or None
        return cls(status=status if status in set(S) else None, topic_id=number("topic"),
                   region_id=number("region"), programme=programme,
                   group="topic" if args.get("group") == "topic" else "region")

    @property
    def active(self):
        return any((self.status, self.topic_id, self.region_id, self.programme))


@dataclass
class Group:
    key: object
    title: str
    code: str | None = None
    commitments: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.commitments)

    @property
    def agreed_budget(self):
        return sum((c.budget or Decimal(0)) for c in self.commitments if c.status == S.AGREED)

    @property
    def budget(self):
        return sum((c.budget or Decimal(0)) for c in self.commitments if c.status != S.WITHDRAWN)


@dataclass(slots=True)
class ListedCommitment:
    """A commitment as the meeting's list shows it (a read model: the columns the list needs, not
    the ORM object with its five related objects; a page of 65 spent a seventh of its time
    building those)."""
    id: int
    reference: str
    version: int
    status: str
    title: str
    agency_short_name: str
    region_id: int
    region_name: str
    region_code: str
    topic_id: int | None
    topic_name: str | None
    topic_code: str | None
    programme_code: str | None
    programme_name: str | None
    indicator_name: str | None
    indicator_decimals: int | None
    indicator_unit: str | None
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_date: object
    budget: Decimal | None
    funding_source: str | None
    responsible_office: str | None
    review_note: str | None


def meeting_commitment_rows(meeting, user, filters: Filters) -> list[ListedCommitment]:
    """One query: the meeting's commitments the user may see, as the list shows them, in the
    list's order (region code, agency, sequence)."""
    params = {"listed_meeting_id": meeting.id, "viewer_agency_id": user.agency_id, "status": filters.status,
              "topic_id": filters.topic_id, "region_id": filters.region_id}
    stmt = _listed_for(user.role == DELEGATE, bool(filters.status), bool(filters.topic_id), bool(filters.region_id))
    if filters.programme:  # rare: its LIKE pattern is escaped as a literal, so built per request
        stmt = stmt.where(Commitment.programme_code.startswith(filters.programme, autoescape=True))
    return [ListedCommitment(*row) for row in db.read(stmt, params)]


@lru_cache(maxsize=32)
def _listed_for(delegate, by_status, by_topic, by_region):
    """The list's statement for a reader class and the filters in use, built once each: the
    reader's agency and the filters' values are bind parameters (building and keying the
    25-column select per request cost more than running it)."""
    stmt = _listed_statement()
    if delegate:
        stmt = stmt.where(_delegate_sees(bindparam("viewer_agency_id")))
    if by_status:
        stmt = stmt.where(Commitment.status == bindparam("status"))
    if by_topic:
        stmt = stmt.where(Commitment.topic_id == bindparam("topic_id"))
    if by_region:
        stmt = stmt.where(Agency.region_id == bindparam("region_id"))
    return stmt.order_by(Region.kemendagri_code, Agency.name, Commitment.sequence)


@cache
def _listed_statement():
    """The list's select with the meeting as a bound parameter, built once per process: building
    it (25 columns, two aliases of topic, four joins) took about a sixth of a fresh render, and
    SQLAlchemy compiles it once anyway. The reader's visibility and the filters are added by
    `_listed_for`."""
    topic, indicator = aliased(Topic), aliased(Topic)
    return (select(Commitment.id, Commitment.reference, Commitment.version, Commitment.status, Commitment.title,
                   Agency.short_name, Agency.region_id, Region.name, Region.kemendagri_code,
                   Commitment.topic_id, topic.name, topic.code, Commitment.programme_code, Programme.name,
                   indicator.name, indicator.decimals, indicator.unit, Commitment.baseline_value,
                   Commitment.baseline_year, Commitment.target_value, Commitment.target_date, Commitment.budget,
                   Commitment.funding_source, Commitment.responsible_office, Commitment.review_note)
            .join(Agency, Agency.id == Commitment.agency_id).join(Region, Region.id == Agency.region_id)
            .outerjoin(topic, topic.id == Commitment.topic_id)
            .outerjoin(indicator, indicator.id == Commitment.indicator_id)
            .outerjoin(Programme, Programme.code == Commitment.programme_code)
            .where(Commitment.meeting_id == bindparam("listed_meeting_id")))


def grouped(commitments, by="region"):
    """[Group] by region (code order) or by topic (name order), from already listed rows
    (ListedCommitment)."""
    groups = OrderedDict()
    for c in commitments:
        if by == "topic":
            key, title, code = c.topic_id, c.topic_name, c.topic_code
        else:
            key, title, code = c.region_id, c.region_name, c.region_code
        groups.setdefault(key, Group(key, title, code)).commitments.append(c)
    result = list(groups.values())
    if by == "topic":
        result.sort(key=lambda g: (g.title is None, g.title or ""))
    return result


def status_counts(commitments):
    counts = {s: 0 for s in S}
    for c in commitments:
        counts[S(c.status)] += 1
    return counts


def filter_choices(meeting):
    """Topics (by name) and the regions of agencies taking part (by code), for the list's
    filters: one query, the two lists in one UNION ALL (a round trip fewer per render)."""
    found = ([], [])
    for kind, id_, name, _sort in db.read(_choices_statement(), {"choices_meeting_id": meeting.id}):
        found[kind].append(SimpleNamespace(id=id_, name=name))
    return found


@cache
def _choices_statement():
    # Built once with the meeting as a bind parameter, as _listed_statement: building the union
    # took more CPU than running it.
    meeting_id = bindparam("choices_meeting_id")
    agency_ids = select(SeatQuota.agency_id).where(SeatQuota.meeting_id == meeting_id).union(
        select(Commitment.agency_id).where(Commitment.meeting_id == meeting_id))
    topics = select(literal(0).label("kind"), Topic.id, Topic.name, Topic.name.label("sort"))
    regions = (select(literal(1), Region.id, Region.name, Region.kemendagri_code)
               .where(Region.id.in_(select(Agency.region_id).where(Agency.id.in_(agency_ids)))))
    choices = union_all(topics, regions).subquery()
    return select(choices).order_by(choices.c.kind, choices.c.sort)


def get_commitment(meeting, commitment_id, *, with_history=False):
    options = list(_FULL)
    if with_history:
        options.append(selectinload(Commitment.events).joinedload(CommitmentEvent.user))
    return db.one_or_404(select(Commitment).where(Commitment.id == commitment_id,
                                                  Commitment.meeting_id == meeting.id).options(*options))


def participating_agencies(meeting):
    """Agencies with seats or registered people at the meeting, by region code."""
    ids = select(SeatQuota.agency_id).where(SeatQuota.meeting_id == meeting.id).union(
        select(Participant.agency_id).where(Participant.meeting_id == meeting.id,
                                            Participant.status == "registered"))
    return db.session.scalars(select(Agency).join(Region, Region.id == Agency.region_id)
                              .where(Agency.id.in_(ids)).order_by(Region.kemendagri_code, Agency.name)).all()


def form_choices(meeting):
    """Agenda items, topics, indicators and programmes for the form (4 queries)."""
    items = db.session.execute(select(AgendaItem.id, AgendaItem.title).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)).all()
    topics = db.session.scalars(select(Topic).order_by(Topic.name)).all()
    programmes = [SimpleNamespace(code=code, name=name, words=topic_words_of(code)) for code, name in
                  db.session.execute(select(Programme.code, Programme.name).order_by(Programme.code))]
    return items, topics, [t for t in topics if t.is_indicator], programmes


def baselines_of_agency(agency_id):
    """{indicator id: IndicatorBaseline} the latest official values of the agency's region (1 query)."""
    if not agency_id:
        return {}
    latest = {}
    region_id = select(Agency.region_id).where(Agency.id == agency_id).scalar_subquery()
    for b in db.session.scalars(select(IndicatorBaseline).where(IndicatorBaseline.region_id == region_id)
                                .order_by(IndicatorBaseline.year)):
        latest[b.topic_id] = b
    return latest


def region_commitments(region, user):
    """A region's commitments across every meeting the user may see (1 query)."""
    stmt = (select(Commitment).join(Meeting, Meeting.id == Commitment.meeting_id)
            .join(Agency, Agency.id == Commitment.agency_id)
            .where(Agency.region_id == region.id, visible_condition(user), visible_to(user),
                   Commitment.status != S.WITHDRAWN)
            .options(*_FULL, joinedload(Commitment.meeting))
            .order_by(Meeting.starts_at.desc(), Commitment.sequence))
    return db.session.scalars(stmt).unique().all()


def signatories(meeting):
    """{agency id: AgreementSignatory} saved for the meeting (1 query)."""
    return {s.agency_id: s for s in db.session.scalars(
        select(AgreementSignatory).where(AgreementSignatory.meeting_id == meeting.id))}


def proposed_signatories(meeting):
    """{agency id: Participant} the first registered delegate of each agency (1 query): a
    proposal the committee edits before printing."""
    proposal = {}
    for p in db.session.scalars(select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.status == "registered",
            Participant.meeting_role == "peserta").order_by(Participant.registered_at, Participant.id)):
        proposal.setdefault(p.agency_id, p)
    return proposal


def indicator_rows():
    """[(topic, baselines loaded, latest year)] for the administrator's list (1 query)."""
    stmt = (select(Topic, func.count(IndicatorBaseline.id), func.max(IndicatorBaseline.year))
            .outerjoin(IndicatorBaseline, IndicatorBaseline.topic_id == Topic.id)
            .group_by(Topic.id).order_by(Topic.is_indicator.desc(), Topic.name))
    return db.session.execute(stmt).all()


def agreement_record(meeting_id) -> AgreementRecord | None:
    """The meeting's final berita acara (without its bytes), or None before it is made."""
    return db.session.scalar(select(AgreementRecord).where(AgreementRecord.meeting_id == meeting_id))


def agreement_content(meeting_id) -> bytes | None:
    row = db.session.execute(select(*content_columns(AgreementRecord))
                             .where(AgreementRecord.meeting_id == meeting_id)).first()
    return read_content(*row) if row is not None else None


def agreement_by_code(code):
    """(record, meeting, name of who finalised it or None) of a verification code, or None."""
    row = db.session.execute(
        select(AgreementRecord, Meeting, User.name).join(Meeting, Meeting.id == AgreementRecord.meeting_id)
        .outerjoin(User, User.id == AgreementRecord.finalised_by_id)
        .where(AgreementRecord.verification_code == code)).first()
    return tuple(row) if row is not None else None


def baselines_statement(indicator_id=None, year=None):
    """Official baseline values (region and indicator loaded) by region code, then indicator
    code and year (newest first); optionally of one indicator or one year."""
    stmt = (select(IndicatorBaseline)
            .join(Region, Region.id == IndicatorBaseline.region_id)
            .join(Topic, Topic.id == IndicatorBaseline.topic_id)
            .options(contains_eager(IndicatorBaseline.region), contains_eager(IndicatorBaseline.topic))
            .order_by(Region.kemendagri_code, Topic.code, IndicatorBaseline.year.desc()))
    if indicator_id:
        stmt = stmt.where(IndicatorBaseline.topic_id == indicator_id)
    if year:
        stmt = stmt.where(IndicatorBaseline.year == year)
    return stmt


def baseline_years():
    """The years that have baseline values, newest first."""
    return db.session.scalars(select(IndicatorBaseline.year).distinct().order_by(IndicatorBaseline.year.desc())).all()


def indicator_topics():
    """The numeric indicators, by code."""
    return db.session.scalars(select(Topic).where(Topic.is_indicator).order_by(Topic.code)).all()


def baseline_with_names(baseline_id):
    """One baseline value with its region and indicator loaded, or None."""
    return db.session.scalar(baselines_statement().where(IndicatorBaseline.id == baseline_id))
