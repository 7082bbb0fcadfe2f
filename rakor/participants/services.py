"""Registering, editing, cancelling and checking in participants.

Every path that adds a participant (committee form, invitation link, bulk import, demo) goes
through `register_participant`, which holds the agency's quota row lock while it counts seats
(see quotas.lock_quota), so the quota holds under concurrency on PostgreSQL.
"""
import secrets
import uuid
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rakor.auth.services import normalise_email
from rakor.core.errors import DomainError, RowRefusedError
from rakor.core.names import name_key
from rakor.core.page_cache import PARTICIPANTS, meeting_part_scope
from rakor.core.ranks import normalize_rank
from rakor.core.rows import insert_rows
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import Meeting
from rakor.participants import normalize
from rakor.participants.invitations import check_registration_open
from rakor.participants.models import CheckinMark, Participant, SeatQuota
from rakor.participants.quotas import SEAT_ROLES, lock_quota, seats_taken
from rakor.regions.models import Agency


class QuotaFullError(DomainError):
    pass


def participants_scope(meeting_id):
    """What a bulk statement on participant rows moves (core/page_cache.py: a meeting's part)."""
    return meeting_part_scope(meeting_id, PARTICIPANTS)


@dataclass
class ParticipantData:
    """Cleaned participant fields, ready to store."""

    name: str
    agency_id: int
    nip: str | None = None
    position: str | None = None
    rank: str | None = None  # pangkat/golongan
    phone: str | None = None
    email: str | None = None
    gender: str | None = None
    meeting_role: str = "peserta"


@dataclass
class CleanResult:
    data: ParticipantData | None
    errors: dict = field(default_factory=dict)  # field -> message


# Field -> its cleaning, in the order errors are collected (made once: an import cleans 5,000 rows).
_CLEAN_STEPS = (
    ("name", normalize.normalize_name), ("nip", normalize.normalize_nip),
    ("phone", normalize.normalize_phone), ("email", partial(normalise_email, validate=True)),
    ("gender", normalize.normalize_gender), ("meeting_role", normalize.normalize_role),
    ("rank", normalize_rank),
)


def clean_participant(raw: dict, agency_id: int | None) -> CleanResult:
    """Validate and normalise every field, collecting every error (forms and import reports
    show them all at once)."""
    errors, values = {}, {}
    for name, fn in _CLEAN_STEPS:
        try:
            values[name] = fn(raw.get(name))
        except DomainError as e:
            errors[e.field or name] = e.message
    position = (raw.get("position") or "").strip() or None
    if position and len(position) > 200:
        errors["position"] = _l("The position is longer than 200 characters.")
    if not agency_id:
        errors["agency_id"] = _l("Choose the participant's agency.")
    if errors:
        return CleanResult(None, errors)
    return CleanResult(ParticipantData(agency_id=agency_id, position=position, **values))


def _check_registrable(meeting: Meeting, self_service=False):
    """`self_service`: the agency acting for itself (invitation link or delegate account) may
    only change its delegation inside the registration window; the committee always may."""
    if self_service:
        check_registration_open(meeting)
    check_open(meeting, "registration")


def _check_duplicates(meeting_id: int, data: ParticipantData, exclude_id=None):
    def taken(column, value):
        stmt = select(Participant.id).where(
            Participant.meeting_id == meeting_id, Participant.status == "registered", column == value)
        if exclude_id is not None:
            stmt = stmt.where(Participant.id != exclude_id)
        return db.session.scalar(stmt.limit(1)) is not None

    if data.nip and taken(Participant.nip, data.nip):
        raise DomainError(_l("A participant with this NIP is already registered for this meeting."), field="nip")
    if data.email and taken(Participant.email, data.email):
        raise DomainError(_l("A participant with this email is already registered for this meeting."), field="email")


def same_name_in_agency(meeting_id: int, agency_id: int, name: str, exclude_id=None) -> bool:
    """Two 'Ahmad Fauzi' in one delegation happen, but usually it is a double entry: warn."""
    stmt = select(Participant.id).where(
        Participant.meeting_id == meeting_id, Participant.agency_id == agency_id,
        Participant.status == "registered", func.lower(Participant.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Participant.id != exclude_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _claim_seat(meeting: Meeting, agency_id: int, role: str, *, require_quota: bool,
                override_reason: str | None):
    """Hold the quota lock and check a seat is free. Returns the override reason to record."""
    if role not in SEAT_ROLES:
        return None
    quota = lock_quota(meeting.id, agency_id)
    if quota is None:
        if require_quota:
            raise QuotaFullError(_l("This agency has no seats for this meeting."), field="agency_id")
        return None
    if seats_taken(meeting.id, agency_id) < quota.seats:
        return None
    if override_reason and override_reason.strip():
        return override_reason.strip()
    raise QuotaFullError(
        _l("The quota is full: all %(n)d seats of this agency are taken.", n=quota.seats),
        field="agency_id")


def _flush_or_duplicate(obj):
    """Flush inside a SAVEPOINT so that a unique-index violation (a concurrent duplicate that
    passed the check) becomes a clear message and the outer transaction survives."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        raise DomainError(_l("A participant with this NIP or email is already registered for this meeting."),
                          field="nip") from None


def register_participant(meeting: Meeting, data: ParticipantData, *, by_user=None, via="committee",
                         invitation=None, override_reason=None, require_quota=False,
                         self_service=False, is_demo=False) -> tuple[Participant, list]:
    """Add a participant. Returns (participant, warnings). Raises DomainError / QuotaFullError.

    `require_quota`: agencies without a quota have no seats; the committee may register people
    of agencies without a quota (speakers, guests). `self_service` (the agency registering its
    own delegates) implies it, and the registration window."""
    _check_registrable(meeting, self_service)
    require_quota = require_quota or self_service
    if db.session.get(Agency, data.agency_id) is None:
        raise DomainError(_l("Choose the participant's agency."), field="agency_id")
    recorded_override = _claim_seat(meeting, data.agency_id, data.meeting_role,
                                    require_quota=require_quota, override_reason=override_reason)
    _check_duplicates(meeting.id, data)
    warnings = []
    if same_name_in_agency(meeting.id, data.agency_id, data.name):
        warnings.append(_l("%(name)s is already registered for this agency; check this is not a double entry.",
                           name=data.name))
    participant = Participant(
        meeting_id=meeting.id, registered_via=via, registered_by_id=getattr(by_user, "id", None),
        invitation_id=getattr(invitation, "id", None), quota_override_reason=recorded_override,
        checkin_code=secrets.token_urlsafe(32), is_demo=is_demo, registered_at=utcnow(),
        **data.__dict__,
    )
    _flush_or_duplicate(participant)
    return participant, warnings


@dataclass
class NewParticipant:
    """One item of a bulk registration: the cleaned data and, for a delegate beyond the
    agency's quota, the committee's reason to register them anyway."""

    data: ParticipantData
    override_reason: str | None = None


def register_participants(meeting: Meeting, items: list[NewParticipant], *, by_user=None,
                          via="import") -> list[SimpleNamespace]:
    """`register_participant` for many at once, as the committee (no registration window, no
    required quota), with the same checks in a fixed number of statements whatever the number
    of items: the quota rows of every agency concerned locked in one statement (in agency
    order, so two imports cannot deadlock), seats, NIPs and emails counted once, then every row
    inserted by one executemany (`core.rows.insert_rows`). Returns a plain record (the columns
    and the id) of every participant written, not ORM objects. Raises RowRefusedError naming
    the first item refused; nothing is written then. Same-name warnings are the preview's
    business here."""
    _check_registrable(meeting)
    if not items:
        return []
    agency_ids = sorted({item.data.agency_id for item in items})
    known = set(db.session.scalars(select(Agency.id).where(Agency.id.in_(agency_ids))))
    seat_agencies = sorted({item.data.agency_id for item in items if item.data.meeting_role in SEAT_ROLES})
    quotas, taken = {}, {}
    if seat_agencies:
        quotas = {q.agency_id: q.seats for q in db.session.scalars(
            select(SeatQuota).where(SeatQuota.meeting_id == meeting.id, SeatQuota.agency_id.in_(seat_agencies))
            .order_by(SeatQuota.agency_id).with_for_update())}
        taken = dict(db.session.execute(
            select(Participant.agency_id, func.count(Participant.id))
            .where(Participant.meeting_id == meeting.id, Participant.agency_id.in_(seat_agencies),
                   Participant.status == "registered", Participant.meeting_role.in_(SEAT_ROLES))
            .group_by(Participant.agency_id)).all())
    existing = db.session.execute(select(Participant.nip, Participant.email).where(
        Participant.meeting_id == meeting.id, Participant.status == "registered")).all()
    nips = {r.nip for r in existing if r.nip}
    emails = {r.email for r in existing if r.email}
    now, by_id = utcnow(), getattr(by_user, "id", None)
    rows = []
    for index, item in enumerate(items):
        data = item.data
        try:
            if data.agency_id not in known:
                raise DomainError(_l("Choose the participant's agency."), field="agency_id")
            recorded = None
            if data.meeting_role in SEAT_ROLES and data.agency_id in quotas:
                seats, n = quotas[data.agency_id], taken.get(data.agency_id, 0)
                if n >= seats:
                    recorded = (item.override_reason or "").strip() or None
                    if recorded is None:
                        raise QuotaFullError(_l("The quota is full: all %(n)d seats of this agency are taken.",
                                                n=seats), field="agency_id")
                taken[data.agency_id] = n + 1
            if data.nip and data.nip in nips:
                raise DomainError(_l("A participant with this NIP is already registered for this meeting."),
                                  field="nip")
            if data.email and data.email in emails:
                raise DomainError(_l("A participant with this email is already registered for this meeting."),
                                  field="email")
        except DomainError as e:
            raise RowRefusedError(index, e) from None
        nips.add(data.nip)
        emails.add(data.email)
        rows.append({**data.__dict__, "sort_name": name_key(data.name), "meeting_id": meeting.id,
                     "registered_via": via, "registered_by_id": by_id, "quota_override_reason": recorded,
                     "checkin_code": secrets.token_urlsafe(32), "registered_at": now, "status": "registered",
                     "is_demo": False, "invitation_id": None})
    # The table, not the mapped class: the ORM's bulk insert would collect every row through the
    # unit of work's insert path first. insert_rows reserves the ids in one statement, then
    # psycopg sends the rows as one pipelined executemany without RETURNING, about three times
    # faster than insertmanyvalues' multi-row VALUES with RETURNING (bench/bench_import.py).
    try:
        with db.session.begin_nested():
            ids = insert_rows(db.session, Participant.__table__, rows, scopes=(participants_scope(meeting.id),))
    except IntegrityError:
        # A registration that committed after our reading took a NIP or email of the list.
        now_taken = db.session.execute(select(Participant.nip, Participant.email).where(
            Participant.meeting_id == meeting.id, Participant.status == "registered")).all()
        nips, emails = {r.nip for r in now_taken if r.nip}, {r.email for r in now_taken if r.email}
        index = next((i for i, item in enumerate(items)
                      if item.data.nip in nips or item.data.email in emails), 0)
        raise RowRefusedError(index, DomainError(_l("A participant with this NIP or email is already registered "
                                               "for this meeting."), field="nip")) from None
    # Plain records of the rows written, in the order of `items` (reading 5,000 participants
    # back as ORM objects took longer than writing them; an import only counts them).
    return [SimpleNamespace(id=ident, **row) for ident, row in zip(ids, rows, strict=True)]


def update_participant(participant: Participant, data: ParticipantData, *, by_user=None,
                       override_reason=None, require_quota=False, self_service=False) -> list:
    meeting = db.session.get(Meeting, participant.meeting_id)
    _check_registrable(meeting, self_service)
    require_quota = require_quota or self_service
    if participant.status != "registered":
        raise DomainError(_l("This registration is cancelled."))
    moves_into_seat = data.meeting_role in SEAT_ROLES and (
        data.agency_id != participant.agency_id or participant.meeting_role not in SEAT_ROLES)
    if moves_into_seat:
        recorded = _claim_seat(meeting, data.agency_id, data.meeting_role,
                               require_quota=require_quota, override_reason=override_reason)
        if recorded:
            participant.quota_override_reason = recorded
    _check_duplicates(meeting.id, data, exclude_id=participant.id)
    warnings = []
    if data.name.lower() != participant.name.lower() and same_name_in_agency(
            meeting.id, data.agency_id, data.name, exclude_id=participant.id):
        warnings.append(_l("%(name)s is already registered for this agency; check this is not a double entry.",
                           name=data.name))
    for key, value in data.__dict__.items():
        setattr(participant, key, value)
    _flush_or_duplicate(participant)
    return warnings


def cancel_participant(participant: Participant, *, by_user=None, self_service=False):
    meeting = db.session.get(Meeting, participant.meeting_id)
    _check_registrable(meeting, self_service)
    if participant.status == "cancelled":
        return
    participant.status = "cancelled"
    participant.cancelled_at = utcnow()
    db.session.flush()


def check_in(participant: Participant, *, by_user) -> bool:
    """Mark present. Returns False when they were already checked in (harmless; the first
    check-in time stays)."""
    if participant.status != "registered":
        raise DomainError(_l("This registration is cancelled; it cannot be checked in."))
    check_open(db.session.get(Meeting, participant.meeting_id), "check_in")
    # Conditional UPDATE: two phones scanning the same badge at once record one check-in.
    result = db.session.execute(
        update(Participant)
        .where(Participant.id == participant.id, Participant.checked_in_at.is_(None))
        .values(checked_in_at=utcnow(), checked_in_by_id=by_user.id)
        .execution_options(synchronize_session=False, page_cache_scopes=(participants_scope(participant.meeting_id),))
    )
    db.session.refresh(participant)
    if result.rowcount == 1:
        _record_mark(participant, "check_in", participant.checked_in_at, by_user)
    return result.rowcount == 1


def _record_mark(participant: Participant, kind: str, at, by_user):
    """The desk's history (CheckinMark): a tap online is a mark like one synced from a queue."""
    db.session.add(CheckinMark(mark_id=str(uuid.uuid4()), meeting_id=participant.meeting_id,
                               participant_id=participant.id, kind=kind, source="online", device_at=at, at=at,
                               received_at=at, gap_seconds=0, desk_user_id=by_user.id,
                               synced_by_id=by_user.id, outcome="accepted"))
    db.session.flush()


def undo_check_in(participant: Participant, *, by_user) -> bool:
    """Take back a mistaken check-in, recording who did it and when. Returns False when there
    was nothing to undo (not checked in, or someone undid it a moment earlier)."""
    check_open(db.session.get(Meeting, participant.meeting_id), "check_in")
    # Conditional UPDATE, like check_in: two undo taps record one undo.
    result = db.session.execute(
        update(Participant)
        .where(Participant.id == participant.id, Participant.checked_in_at.is_not(None))
        .values(checked_in_at=None, checked_in_by_id=None,
                checkin_undone_at=utcnow(), checkin_undone_by_id=by_user.id)
        .execution_options(synchronize_session=False, page_cache_scopes=(participants_scope(participant.meeting_id),))
    )
    db.session.refresh(participant)
    if result.rowcount == 1:
        _record_mark(participant, "undo", participant.checkin_undone_at, by_user)
    return result.rowcount == 1


# Recorded when a walk-in takes a seat beyond the agency's quota: the desk cannot send a guest
# who came in person away, and the record says why the quota was exceeded.
WALK_IN_OVERRIDE = "walk-in (meja presensi)"


def register_walk_in(meeting: Meeting, data: ParticipantData, *, by_user) -> tuple[Participant, list]:
    """A guest who came without registering: registered by the committee and checked in at
    once. Returns (participant, warnings)."""
    participant, warnings = register_participant(meeting, data, by_user=by_user, via="walk_in",
                                                 override_reason=WALK_IN_OVERRIDE)
    check_in(participant, by_user=by_user)
    return participant, warnings
