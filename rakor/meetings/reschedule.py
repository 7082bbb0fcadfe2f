"""Moving a meeting to another date or time ("rapat diundur") with its agenda.

`plan_reschedule` works out, without writing anything, where the meeting, each timed agenda item
and the registration window would go: every item keeps its offset from the meeting's start, so a
09.00 opening of a meeting moved from Thursday to next Monday is a 09.00 opening on Monday. The
committee sees that plan before saving; `reschedule` then applies the same plan under the
meeting's row lock and records the move (`MeetingDateChange`), which raises the calendar file's
SEQUENCE so calendars replace the old entry instead of adding a second one.

A held meeting is reopened first (its date is locked, as for an edit); a cancelled one or one
whose minutes are final cannot move at all (`lifecycle.check_open`).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from rakor.core.dates import check_supported
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.lifecycle import DATE_LOCKED, check_open
from rakor.meetings.models import AgendaItem, Meeting, MeetingDateChange
from rakor.meetings.services import MAX_DURATION, SlotWindow, lock_meeting, record_date_change, to_utc


@dataclass(frozen=True)
class ItemMove:
    item_id: int
    title: str
    from_starts_at: datetime
    from_ends_at: datetime
    to_starts_at: datetime
    to_ends_at: datetime


@dataclass(frozen=True)
class ReschedulePlan:
    """Where everything goes; times are aware UTC."""

    meeting_id: int
    timezone: str
    from_starts_at: datetime
    from_ends_at: datetime
    to_starts_at: datetime
    to_ends_at: datetime
    items: tuple[ItemMove, ...]
    registration_opens_at: tuple[datetime | None, datetime | None]   # (before, after)
    registration_closes_at: tuple[datetime | None, datetime | None]

    @property
    def shift(self) -> timedelta:
        return self.to_starts_at - self.from_starts_at

    @property
    def registration_moves(self) -> bool:
        return (self.registration_opens_at[0] != self.registration_opens_at[1]
                or self.registration_closes_at[0] != self.registration_closes_at[1])


def _timed_items(meeting_id):
    return db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.starts_at.is_not(None))
        .order_by(AgendaItem.starts_at, AgendaItem.id)).all()


def _moved(value, shift):
    return value + shift if value is not None else None


def plan_reschedule(meeting: Meeting, starts_at, ends_at, *, shift_registration=True,
                    now=None) -> ReschedulePlan:
    """The plan for moving `meeting` to [starts_at, ends_at) (naive local times in the meeting's
    zone, or aware), or DomainError (with the form field) when it cannot move there."""
    check_open(meeting)
    if meeting.status in DATE_LOCKED:
        raise DomainError(_l("This meeting has been held; reopen it before moving it to another "
                             "date or time."), field="starts_at")
    if starts_at is None:
        raise DomainError(_l("Enter when the meeting starts."), field="starts_at")
    if ends_at is None:
        raise DomainError(_l("Enter when the meeting ends."), field="ends_at")
    check_supported(starts_at, field="starts_at")
    check_supported(ends_at, field="ends_at")
    tz = meeting.timezone
    starts, ends = to_utc(starts_at, tz), to_utc(ends_at, tz)
    if ends <= starts:
        raise DomainError(_l("The meeting must end after it starts."), field="ends_at")
    if ends - starts > MAX_DURATION:
        raise DomainError(_l("A meeting can last at most 31 days."), field="ends_at")
    if (starts, ends) == (meeting.starts_at, meeting.ends_at):
        raise DomainError(_l("This is the meeting's current date and time; enter the new one."),
                          field="starts_at")
    if starts < (now or utcnow()):
        raise DomainError(_l("The new start has already passed; a meeting moves to a time to come."),
                          field="starts_at")

    shift = starts - meeting.starts_at
    window = SlotWindow(starts, ends, tz, bool(meeting.open_end))
    moves = []
    for item in _timed_items(meeting.id):
        to_start, to_end = item.starts_at + shift, item.ends_at + shift
        if not window.fits(to_start, to_end):
            raise DomainError(_l("The agenda item \u201c%(title)s\u201d would fall outside the new "
                                 "meeting time; make the meeting long enough, or change the item's "
                                 "time slot first.", title=item.title), field="ends_at")
        moves.append(ItemMove(item.id, item.title, item.starts_at, item.ends_at, to_start, to_end))

    opens, closes = meeting.registration_opens_at, meeting.registration_closes_at
    new_opens, new_closes = ((_moved(opens, shift), _moved(closes, shift)) if shift_registration
                             else (opens, closes))
    if new_closes is not None and new_closes > ends:
        raise DomainError(_l("Registration would close after the meeting ends; move the "
                             "registration window with the meeting."), field="shift_registration")
    if new_opens is not None and new_opens >= ends:
        raise DomainError(_l("Registration would open after the meeting ends; move the "
                             "registration window with the meeting."), field="shift_registration")

    first_follow_up = db.session.scalar(
        select(func.min(Meeting.starts_at)).where(Meeting.follow_up_of_id == meeting.id))
    if first_follow_up is not None and first_follow_up <= starts:
        raise DomainError(_l("A follow-up meeting of this one starts earlier; a meeting must start "
                             "before its follow-ups."), field="starts_at")
    if meeting.follow_up_of_id is not None:
        earlier_start = db.session.scalar(
            select(Meeting.starts_at).where(Meeting.id == meeting.follow_up_of_id))
        if earlier_start is not None and earlier_start >= starts:
            raise DomainError(_l("This meeting follows up a meeting that starts later; it must "
                                 "start after the meeting it follows up."), field="starts_at")

    return ReschedulePlan(meeting.id, tz, meeting.starts_at, meeting.ends_at, starts, ends,
                          tuple(moves), (opens, new_opens), (closes, new_closes))


def reschedule(meeting: Meeting, starts_at, ends_at, *, user=None, reason=None,
               shift_registration=True, expected_starts_at=None, now=None) -> MeetingDateChange:
    """Move the meeting and its timed agenda as `plan_reschedule` shows. `expected_starts_at`
    (the start the user's plan was made from) refuses a plan that someone else's move made stale."""
    meeting = lock_meeting(meeting)
    if expected_starts_at is not None and meeting.starts_at != expected_starts_at:
        raise DomainError(_l("The meeting was moved meanwhile; check its new date and try again."))
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > 1000:
        raise DomainError(_l("At most %(n)d characters.", n=1000), field="reason")
    plan = plan_reschedule(meeting, starts_at, ends_at, shift_registration=shift_registration, now=now)
    items = {it.id: it for it in _timed_items(meeting.id)}
    # The agenda's own overlap rule holds after the move: every item moves by the same amount.
    for move in plan.items:
        item = items[move.item_id]
        item.starts_at, item.ends_at = move.to_starts_at, move.to_ends_at
    meeting.starts_at, meeting.ends_at = plan.to_starts_at, plan.to_ends_at
    meeting.schedule_changes = (meeting.schedule_changes or 0) + 1  # calendars replace the entry
    meeting.registration_opens_at = plan.registration_opens_at[1]
    meeting.registration_closes_at = plan.registration_closes_at[1]
    db.session.flush()
    return record_date_change(meeting, plan.from_starts_at, plan.from_ends_at, user=user, reason=reason,
                              items_moved=len(plan.items), now=now)
