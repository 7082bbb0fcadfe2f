"""The dashboard's numbers as SQL aggregates, in a fixed number of queries whatever the amount
of data (participants/stats.py's shape): a region x topic matrix of average achievement and
counts, the status counts, the overdue count and list.

Which update stands for a commitment: its latest (`ProgressUpdate.is_latest`, kept by the
services), or with a period filter the current revision of that period. Averages are of the
true percents (a beaten target counts above 100, a worse value below 0); only the bars clamp.

Without a meeting filter the numbers come from the tallies kept on write (tally.py: rows by
province or region, topic, status and organizer, whose number does not grow with the data); a
meeting's dashboard aggregates its own commitments (bounded by the meeting, not by the country).

Tenancy (issue 22): with a `viewer`, only the commitments of the meetings it sees count (the
rule meeting.view, rakor/auth/tenancy.py): the tallies' rows of the organizers it sees, or the
commitments of the meetings `visible_condition` lets through. A scoped reader (a regency's
leadership or committee) reads its own organizer's figures; an instance-wide one every figure.

Overdue (PP 39/2006: a quarter is reported within 10 working days after it ends): an agreed
commitment, not done, whose latest update is older than its last due quarter. The due quarter
is the same for every commitment (`Calendar.due_quarter(today)`), except that a commitment is
not due beyond the quarter of its own target date, and one whose meeting came after the due
quarter owes nothing yet.
"""
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, extract, false, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased

from rakor.auth import tenancy
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core.formatting import DEFAULT_TZ
from rakor.extensions import db
from rakor.meetings.models import Meeting, Topic
from rakor.progress import periods, queries, tally
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressOverdueTally, ProgressTally, ProgressUpdate
from rakor.regions.models import Agency, Region

NO_REPORT = "none"


@dataclass
class Filters:
    meeting_id: int | None = None
    period: str | None = None  # a period key: the reports of that period instead of the latest
    region_id: int | None = None  # a province (its regencies too) or a regency
    topic_id: int | None = None
    # The commitments of the meetings held that year (local time of the app's zone): the
    # province-wide report of a year, and the dashboard when a year is chosen.
    year: int | None = None
    # Who reads the figures: only the commitments of the meetings it sees count. None: every
    # meeting (the command line; a meeting's own report, whose meeting the caller authorised).
    # Not compared: it says whose figures, not which (report_scope.Scope.official).
    viewer: object = field(default=None, compare=False, repr=False)

    @classmethod
    def from_args(cls, args, viewer=None):
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        period = None
        try:
            period = periods.parse_period(args.get("period", "")).key if args.get("period") else None
        except ValueError:
            period = None
        year = number("year")
        return cls(meeting_id=number("meeting"), period=period, region_id=number("region"), topic_id=number("topic"),
                   year=year if year and MIN_YEAR <= year <= MAX_YEAR else None, viewer=viewer)

    def args(self, **changes):
        values = {"meeting": self.meeting_id, "period": self.period, "region": self.region_id, "topic": self.topic_id,
                  "year": self.year}
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    @property
    def by_regency(self):
        """Rows are regencies within a meeting or a region; nationally, provinces."""
        return bool(self.meeting_id or self.region_id)

    @property
    def limited(self):
        """Whether the viewer sees some organizers' meetings only (tenancy): a scoped committee or
        leadership account. A chosen meeting is authorised by the caller and is all one
        organizer's."""
        return self.viewer is not None and not self.meeting_id and not tenancy.instance_wide(self.viewer)

    def with_viewer(self, viewer):
        """These filters as read by `viewer`."""
        return replace(self, viewer=viewer)

    @property
    def tallied(self):
        """Whether the tallies kept on write answer these filters: they know neither meetings
        nor years, so a meeting's or a year's numbers are aggregated from its commitments."""
        return not (self.meeting_id or self.year)


MIN_YEAR, MAX_YEAR = 2000, 2100


def year_bounds(year):
    """[start, end) in UTC of a calendar year in the app's zone (a meeting on 1 January 07:00
    WITA began on 31 December in UTC, and belongs to the new year)."""
    zone = ZoneInfo(DEFAULT_TZ)
    return (datetime(year, 1, 1, tzinfo=zone).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC))


def _update_join(filters, update=ProgressUpdate):
    if filters.period:
        return and_(update.commitment_id == Commitment.id, update.period == filters.period,
                    update.is_current)
    return and_(update.commitment_id == Commitment.id, update.is_latest)


def _region_key(filters):
    return Region.id if filters.by_regency else func.coalesce(Region.parent_id, Region.id)


def scoped(stmt, filters):
    """Agreed commitments within the filters, joined to their agency and region."""
    stmt = (stmt.join(Agency, Agency.id == Commitment.agency_id).join(Region, Region.id == Agency.region_id)
            .where(Commitment.status == CommitmentStatus.AGREED))
    if filters.meeting_id:
        stmt = stmt.where(Commitment.meeting_id == filters.meeting_id)
    if filters.region_id:
        stmt = stmt.where(or_(Region.id == filters.region_id, Region.parent_id == filters.region_id))
    if filters.topic_id:
        stmt = stmt.where(Commitment.topic_id == filters.topic_id)
    if filters.year and not filters.meeting_id:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(Commitment.meeting_id.in_(
            select(Meeting.id).where(Meeting.starts_at >= start, Meeting.starts_at < end)))
    if filters.limited:
        stmt = stmt.where(queries.in_visible_meetings(Commitment.meeting_id, filters.viewer))
    return stmt


def organizer_condition(viewer, organizer_column):
    """SQL on an organizing agency id: `viewer` sees that organizer's meetings. For the readers
    of the figures this is meeting.view's SQL form (`visible_condition`), which for the
    committee and leadership asks nothing but the meeting's organizer (rakor/auth/tenancy.py);
    tests/test_tenancy.py checks that the tallies summed this way equal the commitments counted
    through `visible_condition`."""
    if viewer.role not in tenancy.SCOPED_ROLES and not tenancy.instance_wide(viewer):
        return false()  # a delegate reads no dashboard
    return tenancy.sight_condition(viewer, organizer_column)


def update_join(filters, update=ProgressUpdate):
    """The update that stands for each commitment: its latest, or with a period the current
    revision of that period."""
    return _update_join(filters, update)


def meetings_covered(filters: Filters):
    """[(meeting id, title, starts_at, timezone, agreed commitments)] of the meetings whose agreed
    commitments fall within the filters, in date order (1 query)."""
    columns = (Meeting.id, Meeting.title, Meeting.starts_at, Meeting.timezone,
               func.count(Commitment.id).label("commitments"))
    stmt = scoped(select(*columns).select_from(Commitment).join(Meeting, Meeting.id == Commitment.meeting_id), filters)
    return db.session.execute(stmt.group_by(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.timezone)
                              .order_by(Meeting.starts_at, Meeting.id)).all()


@dataclass
class Cell:
    count: int = 0  # commitments
    reported: int = 0  # with an update
    measured: int = 0  # with a percent
    percent_sum: Decimal = Decimal(0)

    @property
    def average(self):
        return (self.percent_sum / self.measured).quantize(Decimal("0.1")) if self.measured else None

    def add(self, other):
        self.count += other.count
        self.reported += other.reported
        self.measured += other.measured
        self.percent_sum += other.percent_sum


@dataclass
class Matrix:
    regions: list = field(default_factory=list)  # [(id, code, name)] in code order
    topics: list = field(default_factory=list)  # [(id or None, name)] that have commitments
    cells: dict = field(default_factory=dict)  # (region id, topic id) -> Cell
    by_region: dict = field(default_factory=dict)
    by_topic: dict = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)


@dataclass
class Summary:
    matrix: Matrix
    statuses: dict  # {status or 'none': commitments}
    overdue: int | None  # None when no due quarter was given


def summary(filters: Filters, due: periods.Period | None = None) -> Summary:
    """Matrix, status counts and overdue count: from the tallies kept on write (tally.py) when
    no meeting is chosen, whatever the amount of data; a meeting's (or a year's) from its own
    commitments."""
    if not filters.tallied:
        return compute_summary(filters, due)
    return tallied_summary(filters, due)


def _tally_scope(stmt, filters, table):
    """Nationally the rows by province; within a region those by the agencies' regions."""
    if filters.region_id:
        stmt = (stmt.join(Region, Region.id == table.region_id).where(table.scope == tally.AGENCY_REGION)
                .where(or_(Region.id == filters.region_id, Region.parent_id == filters.region_id)))
    else:
        stmt = stmt.where(table.scope == tally.PROVINCE)
    if filters.topic_id:
        stmt = stmt.where(table.topic_id == filters.topic_id)
    if filters.limited:
        stmt = stmt.where(organizer_condition(filters.viewer, table.organizer_id))
    return stmt


def _tally_key(filters):
    """What the tallies' statements depend on, hashable: the same for every reader who sees the
    same organizers (tenancy.Sight) with the same filters."""
    sight = tenancy.sight(filters.viewer) if filters.limited else None
    return filters.region_id, filters.topic_id, filters.period, sight


def tallied_summary(filters: Filters, due: periods.Period | None = None) -> Summary:
    """`compute_summary` from the tallies (2 queries: the tally rows of the latest updates and
    of the chosen period, each carrying the overdue sum when `due` is given; the names of the
    regions and topics found); the rows read are at most provinces (or a province's regions) x
    topics x statuses, x 2 with a period. With no tally row the overdue sum is read apart."""
    due_index = due.quarter_index if due is not None else None
    latest, chosen = {}, {}
    overdue = None
    for period, region_id, topic_id, status, count, measured, total, *late in db.read(
            _tallied_statement(*_tally_key(filters), due_index)):
        if late:
            overdue = int(late[0] or 0)
        if not count:
            continue
        topic_id = topic_id or None
        found = chosen if filters.period and period == filters.period else latest
        found.setdefault((region_id, topic_id), []).append((status, int(count), int(measured or 0),
                                                            Decimal(total or 0)))
    if filters.period:
        # Every agreed commitment counts; those without a report of the period count as 'none'.
        rows = {}
        for cell, items in latest.items():
            count = sum(c for _s, c, _m, _t in items)
            reported = chosen.get(cell, [])
            rows[cell] = [*reported, (NO_REPORT, count - sum(c for _s, c, _m, _t in reported), 0, Decimal(0))]
    else:
        rows = latest
    result = Matrix()
    found = {}
    for (region_id, topic_id), items in rows.items():
        for status, count, measured, total in items:
            if not count:
                continue
            cell = Cell(count, 0 if status == NO_REPORT else count, measured, total)
            result.cells.setdefault((region_id, topic_id), Cell()).add(cell)
            result.by_region.setdefault(region_id, Cell()).add(cell)
            result.by_topic.setdefault(topic_id, Cell()).add(cell)
            result.total.add(cell)
            found[status] = found.get(status, 0) + count
    if due is not None and overdue is None:
        overdue = _tallied_overdue(filters, due)
    _names(result)
    statuses = {k: found.get(k, 0) for k in [*(s.value for s in UpdateStatus), NO_REPORT]}
    return Summary(result, statuses, overdue)


# The statements below are kept per key: building one (some 150 SQL expressions for the tally
# rows with their overdue sum) took more of a dashboard's CPU than running it, and the same
# statement object lets SQLAlchemy compute its cache key once. The keys are few: filters times
# the organizers readers see, at most a few hundred on a national instance.
@lru_cache(maxsize=512)
def _tallied_statement(region_id, topic_id, period, sight, due_index):
    filters = Filters(region_id=region_id, topic_id=topic_id, period=period, viewer=sight)
    t = ProgressTally
    key = t.region_id.label("region_key")
    wanted = [tally.LATEST] + ([period] if period else [])
    columns = [t.period, key, t.topic_id, t.status, func.sum(t.commitments), func.sum(t.measured),
               func.sum(t.percent_sum)]
    if due_index is not None:
        # Uncorrelated (correlate(None)): the sum's own region join must not bind to the outer one.
        columns.append(_overdue_statement(region_id, topic_id, period, sight, due_index)
                       .correlate(None).scalar_subquery())
    stmt = _tally_scope(select(*columns).select_from(t), filters, t)
    return stmt.where(t.period.in_(wanted)).group_by(t.period, key, t.topic_id, t.status)


@lru_cache(maxsize=512)
def _overdue_statement(region_id, topic_id, period, sight, due_index):
    o = ProgressOverdueTally
    filters = Filters(region_id=region_id, topic_id=topic_id, period=period, viewer=sight)
    return (_tally_scope(select(func.coalesce(func.sum(o.commitments), 0)).select_from(o), filters, o)
            .where(o.overdue_from <= due_index))


def _tallied_overdue(filters, due):
    return int(db.session.scalar(_overdue_statement(*_tally_key(filters), due.quarter_index)) or 0)


def overdue_total(filters: Filters, due: periods.Period) -> int:
    """How many commitments are overdue (1 query: the tallies, or a meeting's commitments)."""
    return _tallied_overdue(filters, due) if filters.tallied else overdue_count(filters, due)


def _names(result):
    """The regions' codes and names and the topics' names of the matrix (1 query: the two
    lists in one UNION ALL, a round trip fewer for every page with a matrix)."""
    result.regions, result.topics = [], []
    ids = {"region_ids": list(result.by_region) or [-1],
           "topic_ids": [t for t in result.by_topic if t is not None] or [-1]}
    for kind, id_, code, name, _sort in db.read(_names_statement(), ids):
        if kind == 0:
            result.regions.append((id_, code, name))
        else:
            result.topics.append((id_, name))
    if None in result.by_topic:
        result.topics.append((None, None))


@cache
def _names_statement():
    # Built once: the ids are expanding bind parameters.
    regions = (select(literal(0).label("kind"), Region.id, Region.kemendagri_code.label("code"), Region.name,
                      Region.kemendagri_code.label("sort"))
               .where(Region.id.in_(bindparam("region_ids", expanding=True))))
    topics = (select(literal(1), Topic.id, null(), Topic.name, Topic.name)
              .where(Topic.id.in_(bindparam("topic_ids", expanding=True))))
    names = union_all(regions, topics).subquery()
    return select(names).order_by(names.c.kind, names.c.sort)


def compute_summary(filters: Filters, due: periods.Period | None = None) -> Summary:
    """Matrix, status counts and the overdue count from one pass over the commitments (2
    queries: the aggregate, then the names of the regions and topics it found).

    Grouped by region, topic and the status of the update that stands for each commitment;
    the overdue count is a conditional sum over the same rows (it follows the latest update
    even when a period is chosen)."""
    shown = aliased(ProgressUpdate, name="shown")
    latest = aliased(ProgressUpdate, name="latest") if filters.period else shown
    key = _region_key(filters).label("region_key")
    columns = [key, Commitment.topic_id, shown.status, func.count(Commitment.id), func.count(shown.id),
               func.count(shown.percent_achieved), func.sum(shown.percent_achieved)]
    stmt = select().select_from(Commitment).outerjoin(shown, _update_join(filters, shown))
    if due is not None:
        columns.append(func.sum(case((overdue_condition(due, latest), 1), else_=0)))
        stmt = stmt.join(Meeting, Meeting.id == Commitment.meeting_id)
        if filters.period:
            stmt = stmt.outerjoin(latest, _update_join(Filters(), latest))
    stmt = scoped(stmt.add_columns(*columns), filters).group_by(key, Commitment.topic_id, shown.status)
    result = Matrix()
    found, overdue = {}, 0
    for region_id, topic_id, status, count, reported, measured, total, *late in db.read(stmt):
        cell = Cell(count, reported, measured, Decimal(total or 0))
        result.cells.setdefault((region_id, topic_id), Cell()).add(cell)
        result.by_region.setdefault(region_id, Cell()).add(cell)
        result.by_topic.setdefault(topic_id, Cell()).add(cell)
        result.total.add(cell)
        found[status or NO_REPORT] = found.get(status or NO_REPORT, 0) + count
        overdue += int(late[0] or 0) if late else 0
    _names(result)
    statuses = {k: found.get(k, 0) for k in [*(s.value for s in UpdateStatus), NO_REPORT]}
    return Summary(result, statuses, overdue if due is not None else None)


def matrix(filters: Filters) -> Matrix:
    return summary(filters).matrix


def status_counts(filters: Filters) -> dict:
    """{status or 'none': commitments} by the status of the update that stands for each."""
    return summary(filters).statuses


def _quarter_index_of(column):
    month = extract("month", column)
    return extract("year", column) * 4 + case((month <= 3, 0), (month <= 6, 1), (month <= 9, 2), else_=3)


def overdue_condition(due: periods.Period, latest=ProgressUpdate):
    """SQL: the commitment (joined to its latest update `latest` and its meeting) is overdue."""
    # Most targets lie after the due quarter's start: only the others need their quarter worked
    # out (CASE stops at the first branch that holds).
    owed = case((Commitment.target_date.is_(None), due.quarter_index),
                (Commitment.target_date >= due.start, due.quarter_index),
                else_=_quarter_index_of(Commitment.target_date))
    due_end = datetime.combine(due.end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return and_(Meeting.starts_at < due_end,
                or_(latest.id.is_(None), latest.quarter_index < owed),
                or_(latest.id.is_(None), latest.status != UpdateStatus.DONE))


def _overdue_stmt(columns, filters: Filters, due):
    latest = Filters(filters.meeting_id, None, filters.region_id, filters.topic_id, filters.year)
    return scoped(select(*columns).select_from(Commitment).join(Meeting, Meeting.id == Commitment.meeting_id)
                   .outerjoin(ProgressUpdate, _update_join(latest)), filters).where(overdue_condition(due))


def overdue_count(filters: Filters, due) -> int:
    """(1 query). The period filter does not apply: being overdue is about the latest update."""
    return db.session.scalar(_overdue_stmt([func.count(Commitment.id)], filters, due))


def overdue_rows(filters: Filters, due, limit=None, offset=0):
    """[(commitment, agency name, region code, region name, meeting title, last period)] (1 query)."""
    # By reference (RK-<year>-<meeting>-<region>-<n>, unique index): a page of the list stops
    # after its rows instead of sorting every overdue commitment first.
    stmt = (_overdue_stmt([Commitment, Agency.name, Region.kemendagri_code, Region.name, Meeting.title,
                           ProgressUpdate.period], filters, due)
            .order_by(Commitment.reference))
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return db.session.execute(stmt).all()


def owed_period(commitment, due: periods.Period) -> periods.Period:
    """The quarter the commitment owes a report for (its target's, when that came earlier)."""
    if commitment.target_date is not None:
        target = periods.quarter_of(commitment.target_date)
        if target.quarter_index < due.quarter_index:
            return target
    return due
