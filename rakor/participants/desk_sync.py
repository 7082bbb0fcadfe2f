"""Marks made by a check-in desk while it was offline, synced in batches (issue 23).

A desk queues every mark with an id it made (crypto.randomUUID), the device's clock and the
desk user. `sync_marks` applies a batch so that:
- the same mark sent again is answered as the first time and stored once (unique `mark_id`);
- a participant's presence is the fold of all its marks in desk-time order (`_fold`), so
  batches may arrive in any order and two desks' check-ins of one person keep the earliest (a
  mark answered 'accepted' reads 'merged' in the history once an earlier one has arrived);
  an undo and a check-in of the same person resolve by desk time; every mark stays in the
  history (`CheckinMark`);
- a desk time outside the meeting's days (in its zone), or later than the mark's arrival, is
  clamped to that bound and the mark flagged 'clamped_time': the check-in surely happened, at
  a time the device's clock cannot tell;
- a walk-in is registered at sync, over the quota too (flagged 'over_quota'); one whose name
  (without titles) and agency match a registered participant is not registered twice: it
  checks that participant in and is flagged 'probable_duplicate', with what was typed kept;
- a mark by a user who is no longer an active committee member, or for a participant of
  another meeting, is refused. Every mark gets an answer.

The caller commits. Queries: a fixed number per batch plus one per walk-in.
"""
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from rakor.auth.models import User
from rakor.core.errors import DomainError
from rakor.core.formatting import format_time, local_date, to_zone
from rakor.core.names import name_key
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import Meeting
from rakor.participants.models import MARK_KINDS, CheckinMark, Participant, SeatQuota
from rakor.participants.services import (
    WALK_IN_OVERRIDE,
    clean_participant,
    participants_scope,
    register_participant,
)
from rakor.policy import COMMITTEE
from rakor.regions.models import Agency

MAX_BATCH = 2000
# A device clock a little ahead of the server's is normal; beyond this it is wrong.
CLOCK_SKEW = timedelta(minutes=2)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CHUNK = 500  # ids per IN (...) list

# Reasons that make a kept mark 'flagged' for the committee; the others explain a merge or refusal.
FLAG_REASONS = ("over_quota", "probable_duplicate", "clamped_time", "details_dropped")
REASON_TEXT = {
    # flagged
    "over_quota": _l("registered beyond the agency's quota"),
    "probable_duplicate": _l("probably the same person as a registered participant of the same name and agency; "
                             "not registered twice"),
    "clamped_time": _l("the device's time was outside the meeting's day; the nearest time of the day was used"),
    "details_dropped": _l("the position or phone typed was not valid and was left out (kept in the history)"),
    # merged
    "earlier_check_in_kept": _l("already present: the earliest check-in is kept"),
    "not_present": _l("was not present at that time: nothing to undo"),
    # refused
    "not_committee": _l("made by a user who is no longer on the committee"),
    "other_meeting": _l("this participant belongs to another meeting"),
    "unknown_participant": _l("no such participant"),
    "cancelled": _l("this registration is cancelled"),
    "invalid": _l("the mark is incomplete or malformed"),
    "closed": _l("check-in is closed for this meeting"),
}
OUTCOME_TEXT = {
    "accepted": _l("accepted"), "merged": _l("merged"), "flagged": _l("flagged for the committee"),
    "refused": _l("refused"),
}


class SyncError(DomainError):
    pass


@dataclass
class _Mark:
    """One mark of the batch, as read from the desk and as the server decided."""

    mark_id: str
    kind: str = ""
    device_at: datetime | None = None
    at: datetime | None = None
    desk_user_id: int | None = None
    participant_id: int | None = None
    code: str | None = None
    walk_in: dict | None = None
    reasons: list = field(default_factory=list)
    refused: bool = False
    row: CheckinMark | None = None

    def refuse(self, reason):
        self.refused = True
        self.reasons.append(reason)


@dataclass
class SyncResult:
    answers: list  # one dict per mark, in the batch's order
    participants: set  # ids of the participants the answers name


def meeting_days(meeting: Meeting) -> tuple[datetime, datetime]:
    """[start, end) in UTC: 00:00 of the meeting's first day to 24:00 of its last, in its zone."""
    zone = to_zone(meeting.starts_at, meeting.timezone).tzinfo
    first = local_date(meeting.starts_at, meeting.timezone)
    last = max(first, local_date(meeting.ends_at, meeting.timezone))
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _parse_time(value):
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def _read(raw) -> _Mark:
    """A mark as the desk sent it; what is malformed is refused, never guessed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not _UUID.match(raw["id"]):
        mark = _Mark(mark_id=str(raw.get("id"))[:36] if isinstance(raw, dict) else "")
        mark.refuse("invalid")
        return mark
    mark = _Mark(mark_id=raw["id"].lower(), kind=raw.get("kind") if raw.get("kind") in MARK_KINDS else "",
                 device_at=_parse_time(raw.get("at")), desk_user_id=_int(raw.get("user")),
                 participant_id=_int(raw.get("participant")))
    code = raw.get("code")
    if isinstance(code, str) and 0 < len(code) <= 64:
        mark.code = code
    if mark.kind == "walk_in":
        walk_in = raw.get("walk_in")
        if isinstance(walk_in, dict):
            mark.walk_in = {k: str(walk_in.get(k) or "")[:300] for k in ("name", "position", "phone")}
            mark.walk_in["agency_id"] = _int(walk_in.get("agency_id"))
    if (not mark.kind or mark.device_at is None or mark.desk_user_id is None
            or (mark.kind == "walk_in" and mark.walk_in is None)
            or (mark.kind != "walk_in" and mark.participant_id is None and mark.code is None)):
        mark.refuse("invalid")
    return mark


def _chunks(values):
    values = list(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _clamp(mark: _Mark, start, end, now):
    """The time to record: the device's, unless outside the meeting's days or in the future."""
    latest = min(end - timedelta(seconds=1), now)
    at = mark.device_at
    if at > now + CLOCK_SKEW or at < start or at >= end:
        mark.reasons.append("clamped_time")
        at = min(max(at, start), latest)
    elif at > now:
        at = now  # within the skew: the server's clock is the bound
    mark.at = at


def _check_users(marks, meeting_id):
    ids = {m.desk_user_id for m in marks if not m.refused}
    committee = set()
    for chunk in _chunks(ids):
        committee |= set(db.session.scalars(
            select(User.id).where(User.id.in_(chunk), User.role == COMMITTEE, User.active.is_(True))))
    for m in marks:
        if not m.refused and m.desk_user_id not in committee:
            m.refuse("not_committee")


def _resolve_participants(marks, meeting_id) -> dict:
    """Participants of this meeting the marks name (by id or badge code), locked in id order."""
    ids = {m.participant_id for m in marks if not m.refused and m.participant_id is not None}
    codes = {m.code for m in marks if not m.refused and m.participant_id is None and m.code}
    found = {}
    for chunk in _chunks(ids):
        for p in db.session.scalars(select(Participant).where(
                Participant.meeting_id == meeting_id, Participant.id.in_(chunk))
                .order_by(Participant.id).with_for_update()):
            found[p.id] = p
    by_code = {}
    for chunk in _chunks(codes):
        for p in db.session.scalars(select(Participant).where(
                Participant.meeting_id == meeting_id, Participant.checkin_code.in_(chunk))
                .order_by(Participant.id).with_for_update()):
            found[p.id] = p
            by_code[p.checkin_code] = p.id
    elsewhere_ids, elsewhere_codes = set(), set()
    missing_ids = {m.participant_id for m in marks if m.participant_id is not None and m.participant_id not in found}
    for chunk in _chunks(missing_ids):
        elsewhere_ids |= set(db.session.scalars(select(Participant.id).where(Participant.id.in_(chunk))))
    missing_codes = codes - set(by_code)
    for chunk in _chunks(missing_codes):
        elsewhere_codes |= set(db.session.scalars(
            select(Participant.checkin_code).where(Participant.checkin_code.in_(chunk))))
    for m in marks:
        if m.refused or m.kind == "walk_in":
            continue
        if m.participant_id is None:
            m.participant_id = by_code.get(m.code)
            if m.participant_id is None:
                m.refuse("other_meeting" if m.code in elsewhere_codes else "unknown_participant")
                continue
        if m.participant_id not in found:
            m.refuse("other_meeting" if m.participant_id in elsewhere_ids else "unknown_participant")
            m.participant_id = None
        elif found[m.participant_id].status != "registered":
            m.refuse("cancelled")
    return found


def _registered_names(meeting_id, agency_ids) -> dict:
    """(agency id, name without titles) -> participant id of the registered participants of these
    agencies, after locking their quota rows (in agency order): walk-ins of one agency synced by
    two desks at once queue here, so one duplicate check sees the other's registration."""
    if not agency_ids:
        return {}
    db.session.execute(select(SeatQuota.id).where(SeatQuota.meeting_id == meeting_id,
                                                  SeatQuota.agency_id.in_(sorted(agency_ids)))
                       .order_by(SeatQuota.agency_id).with_for_update())
    rows = db.session.execute(select(Participant.agency_id, Participant.sort_name, Participant.id).where(
        Participant.meeting_id == meeting_id, Participant.agency_id.in_(agency_ids),
        Participant.status == "registered").order_by(Participant.id))
    names = {}
    for agency_id, sort_name, pid in rows:
        names.setdefault((agency_id, sort_name), pid)
    return names


def _register_walk_in(meeting, mark: _Mark, desk_user, names) -> Participant | None:
    """The walk-in's participant: a registered one of the same name and agency (then flagged as a
    probable duplicate), else a new registration (flagged when beyond the quota)."""
    typed = mark.walk_in
    agency_id = typed.get("agency_id")
    result = clean_participant(typed, agency_id)
    if result.errors and set(result.errors) <= {"position", "phone"}:
        result = clean_participant({k: v for k, v in typed.items() if k not in result.errors}, agency_id)
        mark.reasons.append("details_dropped")
    if result.errors or db.session.get(Agency, agency_id) is None:
        mark.refuse("invalid")
        return None
    data = result.data
    same = names.get((agency_id, name_key(data.name)))
    if same is not None:
        mark.reasons.append("probable_duplicate")
        return db.session.get(Participant, same)
    try:
        participant, _warnings = register_participant(meeting, data, by_user=desk_user, via="walk_in",
                                                      override_reason=WALK_IN_OVERRIDE)
    except DomainError:
        mark.refuse("closed")
        return None
    if participant.quota_override_reason:
        mark.reasons.append("over_quota")
    names[(agency_id, participant.sort_name)] = participant.id
    return participant


def _baseline(participants, history) -> list:
    """A participant already present before the history began gets that check-in as its first
    mark (source 'server'), so the fold starts from what the desk showed."""
    rows = []
    for p in participants.values():
        if p.checked_in_at is not None and not history.get(p.id):
            row = CheckinMark(mark_id=str(uuid.uuid4()), meeting_id=p.meeting_id, participant_id=p.id,
                              kind="check_in", source="server", at=p.checked_in_at, received_at=p.checked_in_at,
                              desk_user_id=p.checked_in_by_id, outcome="accepted")
            rows.append(row)
            history.setdefault(p.id, []).append(row)
    return rows


_STORED_COLUMNS = ("mark_id", "meeting_id", "participant_id", "kind", "source", "device_at", "at", "received_at",
                   "gap_seconds", "desk_user_id", "synced_by_id", "outcome", "reasons", "payload")


def _store(new_rows, changes, participants):
    """New marks and changed participants in two executemany statements: a 1,000-mark batch
    through the unit of work spent most of its time flushing one object at a time."""
    # The page cache's scopes of these rows (the bulk statements would otherwise move everything).
    meeting_ids = {r.meeting_id for r in new_rows} | {participants[c["id"]].meeting_id for c in changes}
    options = {"page_cache_scopes": tuple(participants_scope(i) for i in sorted(meeting_ids))}
    if new_rows:
        db.session.execute(insert(CheckinMark), [{c: getattr(r, c) for c in _STORED_COLUMNS} for r in new_rows],
                           execution_options=options)
    if changes:
        db.session.execute(update(Participant), changes, execution_options=options)
        for change in changes:  # the loaded rows are stale now
            db.session.expire(participants[change["id"]])


def _fold(marks):
    """(present check-in mark or None, last effective undo or None, {id(mark): why it changed
    nothing}) of one participant's marks in desk-time order; ties keep the order they were
    stored in."""
    present, last_undo, merged = None, None, {}
    for mark in marks:
        if mark.kind in ("check_in", "walk_in"):
            if present is None:
                present = mark
            else:
                merged[id(mark)] = "earlier_check_in_kept"
        elif present is not None:  # an undo of a present participant
            present, last_undo = None, mark
        else:
            merged[id(mark)] = "not_present"
    return present, last_undo, merged


def _apply_fold(participants, history, new_rows) -> list[dict]:
    """Each touched participant's presence from its marks (returned as changes to store);
    the new marks' outcomes."""
    changes = []
    for pid, rows in history.items():
        ordered = sorted(rows, key=lambda r: (r.at, r.id if r.id is not None else float("inf")))
        present, last_undo, merged = _fold(ordered)
        p = participants[pid]
        state = {"checked_in_at": present.at if present else None,
                 "checked_in_by_id": present.desk_user_id if present else None}
        if last_undo is not None:
            state.update(checkin_undone_at=last_undo.at, checkin_undone_by_id=last_undo.desk_user_id)
        if any(getattr(p, k) != v for k, v in state.items()):
            changes.append({"id": pid, **state})
        for row in ordered:
            if id(row) in new_rows:
                if id(row) in merged:
                    new_rows[id(row)].reasons.append(merged[id(row)])
            elif row.outcome in ("accepted", "merged"):
                # An earlier answer the fold now reads differently (a desk that synced later had
                # the earlier check-in): the history says what counts now.
                row.outcome = "merged" if id(row) in merged else "accepted"
                row.reasons = merged.get(id(row))
    for mark in new_rows.values():
        flags = [r for r in mark.reasons if r in FLAG_REASONS]
        mark.row.outcome = "flagged" if flags else ("merged" if mark.reasons else "accepted")
        mark.row.reasons = ",".join(mark.reasons) or None
    return changes


def sync_marks(meeting: Meeting, raw_marks, *, synced_by, now=None) -> SyncResult:
    """Apply a desk's batch; see the module's docstring. Raises SyncError for a batch that is not
    a list or is too long (nothing is applied then)."""
    if not isinstance(raw_marks, list):
        raise SyncError(_l("The desk sent no list of marks."))
    if len(raw_marks) > MAX_BATCH:
        raise SyncError(_l("At most %(n)d marks per batch.", n=MAX_BATCH))
    now = now or utcnow()
    marks, seen = [], {}
    for raw in raw_marks:
        mark = _read(raw)
        if mark.mark_id and mark.mark_id in seen:  # the same mark twice in one batch
            marks.append(seen[mark.mark_id])
            continue
        seen.setdefault(mark.mark_id, mark)
        marks.append(mark)
    unique = list({id(m): m for m in marks}.values())

    # Replays: answered from what was stored the first time.
    stored = {}
    for chunk in _chunks({m.mark_id for m in unique if not m.refused}):
        for row in db.session.scalars(select(CheckinMark).where(CheckinMark.mark_id.in_(chunk))):
            stored[row.mark_id] = row
    fresh = []
    for m in unique:
        row = stored.get(m.mark_id)
        if row is not None and not m.refused:
            m.row = row
            if row.meeting_id != meeting.id:  # a mark id reused for another meeting
                m.row = None
                m.refuse("invalid")
        else:
            fresh.append(m)

    try:
        check_open(meeting, "check_in")
    except DomainError:
        for m in fresh:
            if not m.refused:
                m.refuse("closed")
    _check_users(fresh, meeting.id)
    start, end = meeting_days(meeting)
    users, participants = {}, {}
    names = _registered_names(meeting.id, {m.walk_in["agency_id"] for m in fresh
                                           if not m.refused and m.kind == "walk_in" and m.walk_in.get("agency_id")})
    # Walk-ins first, in desk-time order, while few rows are loaded: each one flushes.
    for m in sorted((m for m in fresh if not m.refused), key=lambda m: m.device_at):
        _clamp(m, start, end, now)
        if m.kind == "walk_in":
            desk_user = users.get(m.desk_user_id) or db.session.get(User, m.desk_user_id)
            users[m.desk_user_id] = desk_user
            participant = _register_walk_in(meeting, m, desk_user, names)
            if participant is not None:
                participants[participant.id] = participant
                m.participant_id = participant.id
    participants.update(_resolve_participants(fresh, meeting.id))

    touched = {m.participant_id for m in fresh if not m.refused}
    history = {}
    for chunk in _chunks(touched):
        for row in db.session.scalars(select(CheckinMark).where(
                CheckinMark.participant_id.in_(chunk), CheckinMark.outcome != "refused")
                .order_by(CheckinMark.id)):
            history.setdefault(row.participant_id, []).append(row)
    baseline = _baseline({pid: participants[pid] for pid in touched}, history)

    new_rows = {}
    for m in fresh:
        payload = dict(m.walk_in) if m.walk_in else ({"code": m.code} if m.code else None)
        if m.refused and (not m.mark_id or not _UUID.match(m.mark_id)):
            continue  # nothing to store it under; answered all the same
        row = CheckinMark(
            mark_id=m.mark_id, meeting_id=meeting.id, participant_id=m.participant_id, kind=m.kind or "check_in",
            source="offline", device_at=m.device_at, at=m.at or m.device_at or now, received_at=now,
            gap_seconds=int((now - m.device_at).total_seconds()) if m.device_at else None,
            desk_user_id=m.desk_user_id if not m.refused or "not_committee" in m.reasons else None,
            synced_by_id=synced_by.id, payload=payload)
        m.row = row
        if m.refused:
            row.outcome, row.reasons = "refused", ",".join(m.reasons)
            if "not_committee" in m.reasons and not _user_exists(m.desk_user_id):
                row.desk_user_id = None
            continue
        new_rows[id(row)] = m
        history.setdefault(m.participant_id, []).append(row)
    changes = _apply_fold({pid: participants[pid] for pid in history}, history, new_rows)
    _store([*baseline, *(m.row for m in fresh if m.row is not None)], changes, participants)
    named = {m.row.participant_id for m in marks if m.row is not None and m.row.participant_id is not None}
    return SyncResult(answers=[_answer(m) for m in marks], participants=named)


def _user_exists(user_id):
    return user_id is not None and db.session.get(User, user_id) is not None


def _answer(m: _Mark) -> dict:
    row = m.row
    if row is None:
        return {"id": m.mark_id, "outcome": "refused", "reasons": list(m.reasons), "participant": None}
    return {"id": row.mark_id, "outcome": row.outcome, "reasons": row.reason_list,
            "participant": row.participant_id, "at": row.at.isoformat(), "gap_seconds": row.gap_seconds}


def describe(answer: dict, meeting: Meeting, participant=None) -> str:
    """One line for the desk: who, what became of the mark, why."""
    who = participant.name if participant is not None else ""
    outcome = str(OUTCOME_TEXT[answer["outcome"]])
    reasons = "; ".join(str(REASON_TEXT[r]) for r in answer["reasons"] if r in REASON_TEXT)
    text = f"{who}: {outcome}" if who else outcome
    if answer.get("at") and answer["outcome"] != "refused":
        text += f" ({format_time(datetime.fromisoformat(answer['at']), meeting.timezone)})"
    return f"{text} — {reasons}" if reasons else text
