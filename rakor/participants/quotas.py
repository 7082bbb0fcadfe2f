"""Seat quotas per meeting and agency."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import Meeting
from rakor.participants.models import Participant, SeatQuota
from rakor.regions.models import Agency
from rakor.regions.services import planning_agencies_of_province

# Only ordinary delegates take a seat; speakers, chairs, committee and minute-takers do not.
SEAT_ROLES = ("peserta",)
MAX_SEATS = 1000


def seats_taken(meeting_id: int, agency_id: int) -> int:
    return db.session.scalar(
        select(func.count(Participant.id)).where(
            Participant.meeting_id == meeting_id, Participant.agency_id == agency_id,
            Participant.status == "registered", Participant.meeting_role.in_(SEAT_ROLES),
        )
    )


def lock_quota(meeting_id: int, agency_id: int) -> SeatQuota | None:
    """The quota row, locked until the transaction ends (PostgreSQL: SELECT ... FOR UPDATE).
    Whoever counts seats must hold this lock, so concurrent registrations queue here."""
    return db.session.scalar(
        select(SeatQuota)
        .where(SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == agency_id)
        .with_for_update()
    )


def _validate_seats(seats) -> int:
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        raise DomainError(_l("The number of seats must be a whole number."), field="seats") from None
    if seats < 1:
        raise DomainError(_l("The number of seats must be at least 1."), field="seats")
    if seats > MAX_SEATS:
        raise DomainError(_l("The number of seats must be at most %(n)d.", n=MAX_SEATS), field="seats")
    return seats


def _lock_and_check_not_below_taken(meeting: Meeting, agency: Agency, seats: int) -> SeatQuota | None:
    quota = lock_quota(meeting.id, agency.id)
    taken = seats_taken(meeting.id, agency.id)
    if seats < taken:
        raise DomainError(
            _l("%(agency)s already has %(n)d registered delegates; cancel some before lowering "
               "the quota to %(seats)d.", agency=agency.short_name, n=taken, seats=seats),
            field="seats")
    return quota


def set_seats(meeting: Meeting, agency: Agency, seats) -> SeatQuota:
    check_open(meeting, "seats")
    seats = _validate_seats(seats)
    quota = _lock_and_check_not_below_taken(meeting, agency, seats)
    if quota is None:
        quota = SeatQuota(meeting_id=meeting.id, agency_id=agency.id, seats=seats)
        db.session.add(quota)
    else:
        quota.seats = seats
    db.session.flush()
    return quota


class SeatRowsError(DomainError):
    """Some rows of a whole-table quota change were refused; nothing was changed.
    `by_agency` maps each refused agency id to its message, for the row that shows it."""

    def __init__(self, by_agency):
        super().__init__(_l("Nothing was saved: correct the marked rows and save again."), field="seats")
        self.by_agency = by_agency


def _refuse_uninvited(meeting: Meeting, agencies, within):
    """DomainError naming the first of `agencies` outside `within` (SQL of the agency ids the
    organizer invites, None: every agency) that has no quota for the meeting yet."""
    if within is None or not agencies:
        return
    ids = [a.id for a in agencies]
    allowed = set(db.session.scalars(select(Agency.id).where(Agency.id.in_(ids), or_(
        Agency.id.in_(within),
        select(SeatQuota.id).where(SeatQuota.meeting_id == meeting.id, SeatQuota.agency_id == Agency.id).exists()))))
    for agency in agencies:
        if agency.id not in allowed:
            raise DomainError(_l("%(agency)s is not among the agencies this meeting's organizer invites.",
                                 agency=agency.name), field="agency_id")


def set_all_seats(meeting: Meeting, seats_by_agency: dict, within=None) -> list[SeatQuota]:
    """Every row of the quota table in one go: `{agency_id: seats as typed}`. All or nothing:
    each row is validated and its quota locked (as `set_seats` does) before any changes, and
    one refused row refuses the lot with every row's own message (SeatRowsError). With `within`
    (tenancy's `invitable_agencies`), an agency outside it and without a quota yet refuses
    the lot too (a forged row of the form)."""
    check_open(meeting, "seats")
    ids = sorted(seats_by_agency)
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))}
    _refuse_uninvited(meeting, [agencies[i] for i in ids if i in agencies], within)
    errors, checked = {}, []
    # Locks taken in agency-id order, so two committee members saving at once queue rather
    # than deadlock.
    for agency_id in ids:
        agency = agencies.get(agency_id)
        if agency is None:
            errors[agency_id] = _l("Unknown agency.")
            continue
        try:
            seats = _validate_seats(seats_by_agency[agency_id])
            quota = _lock_and_check_not_below_taken(meeting, agency, seats)
        except DomainError as error:
            errors[agency_id] = error.message
            continue
        checked.append((agency, seats, quota))
    if errors:
        raise SeatRowsError(errors)
    saved = []
    for agency, seats, quota in checked:
        if quota is None:
            quota = SeatQuota(meeting_id=meeting.id, agency_id=agency.id, seats=seats)
            db.session.add(quota)
        else:
            quota.seats = seats
        saved.append(quota)
    db.session.flush()
    return saved


def province_code_of(meeting: Meeting) -> str:
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    return organizer.region.province_code


def set_seats_for_province(meeting: Meeting, seats, within=None) -> list[SeatQuota]:
    """N seats for every regency/city planning agency of the organizer's province (with
    `within`, tenancy's `invitable_agencies`: those of them the organizer invites).
    All or nothing: if any agency already has more delegates than N, nothing changes."""
    check_open(meeting, "seats")
    seats = _validate_seats(seats)
    agencies = planning_agencies_of_province(province_code_of(meeting))
    if within is not None:
        invited = set(db.session.scalars(within))
        agencies = [a for a in agencies if a.id in invited]
    if not agencies:
        raise DomainError(_l("The organizer's province has no regency or city planning agencies."))
    # Check every agency (holding its quota lock) before changing any.
    for agency in agencies:
        _lock_and_check_not_below_taken(meeting, agency, seats)
    return [set_seats(meeting, agency, seats) for agency in agencies]


def remove_quota(meeting: Meeting, agency: Agency):
    check_open(meeting, "seats")
    quota = lock_quota(meeting.id, agency.id)
    if quota is None:
        return
    if seats_taken(meeting.id, agency.id):
        raise DomainError(_l("This agency has registered delegates; cancel them first."))
    db.session.delete(quota)
    db.session.flush()
