"""The dashboard's tallies, kept on write (models: ProgressStanding, ProgressTally,
ProgressOverdueTally).

Every flush that touches what a commitment adds to the dashboard (a progress update or
revision, the commitment's status, topic, agency or target date, its meeting's start or
organizer, its agency's region, that region's province) ends with `refresh(ids)` of the commitments concerned, in the same
transaction: what each adds now is worked out from the source rows and compared with what it
added before (its standing rows); only the difference goes into the tallies, as
`INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, so concurrent writers add up instead
of overwriting each other. The commitment rows are locked first (FOR UPDATE on PostgreSQL;
the services lock them already), so one commitment's standing is changed by one transaction at
a time. Tally rows are changed in key order within a flush. Each commitment counts twice: under its
agency's region (scope 'a') and under its province (scope 'p', what the national dashboard reads),
both times under the agency organising its meeting, so that a reader who sees some organizers'
meetings only (tenancy, issue 22) reads the sum over those organizers' rows: the same cost to
write, and a few more rows to read.

`backfill()` builds all three tables from scratch in SQL (migration 0027, bench/scale), and is
the from-scratch recomputation the tests compare the kept tallies with.

Overdue (stats.py's rule, PP 39/2006) for a due quarter D: meeting quarter <= D, latest update
not 'done', and no update or its quarter < min(D, target quarter). That holds exactly when
D >= `overdue_from` = max(meeting quarter, latest quarter + 1), unless the latest update is
done or already reaches the target's quarter (then never), so one column carries it.
"""
from datetime import UTC as UTC_ZONE

from sqlalchemy import Integer as SAInteger
from sqlalchemy import and_, case, cast, event, extract, func, inspect, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core import batch
from rakor.core.rows import among, copy_rows
from rakor.meetings.models import Meeting
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressOverdueTally, ProgressStanding, ProgressTally, ProgressUpdate
from rakor.regions.models import Agency, Region

LATEST = ""
NONE = "none"
AGENCY_REGION, PROVINCE = "a", "p"  # the two scopes of the tallies
NO_TOPIC = 0
_COMMITMENT_FIELDS = ("status", "topic_id", "agency_id", "meeting_id", "target_date")
_UPDATE_FIELDS = ("commitment_id", "period", "is_current", "is_latest", "status", "percent_achieved",
                  "quarter_index")
_PENDING = "progress_tally_pending"
_DEFERRED = "progress_tally_deferred"  # commitment ids to refresh when a core.batch ends


def quarter_index(day) -> int:
    return day.year * 4 + (day.month - 1) // 3


def overdue_from(meeting_quarter, target_quarter, latest_quarter, latest_status):
    """The first due quarter for which the commitment counts as overdue, or None (never)."""
    if latest_status == UpdateStatus.DONE:
        return None
    if latest_quarter is None:
        return meeting_quarter
    if target_quarter is not None and latest_quarter >= target_quarter:
        return None
    return max(meeting_quarter, latest_quarter + 1)


def _insert(connection):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)


def _standings(connection, ids):
    """{(commitment id, period): (region, province, topic, organizer, status, percent,
    overdue_from)} from the source rows, the commitments locked first (3 queries)."""
    lock = select(Commitment.id).where(among(connection, Commitment.id, ids)).order_by(Commitment.id)
    if connection.dialect.name == "postgresql":
        connection.execute(lock.with_for_update(of=Commitment))
    commitments = connection.execute(
        select(Commitment.id, Commitment.topic_id, Commitment.target_date, Agency.region_id,
               func.coalesce(Region.parent_id, Region.id).label("province_id"), Meeting.starts_at,
               Meeting.organizer_agency_id)
        .join(Agency, Agency.id == Commitment.agency_id).join(Region, Region.id == Agency.region_id)
        .join(Meeting, Meeting.id == Commitment.meeting_id)
        .where(among(connection, Commitment.id, ids), Commitment.status == CommitmentStatus.AGREED)).all()
    found = {}
    if not commitments:
        return found
    updates = {}
    for u in connection.execute(select(
            ProgressUpdate.commitment_id, ProgressUpdate.period, ProgressUpdate.status,
            ProgressUpdate.percent_achieved, ProgressUpdate.quarter_index, ProgressUpdate.is_latest)
            .where(among(connection, ProgressUpdate.commitment_id, [c.id for c in commitments]), ProgressUpdate.is_current)):
        updates.setdefault(u.commitment_id, []).append(u)
    for c in commitments:
        topic = c.topic_id or NO_TOPIC
        latest = None
        for u in updates.get(c.id, ()):
            found[(c.id, u.period)] = (c.region_id, c.province_id, topic, c.organizer_agency_id, u.status,
                                       u.percent_achieved, None)
            if u.is_latest:
                latest = u
        starts = c.starts_at.astimezone(UTC_ZONE) if c.starts_at.tzinfo else c.starts_at
        late = overdue_from(quarter_index(starts), c.target_date and quarter_index(c.target_date),
                            latest and latest.quarter_index, latest and latest.status)
        found[(c.id, LATEST)] = (c.region_id, c.province_id, topic, c.organizer_agency_id,
                                 latest.status if latest else NONE, latest.percent_achieved if latest else None, late)
    return found


def refresh(connection, ids):
    """Bring the standing rows and tallies of these commitments up to date (fixed number of
    queries per call: lock, commitments, updates, standings, then at most 4 writes)."""
    ids = sorted(set(i for i in ids if i is not None))
    if not ids:
        return
    new = _standings(connection, ids)
    old = {(s.commitment_id, s.period): (s.region_id, s.province_id, s.topic_id, s.organizer_id, s.status,
                                         s.percent_achieved, s.overdue_from)
           for s in connection.execute(select(ProgressStanding).where(among(connection, ProgressStanding.commitment_id, ids)))}
    changed = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)]
    if not changed:
        return
    tally, overdue = {}, {}

    def add(key, row, sign):
        region, province, topic, organizer, status, percent, late = row
        for scope, where in ((AGENCY_REGION, region), (PROVINCE, province)):
            t = tally.setdefault((key[1], scope, where, topic, status, organizer), [0, 0, 0])
            t[0] += sign
            if percent is not None:
                t[1] += sign
                t[2] += sign * percent
            if key[1] == LATEST and late is not None:
                overdue[(scope, where, topic, late, organizer)] = overdue.get((scope, where, topic, late, organizer),
                                                                              0) + sign

    for key in changed:
        if key in old:
            add(key, old[key], -1)
        if key in new:
            add(key, new[key], +1)
    removed = [k for k in changed if k in old]
    if removed:
        connection.execute(ProgressStanding.__table__.delete().where(
            among(connection, (ProgressStanding.commitment_id, ProgressStanding.period), removed)))
    added = [k for k in changed if k in new]
    if added:
        copy_rows(connection, ProgressStanding.__table__, [
            {"commitment_id": k[0], "period": k[1], "region_id": new[k][0], "province_id": new[k][1],
             "topic_id": new[k][2], "organizer_id": new[k][3], "status": new[k][4], "percent_achieved": new[k][5],
             "overdue_from": new[k][6]}
            for k in sorted(added)])
    insert = _insert(connection)
    rows = [{"period": k[0], "scope": k[1], "region_id": k[2], "topic_id": k[3], "status": k[4], "organizer_id": k[5],
             "commitments": v[0], "measured": v[1], "percent_sum": v[2]} for k, v in sorted(tally.items()) if any(v)]
    if rows:
        stmt = insert(ProgressTally.__table__).values(rows)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=["period", "scope", "region_id", "topic_id", "status", "organizer_id"],
            set_={name: getattr(ProgressTally.__table__.c, name) + getattr(stmt.excluded, name)
                  for name in ("commitments", "measured", "percent_sum")}))
    rows = [{"scope": k[0], "region_id": k[1], "topic_id": k[2], "overdue_from": k[3], "organizer_id": k[4],
             "commitments": v} for k, v in sorted(overdue.items()) if v]
    if rows:
        stmt = insert(ProgressOverdueTally.__table__).values(rows)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=["scope", "region_id", "topic_id", "overdue_from", "organizer_id"],
            set_={"commitments": ProgressOverdueTally.__table__.c.commitments + stmt.excluded.commitments}))


# --- keeping them on write ------------------------------------------------------------------

def _changed(obj, names):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session, _context, _instances):
    """Commitments of meetings about to be deleted (their rows go by ON DELETE CASCADE)."""
    gone = [m.id for m in session.deleted if isinstance(m, Meeting)]
    if gone:
        ids = session.connection().execute(select(Commitment.id).where(Commitment.meeting_id.in_(gone))).scalars()
        session.info.setdefault(_PENDING, set()).update(ids)


def _after_flush(session, _context):
    ids = session.info.pop(_PENDING, set())
    meetings, agencies, regions = [], [], []
    for obj in session.new:
        if isinstance(obj, Commitment):
            ids.add(obj.id)
        elif isinstance(obj, ProgressUpdate):
            ids.add(obj.commitment_id)
    for obj in session.dirty:
        if isinstance(obj, Commitment) and _changed(obj, _COMMITMENT_FIELDS):
            ids.add(obj.id)
        elif isinstance(obj, ProgressUpdate) and _changed(obj, _UPDATE_FIELDS):
            ids.add(obj.commitment_id)
            old = inspect(obj).attrs.commitment_id.history.deleted
            ids.update(old or ())
        elif isinstance(obj, Meeting) and _changed(obj, ("starts_at", "organizer_agency_id")):
            meetings.append(obj.id)
        elif isinstance(obj, Agency) and _changed(obj, ("region_id",)):
            agencies.append(obj.id)
        elif isinstance(obj, Region) and _changed(obj, ("parent_id",)):
            regions.append(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Commitment):
            ids.add(obj.id)
        elif isinstance(obj, ProgressUpdate):
            ids.add(obj.commitment_id)
    connection = session.connection()
    if regions:
        agencies.extend(connection.execute(select(Agency.id).where(Agency.region_id.in_(regions))).scalars())
    if meetings or agencies:
        ids.update(connection.execute(select(Commitment.id).where(
            Commitment.meeting_id.in_(meetings) | Commitment.agency_id.in_(agencies))).scalars())
    if ids and batch.active(session):
        session.info.setdefault(_DEFERRED, set()).update(ids)  # refreshed once, at the batch's end
    elif ids:
        refresh(connection, ids)


def _batch_end(session, ok):
    ids = session.info.pop(_DEFERRED, set()) | batch.touched(session, Commitment.__tablename__)
    if ok and ids:
        refresh(session.connection(), ids)


def install(session_class):
    """Keep the tallies in every session of `session_class` (progress's init_app); inside
    `core.batch.deferred` (an import) once for the whole batch."""
    batch.on_end(_batch_end)
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)


# --- from scratch ---------------------------------------------------------------------------

def _quarter_sql(connection, column, utc=False):
    if utc and connection.dialect.name == "postgresql":
        column = func.timezone("UTC", column)
    return (cast(extract("year", column), SAInteger) * 4
            + (cast(extract("month", column), SAInteger) - 1) // 3)


def standing_rows(connection):
    """SELECTs of every standing row from the source tables: (latest rows, period rows)."""
    latest = ProgressUpdate.__table__.alias("latest")
    c, a, m, r = Commitment.__table__, Agency.__table__, Meeting.__table__, Region.__table__
    province = func.coalesce(r.c.parent_id, r.c.id)
    topic = func.coalesce(c.c.topic_id, NO_TOPIC)
    meeting_q = _quarter_sql(connection, m.c.starts_at, utc=True)
    target_q = _quarter_sql(connection, c.c.target_date)
    late = case((latest.c.status == UpdateStatus.DONE.value, None),
                (latest.c.id.is_(None), meeting_q),
                (and_(c.c.target_date.is_not(None), latest.c.quarter_index >= target_q), None),
                (meeting_q > latest.c.quarter_index + 1, meeting_q),
                else_=latest.c.quarter_index + 1)
    agreed = c.c.status == CommitmentStatus.AGREED.value
    first = (select(c.c.id, literal(LATEST), a.c.region_id, province, topic, m.c.organizer_agency_id,
                    func.coalesce(latest.c.status, NONE), latest.c.percent_achieved, late)
             .select_from(c.join(a, a.c.id == c.c.agency_id).join(r, r.c.id == a.c.region_id)
                          .join(m, m.c.id == c.c.meeting_id)
                          .outerjoin(latest, and_(latest.c.commitment_id == c.c.id, latest.c.is_latest)))
             .where(agreed))
    u = ProgressUpdate.__table__
    second = (select(c.c.id, u.c.period, a.c.region_id, province, topic, m.c.organizer_agency_id, u.c.status,
                     u.c.percent_achieved, literal(None, SAInteger))
              .select_from(c.join(a, a.c.id == c.c.agency_id).join(r, r.c.id == a.c.region_id)
                           .join(m, m.c.id == c.c.meeting_id)
                           .join(u, and_(u.c.commitment_id == c.c.id, u.c.is_current)))
              .where(agreed))
    return first, second


def tally_rows(scope):
    """SELECTs of the tally rows of one scope from the standing rows: (tally, overdue)."""
    s = ProgressStanding.__table__
    where = s.c.region_id if scope == AGENCY_REGION else s.c.province_id
    tally = select(s.c.period, literal(scope), where, s.c.topic_id, s.c.status, s.c.organizer_id, func.count(),
                   func.count(s.c.percent_achieved), func.coalesce(func.sum(s.c.percent_achieved), 0)
                   ).group_by(s.c.period, where, s.c.topic_id, s.c.status, s.c.organizer_id)
    overdue = (select(literal(scope), where, s.c.topic_id, s.c.overdue_from, s.c.organizer_id, func.count())
               .where(s.c.period == LATEST, s.c.overdue_from.is_not(None))
               .group_by(where, s.c.topic_id, s.c.overdue_from, s.c.organizer_id))
    return tally, overdue


def backfill(connection):
    """Build the standing rows and both tallies anew from the source tables (9 statements)."""
    for model in (ProgressOverdueTally, ProgressTally, ProgressStanding):
        connection.execute(model.__table__.delete())
    s = ProgressStanding.__table__
    columns = [s.c.commitment_id, s.c.period, s.c.region_id, s.c.province_id, s.c.topic_id, s.c.organizer_id,
               s.c.status, s.c.percent_achieved, s.c.overdue_from]
    for stmt in standing_rows(connection):
        connection.execute(s.insert().from_select(columns, stmt))
    t, o = ProgressTally.__table__, ProgressOverdueTally.__table__
    for scope in (AGENCY_REGION, PROVINCE):
        tally, overdue = tally_rows(scope)
        connection.execute(t.insert().from_select(
            [t.c.period, t.c.scope, t.c.region_id, t.c.topic_id, t.c.status, t.c.organizer_id, t.c.commitments,
             t.c.measured, t.c.percent_sum], tally))
        connection.execute(o.insert().from_select(
            [o.c.scope, o.c.region_id, o.c.topic_id, o.c.overdue_from, o.c.organizer_id, o.c.commitments], overdue))

