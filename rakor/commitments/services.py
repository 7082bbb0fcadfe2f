"""Commitments: create, edit, submit, agree, return, amend, withdraw. Every change is recorded
as a CommitmentEvent with the fields it changed (before -> after).

Services take plain arguments and the acting user, flush, and raise DomainError (with the field
it concerns). Callers commit. Access (who may do what to which commitment) is the policy's job
(commitments/rules.py); the services re-check the one rule that must never slip: a delegate
acts for its own agency only.

Concurrency: every change locks the commitment row, and `version` (SQLAlchemy version_id_col)
refuses a save based on a copy someone else changed meanwhile: the second of two editors gets
a clear message and keeps what they typed.
"""
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from rakor.commitments import notices as commitment_notices
from rakor.commitments.lifecycle import (
    EDITABLE_BY_COMMITTEE,
    EDITABLE_BY_DELEGATE,
    FUNDING_SOURCES,
    NOTE_REQUIRED,
    TRANSITIONS,
    CommitmentStatus,
)
from rakor.commitments.models import AgreementSignatory, Commitment, CommitmentEvent, IndicatorBaseline
from rakor.core import batch
from rakor.core import rows as bulk_rows
from rakor.core.errors import DomainError, RowRefusedError
from rakor.core.formatting import local_date
from rakor.core.page_cache import COMMITMENTS, meeting_part_scope
from rakor.core.ranks import normalize_rank
from rakor.core.types import utcnow
from rakor.core.workflow import Workflow, WorkflowMessages
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import AgendaItem, Meeting, Topic
from rakor.participants.models import Participant, SeatQuota
from rakor.policy import COMMITTEE, DELEGATE
from rakor.regions import programmes
from rakor.regions.models import Agency, Programme, Region

S = CommitmentStatus
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("999999999999999.99")  # Numeric(18, 2)
MAX_VALUE = Decimal("9999999999.9999")  # Numeric(14, 4)


class UnconfirmedDirectionError(DomainError):
    """The target lies on the wrong side of the baseline for the indicator's direction. Not an
    error: a region may plan for a worse value (a new measurement method, a disaster); the user
    confirms and it is saved."""


@dataclass
class CommitmentData:
    """The content of a commitment, as a form or an import row gives it."""

    title: str
    agency_id: int | None = None
    agenda_item_id: int | None = None
    topic_id: int | None = None
    description: str | None = None
    programme_code: str | None = None
    indicator_id: int | None = None
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    target_value: Decimal | None = None
    target_date: date | None = None
    responsible_office: str | None = None
    contact_person: str | None = None
    budget: Decimal | None = None
    funding_source: str | None = None
    budget_year: int | None = None

    @classmethod
    def of(cls, commitment):
        return cls(**{f.name: getattr(commitment, f.name) for f in fields(cls)})


CONTENT_FIELDS = tuple(f.name for f in fields(CommitmentData) if f.name != "agency_id")


# --- reading helpers -----------------------------------------------------------------------

def latest_baseline(region_id, indicator_id):
    """The latest loaded official value of an indicator for a region, or None (kept for a
    batch of writes: `core.batch.memo`)."""
    return batch.memo(db.session, ("latest_baseline", region_id, indicator_id),
                      lambda: _latest_baseline(region_id, indicator_id))


def _latest_baseline(region_id, indicator_id):
    return db.session.scalar(
        select(IndicatorBaseline).where(IndicatorBaseline.region_id == region_id,
                                        IndicatorBaseline.topic_id == indicator_id)
        .order_by(IndicatorBaseline.year.desc()).limit(1))


def agency_takes_part(meeting, agency_id):
    """The agency has seats at the meeting or registered people: it may commit there (kept for
    a batch of writes: `core.batch.memo`)."""
    return batch.memo(db.session, ("agency_takes_part", meeting.id, agency_id),
                      lambda: _agency_takes_part(meeting, agency_id))


def _agency_takes_part(meeting, agency_id):
    return bool(db.session.scalar(select(
        select(SeatQuota.id).where(SeatQuota.meeting_id == meeting.id, SeatQuota.agency_id == agency_id)
        .exists()
        | select(Participant.id).where(Participant.meeting_id == meeting.id,
                                       Participant.agency_id == agency_id,
                                       Participant.status == "registered").exists())))


def check_meeting_open(meeting, *, amendment=False):
    """New commitments and ordinary edits need a scheduled or held meeting; amendments of
    agreed commitments go on after the final minutes (meetings/lifecycle.py says so)."""
    check_open(meeting, "amendments" if amendment else "commitments")


# --- validation ----------------------------------------------------------------------------

def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _length(value, n, field):
    if value is not None and len(value) > n:
        raise DomainError(_l("At most %(n)d characters.", n=n), field=field)


def _year(value, field):
    if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(_l("Give a year between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR), field=field)


PROGRAMMES_LISTED = 8


def _programme_code(typed: str) -> str:
    """The code typed, or the one programme a word names ("kemiskinan", "gizi", "sanitasi");
    several matches are listed for the user to choose."""
    code = typed.strip().upper()
    if programmes.CODE_RE.match(code) or not any(c.isalpha() for c in code if c != "X"):
        return code
    found = programmes.find_programmes(typed)
    if len(found) == 1:
        return found[0].code
    if found:
        shown = "; ".join(f"{p.code} {p.name.title()}" for p in found[:PROGRAMMES_LISTED])
        raise DomainError(_l("\u201c%(text)s\u201d matches several programmes: %(list)s. Type the code of "
                             "the one you mean.", text=typed.strip(), list=shown), field="programme_code")
    raise DomainError(_l("No programme matches \u201c%(text)s\u201d; type a code of the national "
                         "nomenclature (Kepmendagri 050-5889/2021), e.g. 1.02.02, or a word of its name.",
                         text=typed.strip()), field="programme_code")


def validate(meeting, data: CommitmentData, *, confirm_direction=False):
    """Check `data` against the domain's rules; fills the baseline from the official values
    when an indicator is chosen and none is typed. Returns the cleaned data."""
    for f in fields(data):
        setattr(data, f.name, _clean(getattr(data, f.name)))
    if not data.title:
        raise DomainError(_l("Name the programme or activity."), field="title")
    _length(data.title, 300, "title")
    _length(data.description, 5000, "description")
    _length(data.responsible_office, 200, "responsible_office")
    _length(data.contact_person, 200, "contact_person")
    agency = db.session.get(Agency, data.agency_id) if data.agency_id else None
    if agency is None:
        raise DomainError(_l("Choose the agency."), field="agency_id")
    if not agency_takes_part(meeting, agency.id):
        raise DomainError(_l("%(agency)s is not invited to this meeting.", agency=agency.name),
                          field="agency_id")
    if data.agenda_item_id is not None:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise DomainError(_l("Choose an item of this meeting's agenda."), field="agenda_item_id")
        if data.topic_id is None:
            data.topic_id = item.topic_id
    if data.topic_id is not None and db.session.get(Topic, data.topic_id) is None:
        raise DomainError(_l("Unknown topic."), field="topic_id")
    if data.programme_code is not None:
        data.programme_code = _programme_code(data.programme_code)
        code = data.programme_code
        if batch.memo(db.session, ("programme", code), lambda: db.session.get(Programme, code)) is None:
            raise DomainError(_l("Unknown programme code %(code)s; use a code of the national "
                                 "nomenclature (Kepmendagri 050-5889/2021), e.g. 1.02.02.",
                                 code=data.programme_code), field="programme_code")
    _check_indicator(agency, data, confirm_direction)
    if data.target_date is not None and data.target_date < local_date(meeting.starts_at, meeting.timezone):
        raise DomainError(_l("The target date lies before the meeting."), field="target_date")
    if data.target_date is not None:
        _year(data.target_date.year, "target_date")
    if data.budget is not None:
        if data.budget < 0:
            raise DomainError(_l("The budget cannot be negative."), field="budget")
        if data.budget > MAX_AMOUNT:
            raise DomainError(_l("This amount is too large."), field="budget")
    if data.funding_source is not None and data.funding_source not in FUNDING_SOURCES:
        raise DomainError(_l("Unknown funding source."), field="funding_source")
    _year(data.budget_year, "budget_year")
    return data


def _check_indicator(agency, data, confirm_direction):
    if data.indicator_id is None:
        if data.baseline_value is not None or data.target_value is not None:
            raise DomainError(_l("Choose the indicator these values measure."), field="indicator_id")
        return
    indicator = db.session.get(Topic, data.indicator_id)
    if indicator is None or not indicator.is_indicator:
        raise DomainError(_l("Choose an indicator with a numeric measure."), field="indicator_id")
    if data.topic_id is None:
        data.topic_id = indicator.id
    if data.baseline_value is None:
        official = latest_baseline(agency.region_id, indicator.id)
        if official is not None:
            data.baseline_value, data.baseline_year = official.value, official.year
    _year(data.baseline_year, "baseline_year")
    for name in ("baseline_value", "target_value"):
        value = getattr(data, name)
        if value is not None and abs(value) > MAX_VALUE:
            raise DomainError(_l("This value is too large."), field=name)
    if data.target_value is None:
        raise DomainError(_l("Give the target value."), field="target_value")
    if data.baseline_value is None:
        return
    if data.target_value == data.baseline_value:
        raise DomainError(_l("The target equals the baseline; a commitment must aim for a change."),
                          field="target_value")
    worse = ((indicator.direction == "lower" and data.target_value > data.baseline_value)
             or (indicator.direction == "higher" and data.target_value < data.baseline_value))
    if worse and not confirm_direction:
        raise UnconfirmedDirectionError(
            _l("For this indicator a %(better)s value is better, but the target is %(worse)s than "
               "the baseline. Check the values, or confirm that this is intended.",
               better=_l("lower") if indicator.direction == "lower" else _l("higher"),
               worse=_l("higher") if indicator.direction == "lower" else _l("lower")),
            field="target_value")


# --- changes -------------------------------------------------------------------------------

def _display(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _diff(before: CommitmentData, after: CommitmentData):
    return {name: [_display(getattr(before, name)), _display(getattr(after, name))]
            for name in CONTENT_FIELDS
            if _display(getattr(before, name)) != _display(getattr(after, name))}


def _event(commitment, kind, user, *, from_status=None, to_status=None, note=None, changes=None,
           now=None):
    event = CommitmentEvent(commitment_id=commitment.id, kind=kind, user_id=getattr(user, "id", None),
                            from_status=from_status, to_status=to_status, note=note,
                            changes=changes or None, at=now or utcnow())
    db.session.add(event)
    return event


def _lock(commitment, expected_version=None):
    """The commitment row, locked and fresh. A stale `expected_version` (the copy the user
    edited) is refused before anything changes."""
    fresh = db.session.scalar(select(Commitment).where(Commitment.id == commitment.id)
                              .with_for_update().execution_options(populate_existing=True))
    if expected_version is not None and fresh.version != expected_version:
        raise DomainError(_l("Someone else changed this commitment while you were editing it. "
                             "Your text is still in the form: compare it with the current version "
                             "(open it in a new tab) and save again."))
    return fresh


def lock_version(commitment, expected_version):
    """The commitment locked, or DomainError when it is no longer the version the user's page
    showed (a decision on many at once names it and goes on with the others)."""
    fresh = _lock(commitment)
    if fresh.version != expected_version:
        raise DomainError(_l("It was changed after your page was shown; open it and decide again."))
    return fresh


def _flush():
    try:
        db.session.flush()
    except StaleDataError as e:
        raise DomainError(_l("Someone else changed this commitment while you were editing it. "
                             "Your text is still in the form: compare it with the current version "
                             "(open it in a new tab) and save again.")) from e


def _check_own_agency(user, agency_id):
    if getattr(user, "role", None) == DELEGATE and agency_id != user.agency_id:
        raise DomainError(_l("A delegate can only make commitments for their own agency."),
                          field="agency_id")


def _reference(meeting, agency, sequence):
    return f"{_reference_prefix(meeting, agency)}{sequence:02d}"


def _reference_prefix(meeting, agency):
    year = local_date(meeting.starts_at, meeting.timezone).year
    region = db.session.get(Region, agency.region_id)
    return f"RK-{year}-{meeting.id:04d}-{region.kemendagri_code}-"


def create_commitment(meeting: Meeting, data: CommitmentData, by_user, *, submit=False,
                      status=None, confirm_direction=False, is_demo=False, now=None) -> Commitment:
    """A new commitment (a draft, or submitted at once with `submit`; an import may create it
    with the status its file names: draft, submitted, returned or agreed). Its reference is RK-<year>-<meeting>-<region>-<n>."""
    check_meeting_open(meeting)
    _check_own_agency(by_user, data.agency_id)
    data = validate(meeting, data, confirm_direction=confirm_direction)
    agency = db.session.get(Agency, data.agency_id)
    # The meeting row lock serialises the numbering of concurrent submissions; the unique
    # constraint on (meeting, agency, sequence) stands behind it.
    db.session.scalar(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    sequence = (db.session.scalar(select(func.max(Commitment.sequence)).where(
        Commitment.meeting_id == meeting.id, Commitment.agency_id == agency.id)) or 0) + 1
    now = now or utcnow()
    status = S(status or (S.SUBMITTED if submit else S.DRAFT))
    commitment = Commitment(
        meeting_id=meeting.id, sequence=sequence, reference=_reference(meeting, agency, sequence),
        status=status, created_by_id=getattr(by_user, "id", None), created_at=now, is_demo=is_demo,
        submitted_at=now if status in (S.SUBMITTED, S.RETURNED, S.AGREED) else None,
        agreed_at=now if status == S.AGREED else None,
        agreed_by_id=getattr(by_user, "id", None) if status == S.AGREED else None,
        **{f.name: getattr(data, f.name) for f in fields(CommitmentData)})
    db.session.add(commitment)
    db.session.flush()
    if status == S.SUBMITTED:
        # "Save and submit": the history shows both steps, as for a draft submitted later.
        _event(commitment, "created", by_user, to_status=S.DRAFT, now=now)
        _event(commitment, "submitted", by_user, from_status=S.DRAFT, to_status=S.SUBMITTED, now=now)
    else:
        _event(commitment, "created", by_user, to_status=status, now=now)
    db.session.flush()
    return commitment


def create_commitments(meeting: Meeting, items, by_user, *, confirm_direction=False,
                       now=None, validated=False) -> list[int]:
    """`create_commitment` for many at once (an import): `items` are (CommitmentData, status);
    returns the new commitments' ids. The same checks and numbering, in a number of statements
    that does not grow with the items: every item validated (reads kept for the batch), the
    meeting locked once, the last sequence of every agency read once, then the commitments and
    their history events inserted by `core.bulk.insert_rows` (PostgreSQL: ids reserved in one
    statement, rows in one executemany). Webhooks are not concerned (no "agreed" event: an
    agreed row is created agreed). Raises RowRefusedError naming the first item refused.

    `validated`: every item's data is what `validate` answered for it in this same transaction
    (an import's check at the confirmation, just before its write): it is not checked again."""
    if not items:
        return []
    check_meeting_open(meeting)
    now = now or utcnow()
    cleaned = []
    with batch.deferred(db.session):
        for index, (data, status) in enumerate(items):
            try:
                _check_own_agency(by_user, data.agency_id)
                if not validated:
                    data = validate(meeting, data, confirm_direction=confirm_direction)
                cleaned.append((data, S(status or S.DRAFT)))
            except DomainError as e:
                raise RowRefusedError(index, e) from None
        db.session.scalar(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
        agency_ids = sorted({data.agency_id for data, _status in cleaned})
        last = dict(db.session.execute(
            select(Commitment.agency_id, func.max(Commitment.sequence))
            .where(Commitment.meeting_id == meeting.id, Commitment.agency_id.in_(agency_ids))
            .group_by(Commitment.agency_id)).all())
        user_id = getattr(by_user, "id", None)
        rows, statuses = [], []
        session, prefixes = db.session(), {}
        for data, status in cleaned:
            agency_id = data.agency_id
            if agency_id not in prefixes:
                prefixes[agency_id] = _reference_prefix(meeting, session.get(Agency, agency_id))
            last[agency_id] = sequence = (last.get(agency_id) or 0) + 1
            rows.append({
                "meeting_id": meeting.id, "sequence": sequence, "reference": f"{prefixes[agency_id]}{sequence:02d}",
                "status": str(status), "created_by_id": user_id, "created_at": now, "updated_at": now,
                "version": 1, "is_demo": False,
                "submitted_at": now if status in (S.SUBMITTED, S.RETURNED, S.AGREED) else None,
                "agreed_at": now if status == S.AGREED else None,
                "agreed_by_id": user_id if status == S.AGREED else None,
                **{f.name: getattr(data, f.name) for f in fields(CommitmentData)}})
            statuses.append(status)
        scopes = (meeting_part_scope(meeting.id, COMMITMENTS),)
        ids = bulk_rows.insert_rows(db.session, Commitment.__table__, rows, scopes=scopes)
        batch.touch(db.session, Commitment.__tablename__, ids)  # the tallies count them at the end
        events = []
        for commitment_id, status in zip(ids, statuses, strict=True):
            base = {"commitment_id": commitment_id, "user_id": user_id, "at": now, "note": None, "changes": None}
            if status == S.SUBMITTED:  # as "save and submit": both steps in the history
                events.append({**base, "kind": "created", "from_status": None, "to_status": str(S.DRAFT)})
                events.append({**base, "kind": "submitted", "from_status": str(S.DRAFT),
                               "to_status": str(S.SUBMITTED)})
            else:
                events.append({**base, "kind": "created", "from_status": None, "to_status": str(status)})
        bulk_rows.insert_rows(db.session, CommitmentEvent.__table__, events, scopes=scopes)
    return ids


def update_commitment(commitment: Commitment, data: CommitmentData, by_user, *, expected_version=None,
                      reason=None, confirm_direction=False, now=None) -> Commitment:
    """Change the content. A delegate edits its own drafts and returned commitments; the
    committee edits any that is not agreed, and amends an agreed one with a reason."""
    commitment = _lock(commitment, expected_version)
    meeting = db.session.get(Meeting, commitment.meeting_id)
    status = S(commitment.status)
    amendment = status == S.AGREED
    check_meeting_open(meeting, amendment=amendment)
    role = getattr(by_user, "role", None)
    if role == DELEGATE:
        _check_own_agency(by_user, commitment.agency_id)
        if status not in EDITABLE_BY_DELEGATE:
            raise DomainError(_l("This commitment is %(status)s; only the committee can change it now.",
                                 status=status.label))
        data.agency_id = commitment.agency_id
    elif role == COMMITTEE:
        if status == S.WITHDRAWN:
            raise DomainError(_l("A withdrawn commitment no longer changes."))
        if status not in EDITABLE_BY_COMMITTEE and not amendment:
            raise DomainError(_l("This commitment can no longer be changed."))
    else:
        raise DomainError(_l("You cannot change commitments."))
    reason = _clean(reason)
    if amendment and not reason:
        raise DomainError(_l("Give the reason for amending an agreed commitment; it is kept in its "
                             "history."), field="reason")
    _length(reason, 1000, "reason")
    before = CommitmentData.of(commitment)
    data = validate(meeting, data, confirm_direction=confirm_direction)
    if data.agency_id != commitment.agency_id:
        raise DomainError(_l("A commitment stays with its agency; withdraw it and add a new one for "
                             "the other agency."), field="agency_id")
    changes = _diff(before, data)
    if not changes:
        return commitment
    for name in CONTENT_FIELDS:
        setattr(commitment, name, getattr(data, name))
    _flush()
    _event(commitment, "amended" if amendment else "updated", by_user, note=reason, changes=changes,
           now=now)
    db.session.flush()
    return commitment


FLOW = Workflow(
    transitions=TRANSITIONS, note_required=frozenset(NOTE_REQUIRED), history=CommitmentEvent,
    owner_key="commitment_id", history_values=lambda _from, to: {"kind": S(to).value},
    messages=WorkflowMessages(
        stale=lambda c, f, t: _l("This commitment was changed meanwhile (it is now %(status)s); "
                                 "check it and try again.", status=S(f).label),
        illegal=lambda c, f, t: _l("A commitment cannot go from %(a)s to %(b)s.", a=S(f).label,
                                   b=S(t).label),
        note=_l("Write a comment; it is kept in the commitment's history.")))


def change_status(commitment: Commitment, to_status, by_user, *, note=None, expected_status=None,
                  now=None) -> Commitment:
    """Move a commitment along its lifecycle (lifecycle.TRANSITIONS) through the shared workflow:
    row lock, stale-page check (`expected_status`, what the user saw), note where required,
    one history event."""
    def guard(locked, from_status, to_status):
        meeting = db.session.get(Meeting, locked.meeting_id)
        check_meeting_open(meeting, amendment=(from_status, to_status) == (S.AGREED, S.WITHDRAWN))
        role = getattr(by_user, "role", None)
        if role == DELEGATE:
            _check_own_agency(by_user, locked.agency_id)
            if to_status in (S.AGREED, S.RETURNED) or from_status == S.AGREED:
                raise DomainError(_l("Only the committee decides on submitted commitments."))
        elif role != COMMITTEE:
            raise DomainError(_l("You cannot change commitments."))
        now_ = now or utcnow()
        if to_status == S.SUBMITTED:
            locked.submitted_at = now_
        if to_status == S.AGREED:
            locked.agreed_at, locked.agreed_by_id = now_, getattr(by_user, "id", None)
        if to_status == S.RETURNED:
            locked.review_note = _clean(note)

    try:
        FLOW.move(commitment, S(to_status), by_user, note=_clean(note),
                  expected_from=S(expected_status) if expected_status else None, now=now, guard=guard)
    except StaleDataError as e:
        raise DomainError(_l("Someone else changed this commitment while you were editing it. "
                             "Your text is still in the form: compare it with the current version "
                             "(open it in a new tab) and save again.")) from e
    commitment_notices.notify_decision(commitment, to_status, note, by_user)
    return commitment


def save_signatories(meeting, values):
    """{agency id: (name, position, nip, rank)}: the agreement record's signature lines."""
    existing = {s.agency_id: s for s in db.session.scalars(
        select(AgreementSignatory).where(AgreementSignatory.meeting_id == meeting.id))}
    for agency_id, (name, position, nip, *rank) in values.items():
        nip = _clean(nip)
        if nip is not None and not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
            raise DomainError(_l("A NIP has exactly 18 digits."), field=f"a{agency_id}-nip")
        row = existing.get(agency_id) or AgreementSignatory(meeting_id=meeting.id, agency_id=agency_id)
        try:
            rank = normalize_rank(rank[0] if rank else None)
        except DomainError as e:
            raise DomainError(e.message, field=f"a{agency_id}-rank") from e
        row.name, row.position, row.nip, row.rank = _clean(name), _clean(position), nip, rank
        db.session.add(row)
    db.session.flush()
