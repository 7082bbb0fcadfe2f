"""Writing progress: report (a new update, or a new revision of the period's update), evidence
files, the committee's review, local holidays.

Services take plain arguments and the acting user, flush, and raise DomainError naming the
field it concerns; callers commit. The rules that must never slip are checked here whatever
the caller: a delegate reports on its own agency's commitments only, only agreed commitments
are reported on, a period lies neither before the meeting nor beyond the current quarter.

Concurrency: a report locks the commitment row, so two reports on one commitment queue up; the
bulk form sends the revision each row was based on (`expected_revision`) and a row someone
else reported meanwhile is refused instead of silently replacing their figures.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update as sql_update

from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core import batch
from rakor.core.errors import DomainError, RowRefusedError
from rakor.core.formatting import format_date_medium, local_date
from rakor.core.rows import among, insert_rows
from rakor.core.text import clean_text
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings import materials
from rakor.meetings.models import Meeting
from rakor.policy import COMMITTEE, DELEGATE
from rakor.progress import notices as progress_notices
from rakor.progress import periods, tally, workdays
from rakor.progress.achievement import percent_achieved
from rakor.progress.lifecycle import REVIEW_FLOW, ReviewStatus, UpdateStatus
from rakor.progress.models import LocalHoliday, ProgressEvidence, ProgressUpdate

EVIDENCE_FOLDER = "evidence"
MAX_VALUE = Decimal("9999999999.9999")  # Numeric(14, 4)
MAX_AMOUNT = Decimal("999999999999999.99")  # Numeric(18, 2)
MAX_PERCENT = Decimal("9999999999.99")  # Numeric(12, 2)
MAX_STATED = Decimal(100000)
TEXT_MAX = 5000
COMPARED = ("realised_value", "percent_achieved", "percent_stated", "budget_realised", "physical_percent",
            "status", "narrative", "obstacles", "next_steps")


class UnconfirmedPercentError(DomainError):
    """A stated percent outside 0-100: possible (a target beaten, things got worse), often a
    typo (250 for 25,0). Saved once the reporter confirms it."""


@dataclass
class UpdateData:
    """What a reporter gives for one commitment and period (a form row or an import row)."""

    period: object  # periods.Period or its text
    status: str | None = None
    realised_value: Decimal | None = None
    percent: Decimal | None = None  # stated by hand; only where none can be computed
    budget_realised: Decimal | None = None
    physical_percent: Decimal | None = None  # realisasi fisik
    narrative: str | None = None
    obstacles: str | None = None
    next_steps: str | None = None


@dataclass
class Checked:
    """`UpdateData` checked against its commitment: ready to write."""

    period: periods.Period
    status: UpdateStatus
    realised_value: Decimal | None
    percent_achieved: Decimal | None
    percent_stated: bool
    budget_realised: Decimal | None
    physical_percent: Decimal | None
    narrative: str | None
    obstacles: str | None
    next_steps: str | None


@dataclass
class ReportResult:
    update: ProgressUpdate
    created: bool  # False: the period's current update already said exactly this


def measurable(commitment) -> bool:
    """The percent comes from the indicator: a numeric indicator with baseline and target."""
    return (commitment.indicator_id is not None and commitment.baseline_value is not None
            and commitment.target_value is not None and commitment.target_value != commitment.baseline_value)


def _text(value, field):
    if value is None:
        return None
    value = clean_text(str(value), multiline=True).strip() or None
    if value is not None and len(value) > TEXT_MAX:
        raise DomainError(_l("At most %(n)d characters.", n=TEXT_MAX), field=field)
    return value


def check_period(period, meeting, today=None) -> periods.Period:
    """The period as a Period, neither before the meeting nor beyond the current quarter."""
    try:
        period = periods.parse_period(period)
    except ValueError:
        raise DomainError(_l("Give the period as a quarter (Triwulan I 2024) or a date."),
                          field="period") from None
    today = today or workdays.today()
    meeting_day = local_date(meeting.starts_at, meeting.timezone)
    if period.end < meeting_day:
        raise DomainError(_l("%(period)s lies before the meeting (%(day)s); report on periods from the "
                             "meeting on.", period=period.label(), day=format_date_medium(meeting_day)),
                          field="period")
    if period.kind == "quarter" and period.start > periods.quarter_of(today).end:
        raise DomainError(_l("%(period)s has not begun yet; report on the current quarter or an "
                             "earlier one.", period=period.label()), field="period")
    if period.kind == "date" and period.start > today:
        raise DomainError(_l("The date lies in the future."), field="period")
    return period


def check_reporter(commitment, by_user):
    """A delegate for its own agency's commitments only; the committee for any; nobody else."""
    role = getattr(by_user, "role", None)
    if role == DELEGATE:
        if commitment.agency_id != by_user.agency_id:
            raise DomainError(_l("A delegate can only report on its own agency's commitments."))
    elif role != COMMITTEE:
        raise DomainError(_l("You cannot report progress."))
    if commitment.status != CommitmentStatus.AGREED:
        raise DomainError(_l("Only agreed commitments are reported on."))


def validate(commitment, meeting, data: UpdateData, *, confirm_percent=False, today=None) -> Checked:
    period = check_period(data.period, meeting, today)
    if not data.status:
        raise DomainError(_l("Choose the status."), field="status")
    try:
        status = UpdateStatus(data.status)
    except ValueError:
        raise DomainError(_l("Unknown status."), field="status") from None
    realised, stated = data.realised_value, data.percent
    if realised is not None and abs(realised) > MAX_VALUE:
        raise DomainError(_l("This value is too large."), field="realised_value")
    if measurable(commitment):
        if realised is None and stated is not None:
            raise DomainError(_l("Give the realised value of the indicator; the percent is computed "
                                 "from it."), field="realised_value")
        percent, is_stated = percent_achieved(commitment.baseline_value, commitment.target_value,
                                              realised), False
        if percent is not None and abs(percent) > MAX_PERCENT:
            raise DomainError(_l("This value is far from the baseline and the target; check it."),
                              field="realised_value")
    else:
        if realised is not None and commitment.indicator_id is None:
            raise DomainError(_l("This commitment has no numeric indicator; state the percent achieved "
                                 "instead."), field="realised_value")
        if stated is None:
            raise DomainError(_l("State the percent achieved."), field="percent")
        if abs(stated) > MAX_STATED:
            raise DomainError(_l("This value is too large."), field="percent")
        percent, is_stated = stated.quantize(Decimal("0.01")), True
    physical = _physical(data.physical_percent)
    unconfirmed = [(field, value) for field, value in (("percent", stated if is_stated else None),
                                                        ("physical_percent", physical))
                   if value is not None and not Decimal(0) <= value <= Decimal(100)]
    if unconfirmed and not confirm_percent:
        # One message for every percent outside 0-100: the one confirmation covers them all, so
        # the reporter must have seen them all.
        field = unconfirmed[0][0]
        if len(unconfirmed) == 1 and field == "percent":
            message = _l("%(percent)s %% is outside 0-100 %%. Check it, or confirm that it is right.",
                         percent=_plain(stated))
        elif len(unconfirmed) == 1:
            message = _l("Physical realisation of %(percent)s %% is above 100 %%. Check it, or confirm that it "
                         "is right.", percent=_plain(physical))
        else:
            message = _l("%(percent)s %% achieved and %(physical)s %% physical realisation are outside 0-100 %%. "
                         "Check them, or confirm that they are right.", percent=_plain(stated),
                         physical=_plain(physical))
        raise UnconfirmedPercentError(message, field=field)
    budget = data.budget_realised
    if budget is not None:
        if budget < 0:
            raise DomainError(_l("The budget cannot be negative."), field="budget_realised")
        if budget > MAX_AMOUNT:
            raise DomainError(_l("This amount is too large."), field="budget_realised")
    return Checked(period=period, status=status, realised_value=realised, percent_achieved=percent,
                   percent_stated=is_stated, budget_realised=budget, physical_percent=physical,
                   narrative=_text(data.narrative, "narrative"), obstacles=_text(data.obstacles, "obstacles"),
                   next_steps=_text(data.next_steps, "next_steps"))


def _plain(value):
    return format(value.normalize(), "f").replace(".", ",")


def _physical(value):
    """Realisasi fisik: a share of the work done, so never below 0; above 100 asks for a
    confirmation like any percent outside 0-100 (validate)."""
    if value is None:
        return None
    if value < 0:
        raise DomainError(_l("Physical realisation cannot be below 0 %."), field="physical_percent")
    if value > MAX_STATED:
        raise DomainError(_l("This value is too large."), field="physical_percent")
    return value.quantize(Decimal("0.01"))


def current_update(commitment_id, period_key):
    return db.session.scalar(select(ProgressUpdate).where(
        ProgressUpdate.commitment_id == commitment_id, ProgressUpdate.period == period_key,
        ProgressUpdate.is_current))


def same_as(update, checked: Checked):
    """The update already says what `checked` says."""
    for name in COMPARED:
        new = checked.status.value if name == "status" else getattr(checked, name)
        old = getattr(update, name)
        if isinstance(old, Decimal) and isinstance(new, Decimal):
            if old.compare(new) != 0:
                return False
        elif old != new:
            return False
    return True


def _lock(commitment):
    return db.session.scalar(select(Commitment).where(Commitment.id == commitment.id).with_for_update()
                             .execution_options(populate_existing=True))


def refresh_latest(commitment_id):
    """Mark the current revision of the commitment's latest period as its latest update (1 query)."""
    current = db.session.scalars(select(ProgressUpdate).where(
        ProgressUpdate.commitment_id == commitment_id, ProgressUpdate.is_current)
        .order_by(ProgressUpdate.period_end.desc(), ProgressUpdate.id.desc())).all()
    # Clear before setting: the partial unique index allows one latest per commitment.
    for update in current[1:]:
        if update.is_latest:
            update.is_latest = False
    db.session.flush()
    if current and not current[0].is_latest:
        current[0].is_latest = True
        db.session.flush()


def report(commitment: Commitment, data: UpdateData, by_user, *, confirm_percent=False,
           expected_revision=None, force_revision=False, today=None, now=None, is_demo=False) -> ReportResult:
    """Post the update of `data.period`, or correct it: the period's current update stays in the
    history and the new revision takes its place. Unchanged data writes nothing (unless
    `force_revision`: a new evidence file makes a revision too)."""
    check_reporter(commitment, by_user)
    commitment = _lock(commitment)
    check_reporter(commitment, by_user)  # it may have been withdrawn meanwhile
    meeting = db.session.get(Meeting, commitment.meeting_id)
    if meeting.status == "cancelled":
        raise DomainError(_l("This meeting is cancelled; its commitments are not reported on."))
    checked = validate(commitment, meeting, data, confirm_percent=confirm_percent, today=today)
    previous = current_update(commitment.id, checked.period.key)
    if expected_revision is not None and (previous.revision if previous else 0) != expected_revision:
        raise DomainError(_l("Someone else reported on %(ref)s for this period meanwhile; check the "
                             "figures now shown and save again.", ref=commitment.reference))
    if previous is not None and not force_revision and same_as(previous, checked):
        return ReportResult(previous, created=False)
    if previous is not None:
        previous.is_current = False
        previous.is_latest = False
        db.session.flush()
    update = ProgressUpdate(**_update_fields(commitment, checked, (previous.revision + 1) if previous else 1,
                                             by_user, now or utcnow(), is_demo))
    db.session.add(update)
    db.session.flush()
    refresh_latest(commitment.id)
    return ReportResult(update, created=True)


@dataclass
class NewReport:
    """One item of `report_many`: what `report(commitment, data, ...)` would be given."""

    commitment: Commitment
    data: UpdateData
    expected_revision: int | None = None


# What `check_reporter`, `validate` and `_update_fields` read of a commitment (and its reference,
# for a message): `report_many` and the import read only these, as plain rows, not 5,000 objects.
REPORTER_CHECKED = (Commitment.id, Commitment.reference, Commitment.meeting_id, Commitment.agency_id,
                     Commitment.status, Commitment.indicator_id, Commitment.baseline_value,
                     Commitment.target_value)


def report_many(items: list[NewReport], by_user, *, confirm_percent=False, today=None,
                now=None) -> list[ReportResult]:
    """`report` for every item, all or nothing, in statements that do not grow with the items
    (an import): the commitments locked in one statement (in id order, as concurrent reporters
    lock them one at a time), their meetings and the periods' current updates read at once, the
    replaced revisions and the latest flags changed in one statement each, the new revisions
    inserted together (`core.rows.insert_rows`) with their flags. Same rows,
    same checks, same refusals as `report` item by item (in list order: an item may revise an
    earlier one's period; a new revision comes back as a plain record of its columns and id);
    raises RowRefusedError naming the first item refused. The tallies
    are refreshed once, when the caller's `core.batch.deferred` ends (or at once without one)."""
    if not items:
        return []
    by_user = getattr(by_user, "_get_current_object", lambda: by_user)()  # current_user: one lookup
    today = today or workdays.today()  # one day for every item, not a clock reading an item
    for index, item in enumerate(items):
        _refused_at(index, check_reporter, item.commitment, by_user)
    ids = sorted({item.commitment.id for item in items})
    # Locked and read again (the state a reporter acting now would see), as plain rows of the
    # columns the checks below read: refreshing 5,000 commitment objects (populate_existing) was
    # a third of an import's write.
    locked = {c.id: c for c in db.session.execute(
        select(*REPORTER_CHECKED).where(among(db.session, Commitment.id, ids)).order_by(Commitment.id)
        .with_for_update())}
    meetings = {m.id: m for m in db.session.scalars(
        select(Meeting).where(among(db.session, Meeting.id, {c.meeting_id for c in locked.values()})))}
    current = {(u.commitment_id, u.period): u for u in db.session.scalars(
        select(ProgressUpdate).where(among(db.session, ProgressUpdate.commitment_id, ids), ProgressUpdate.is_current))}
    now = now or utcnow()
    results, rows, latest_of, replaced = [], [], {}, []
    for index, item in enumerate(items):
        commitment = locked[item.commitment.id]
        _refused_at(index, check_reporter, commitment, by_user)  # it may have been withdrawn meanwhile
        meeting = meetings[commitment.meeting_id]
        if meeting.status == "cancelled":
            raise RowRefusedError(index, DomainError(_l("This meeting is cancelled; its commitments are not "
                                                        "reported on.")))
        checked = _refused_at(index, validate, commitment, meeting, item.data, confirm_percent=confirm_percent,
                              today=today)
        key = (commitment.id, checked.period.key)
        previous = latest_of.get(key) or current.get(key)
        if item.expected_revision is not None and (previous.revision if previous else 0) != item.expected_revision:
            raise RowRefusedError(index, DomainError(_l(
                "Someone else reported on %(ref)s for this period meanwhile; check the figures now shown "
                "and save again.", ref=commitment.reference)))
        if previous is not None and same_as(previous, checked):
            results.append(ReportResult(previous, created=False))
            continue
        if key in latest_of:
            previous.is_current = False  # revised again further down the list: written already replaced
        elif previous is not None:
            replaced.append(previous)
        # A plain record, not a ProgressUpdate: nothing for the session to track until the insert.
        update = SimpleNamespace(id=None, **_update_fields(commitment, checked,
                                                           (previous.revision + 1) if previous else 1, by_user, now))
        latest_of[key] = update
        rows.append(update)
        results.append(ReportResult(update, created=True))
    if not rows:
        return results
    gone = {u.id for u in replaced}
    clear, mark = _latest_flags(rows, [u for u in current.values() if u.id not in gone])
    # Three statements at most, before the inserts: the unique indexes allow one current revision
    # per period and one latest update per commitment.
    _set_flags(sorted(gone), is_current=False, is_latest=False)
    _set_flags(clear, is_latest=False)
    _set_flags(mark, is_latest=True)
    for stale in current.values():
        db.session.expire(stale)
    _insert(rows)
    return results


def _latest_flags(rows, kept):
    """Which update stands for each commitment of the new `rows` once they are in, as
    `refresh_latest` would find it (the current revision of the latest period; of two, the newer
    row): a new row is flagged here; returns the ids of the stored ones (`kept`: current and not
    replaced) to clear and to mark."""
    touched = {u.commitment_id for u in rows}
    standing = defaultdict(list)
    for u in kept:
        if u.commitment_id in touched:
            standing[u.commitment_id].append(((u.period_end, 0, u.id), u))
    for n, u in enumerate(rows):
        if u.is_current:
            standing[u.commitment_id].append(((u.period_end, 1, n), u))
    clear, mark = [], []
    for candidates in standing.values():
        winner = max(candidates, key=lambda c: c[0])[1]
        for _order, u in candidates:
            if u.id is None:  # new: inserted with its flag
                u.is_latest = u is winner
            elif u is winner and not u.is_latest:
                mark.append(u.id)
            elif u is not winner and u.is_latest:
                clear.append(u.id)
    return clear, mark


def _set_flags(ids, **values):
    if ids:
        table = ProgressUpdate.__table__
        db.session.execute(sql_update(table).where(among(db.session, table.c.id, ids)).values(**values, version=table.c.version + 1))


def _update_fields(commitment, checked: Checked, revision, by_user, now, is_demo=False) -> dict:
    """The columns of a new revision (all but the id and the review's, which start empty)."""
    period = checked.period
    return dict(
        commitment_id=commitment.id, period=period.key, period_kind=period.kind,
        period_start=period.start, period_end=period.end, quarter_index=period.quarter_index,
        revision=revision, is_current=True, is_latest=False,
        realised_value=checked.realised_value, percent_achieved=checked.percent_achieved,
        percent_stated=checked.percent_stated, budget_realised=checked.budget_realised,
        physical_percent=checked.physical_percent, status=checked.status.value, narrative=checked.narrative,
        obstacles=checked.obstacles, next_steps=checked.next_steps, review_status=ReviewStatus.SUBMITTED.value,
        reported_by_id=getattr(by_user, "id", None), reported_at=now, is_demo=is_demo)


def _insert(updates):
    """Insert the planned `updates` (records of `_update_fields`) together and give each its id.
    No flush sees them, so their commitments' tallies are named to the batch (or refreshed now,
    outside one)."""
    table = ProgressUpdate.__table__
    values = [{**{name: value for name, value in vars(u).items() if name != "id"}, "version": 1,
               "review_note": None, "reviewed_by_id": None, "reviewed_at": None} for u in updates]
    for update, ident in zip(updates, insert_rows(db.session, table, values), strict=True):
        update.id = ident
    commitment_ids = {u.commitment_id for u in updates}
    if batch.active(db.session):
        batch.touch(db.session, Commitment.__tablename__, commitment_ids)
    else:
        tally.refresh(db.session.connection(), commitment_ids)


def _refused_at(index, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as e:
        raise RowRefusedError(index, e) from None


def add_evidence(update: ProgressUpdate, stream, filename, by_user, stored: list | None = None) -> ProgressEvidence:
    """Check and store an evidence file for `update`'s period (the checks and storage of
    meeting materials: extension list, content sniffing, random server-made name). Stored
    names are appended to `stored` so the caller can remove them if the transaction fails."""
    name, ext = materials.checked_name(filename)
    stored_name, size, sha256 = materials.store_checked(stream, ext, EVIDENCE_FOLDER)
    if stored is not None:
        stored.append(stored_name)
    evidence = ProgressEvidence(
        commitment_id=update.commitment_id, period=update.period, update_id=update.id,
        original_filename=name, stored_name=stored_name, content_type=materials.ALLOWED[ext][0],
        size=size, sha256=sha256, uploaded_by_id=getattr(by_user, "id", None))
    db.session.add(evidence)
    db.session.flush()
    return evidence


def set_evidence_public(evidence: ProgressEvidence, public: bool, by_user) -> None:
    """The committee lets every agency of the meeting download the file (a public letter, a
    report already published), or takes that back."""
    if getattr(by_user, "role", None) != COMMITTEE:
        raise DomainError(_l("Only the committee decides who sees an evidence file."))
    evidence.is_public = bool(public)
    db.session.flush()


def remove_evidence(evidence: ProgressEvidence, by_user) -> str:
    """Delete a wrong evidence file's record while its period's report is not verified (the
    reporter of the commitment: its agency's delegate or the committee). Returns the stored
    name, to remove from disk once the deletion is committed (materials.remove_files)."""
    commitment = db.session.get(Commitment, evidence.commitment_id)
    check_reporter(commitment, by_user)
    commitment = _lock(commitment)  # queues behind a report on the commitment
    check_reporter(commitment, by_user)
    # Locked too: a verification arriving meanwhile waits, then sees the file gone (or this
    # waits for the verification and refuses).
    current = db.session.scalar(select(ProgressUpdate).where(
        ProgressUpdate.commitment_id == evidence.commitment_id, ProgressUpdate.period == evidence.period,
        ProgressUpdate.is_current).with_for_update().execution_options(populate_existing=True))
    if current is not None and current.review_status == ReviewStatus.VERIFIED:
        raise DomainError(_l("This report is verified; its evidence stays. Ask the committee to send it "
                             "back if a file is wrong."))
    stored = evidence.stored_name
    db.session.delete(evidence)
    db.session.flush()
    return stored


def evidence_path(evidence: ProgressEvidence):
    return materials.stored_path(evidence.stored_name, EVIDENCE_FOLDER)


def review(update: ProgressUpdate, to_status, by_user, *, note=None, expected_from=None, now=None):
    """Verify an update, or send it back with a comment. Only the committee, and only the
    current revision (a corrected one is reviewed in its new form)."""
    if getattr(by_user, "role", None) != COMMITTEE:
        raise DomainError(_l("Only the committee verifies progress updates."))
    if not update.is_current:
        raise DomainError(_l("This update was corrected meanwhile; review the current revision."))
    now = now or utcnow()
    REVIEW_FLOW.move(update, ReviewStatus(to_status), by_user, note=note,
                     expected_from=ReviewStatus(expected_from) if expected_from else None, now=now)
    update.reviewed_by_id, update.reviewed_at = getattr(by_user, "id", None), now
    update.review_note = (str(note).strip() or None) if note else None
    db.session.flush()
    progress_notices.notify_review(update, to_status, note, by_user)
    return update


def add_local_holiday(day: date, name, by_user) -> LocalHoliday:
    name = clean_text(name or "").strip()
    if not name:
        raise DomainError(_l("Name the holiday."), field="name")
    if len(name) > 200:
        raise DomainError(_l("At most %(n)d characters.", n=200), field="name")
    if day is None:
        raise DomainError(_l("Give the date."), field="day")
    if db.session.scalar(select(LocalHoliday.id).where(LocalHoliday.day == day)) is not None:
        raise DomainError(_l("This day is already a local holiday."), field="day")
    holiday = LocalHoliday(day=day, name=name, created_by_id=getattr(by_user, "id", None))
    db.session.add(holiday)
    db.session.flush()
    return holiday


def delete_local_holiday(holiday: LocalHoliday):
    db.session.delete(holiday)
    db.session.flush()

