"""Reporting reminders on the calendar of PP 39/2006: a quarter's report is due on the 10th
working day after the quarter ends (workdays.Calendar: national holidays and cuti bersama of the
`holidays` package, and the committee's local holidays).

- `before`: from the 5th working day before the deadline, each agency's delegates with agreed
  commitments not yet reported on for the quarter are reminded (once);
- `due`: on the deadline itself, again (once);
- `digest`: from the first working day after it, leadership and the committee get who is late,
  per region (once): each account only the late reports of the meetings it manages or oversees
  (rakor/auth/tenancy.py; an instance-wide account all of them), and none when that is nothing.

A reminder is a notice (in-app and by e-mail, rakor/notices). Sending is idempotent: every
reminder is first claimed as a ProgressReminder row, unique per recipient, period and kind, in a
savepoint; a second scheduler running at the same time fails that insert (on PostgreSQL it waits
for the first one's commit) and sends nothing. A run therefore catches up what a missed day left
(a `before` sent late still goes before the deadline) and can be repeated at will: the worker
runs it every REMINDER_INTERVAL seconds, `flask --app wsgi reminders send` from cron.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from rakor.auth import tenancy
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core.formatting import format_date_long, local_date
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.notices import kinds, services
from rakor.notices import queries as notice_queries
from rakor.policy import COMMITTEE, LEADERSHIP
from rakor.progress import periods, workdays
from rakor.progress.models import ProgressReminder, ProgressUpdate
from rakor.regions.models import Agency, Region

BEFORE_WORKING_DAYS = 5
DIGEST_GRACE_WORKING_DAYS = 5  # a digest missed on its day still goes out this many days later
BEFORE, DUE, DIGEST = "before", "due", "digest"
NOTICE_KIND = {BEFORE: "report_due_soon", DUE: "report_due_today", DIGEST: "report_late_digest"}


@dataclass(frozen=True)
class Step:
    kind: str
    period: periods.Period
    deadline: date


def steps_for(today: date, calendar: workdays.Calendar) -> list[Step]:
    """What is due to be sent on `today` (local date, WITA), for the last two quarters."""
    steps = []
    period = periods.previous(periods.quarter_of(today))
    for candidate in (period, periods.previous(period)):
        deadline = calendar.deadline(candidate)
        if calendar.working_days_before(deadline, BEFORE_WORKING_DAYS) <= today < deadline:
            steps.append(Step(BEFORE, candidate, deadline))
        if today == deadline:
            steps.append(Step(DUE, candidate, deadline))
        first_after = calendar.add_working_days(deadline, 1)
        if first_after <= today <= calendar.add_working_days(deadline, DIGEST_GRACE_WORKING_DAYS):
            steps.append(Step(DIGEST, candidate, deadline))
    return steps


@dataclass(frozen=True)
class Missing:
    commitment_id: int
    reference: str
    title: str
    meeting_id: int
    organizer_id: int
    agency_id: int
    agency: str
    region: str
    region_code: str


def missing_reports(period: periods.Period) -> list[Missing]:
    """Agreed commitments of meetings held by the end of `period` (not cancelled, not reported
    done already) without a report for it, by region code (1 query)."""
    period_end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=ZoneInfo(workdays.REPORTING_ZONE))
    reported = exists().where(ProgressUpdate.commitment_id == Commitment.id, ProgressUpdate.period == period.key,
                              ProgressUpdate.is_current.is_(True))
    done = exists().where(ProgressUpdate.commitment_id == Commitment.id, ProgressUpdate.is_latest.is_(True),
                          ProgressUpdate.status == "done", ProgressUpdate.period_end < period.start)
    rows = db.session.execute(
        select(Commitment.id, Commitment.reference, Commitment.title, Commitment.meeting_id,
               Meeting.organizer_agency_id, Commitment.agency_id,
               Agency.name, Region.name, Region.kemendagri_code)
        .join(Meeting, Meeting.id == Commitment.meeting_id).join(Agency, Agency.id == Commitment.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Commitment.status == CommitmentStatus.AGREED, Meeting.status != "cancelled",
               Meeting.starts_at < period_end, ~reported, ~done)
        .order_by(Region.kemendagri_code, Agency.name, Commitment.reference)).all()
    return [Missing(*row) for row in rows]


def _claim(user, step, agency_id=None) -> ProgressReminder | None:
    """The reminder's row, or None when it was sent already (by this or another scheduler)."""
    row = ProgressReminder(user_id=user.id, period=step.period.key, kind=step.kind, agency_id=agency_id,
                           deadline=step.deadline, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return None
    return row


def _already(step) -> set[int]:
    return set(db.session.scalars(select(ProgressReminder.user_id).where(
        ProgressReminder.period == step.period.key, ProgressReminder.kind == step.kind)))


def _send(user, step, params, agency_id=None):
    row = _claim(user, step, agency_id)
    if row is None:
        return 0
    [notice] = services.notify([user], NOTICE_KIND[step.kind], params) or [None]
    row.mail_id = notice.mail_id if notice is not None else None
    return 1


def _params(step, **extra):
    return {"period": step.period.key, "deadline": step.deadline.isoformat(), **extra}


def send_for(step: Step) -> int:
    """Send `step`'s reminders not sent yet; how many were sent (the caller commits)."""
    missing = missing_reports(step.period)
    if not missing:
        return 0
    done, sent = _already(step), 0
    if step.kind in (BEFORE, DUE):
        by_agency = defaultdict(list)
        for m in missing:
            by_agency[m.agency_id].append(m)
        for agency_id, items in by_agency.items():
            params = _params(step, agency=items[0].agency, meeting_id=items[0].meeting_id,
                             commitments=[[m.reference, m.title] for m in items])
            for user in notice_queries.delegates_of([agency_id]):
                if user.id not in done:
                    sent += _send(user, step, params, agency_id)
        return sent
    for user in notice_queries.users_with_roles(LEADERSHIP, COMMITTEE):
        if user.id in done:
            continue
        organizers = tenancy.seen_organizer_ids(user)
        seen = missing if organizers is None else [m for m in missing if m.organizer_id in organizers]
        if seen:
            sent += _send(user, step, _digest_params(step, seen))
    return sent


def _digest_params(step, missing):
    regions = defaultdict(lambda: defaultdict(int))
    for m in missing:
        regions[f"{m.region_code} {m.region}"][m.agency] += 1
    return _params(step, regions=[[region, sorted(agencies.items())] for region, agencies in regions.items()],
                   total=len(missing))


def send_due(now: datetime | None = None, calendar: workdays.Calendar | None = None) -> dict[str, int]:
    """Every reminder due at `now` (default: the clock), committed step by step; the count sent
    per step ("before 2026-Q4": 13)."""
    today = local_date(now or utcnow(), workdays.REPORTING_ZONE)
    calendar = calendar or workdays.Calendar()
    result = {}
    for step in steps_for(today, calendar):
        result[f"{step.kind} {step.period.key}"] = send_for(step)
        db.session.commit()
    return result


# --- how the notices read ----------------------------------------------------------------------------

def _deadline(p):
    return format_date_long(date.fromisoformat(p["deadline"]))


def _period(p):
    return periods.parse_period(p["period"]).label()


def _commitment_lines(p):
    return [(ref, title) for ref, title in p.get("commitments", [])]


def _table_link(p):
    return {"meeting_id": p["meeting_id"], "period": p["period"]}


def _delegate_reason(p):
    return _("You get this because you are a delegate of %(agency)s and its quarterly report is due "
             "within 10 working days after the quarter ends (PP 39/2006).", agency=p["agency"])


def render_due_soon(p):
    return kinds.Rendered(
        title=_("Report for %(period)s due on %(deadline)s", period=_period(p), deadline=_deadline(p)),
        text=_("%(agency)s has not reported yet on %(n)d commitments for %(period)s. The report is due on "
               "%(deadline)s.", agency=p["agency"], n=len(p.get("commitments", [])), period=_period(p),
               deadline=_deadline(p)),
        endpoint="progress.table", values=_table_link(p), reason=_delegate_reason(p),
        action=_("Fill in the quarterly report"), details=_commitment_lines(p))


def render_due_today(p):
    return kinds.Rendered(
        title=_("Report for %(period)s due today", period=_period(p)),
        text=_("Today, %(deadline)s, is the last day to report on %(period)s. %(agency)s has not reported "
               "yet on %(n)d commitments.", deadline=_deadline(p), period=_period(p), agency=p["agency"],
               n=len(p.get("commitments", []))),
        endpoint="progress.table", values=_table_link(p), reason=_delegate_reason(p),
        action=_("Fill in the quarterly report"), details=_commitment_lines(p))


def render_digest(p):
    lines = [(region, ", ".join(f"{agency} ({n})" for agency, n in agencies)) for region, agencies in p["regions"]]
    return kinds.Rendered(
        title=_("Late reports for %(period)s: %(n)d commitments", period=_period(p), n=p["total"]),
        text=_("The reports on %(period)s were due on %(deadline)s. These agencies have not reported yet "
               "(commitments without a report, per region):", period=_period(p), deadline=_deadline(p)),
        endpoint="progress.dashboard", values={}, details=lines,
        reason=_("You get this because you lead or coordinate the monitoring of commitments."),
        action=_("Open the progress dashboard"))


def register():
    kinds.register(NOTICE_KIND[BEFORE], render_due_soon)
    kinds.register(NOTICE_KIND[DUE], render_due_today)
    kinds.register(NOTICE_KIND[DIGEST], render_digest)
