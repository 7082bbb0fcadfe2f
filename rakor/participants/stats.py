"""Attendance figures per agency, computed in SQL (GROUP BY agency): a fixed number of queries
whatever the number of participants or agencies."""
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from rakor.extensions import db
from rakor.participants.models import Participant, SeatQuota
from rakor.participants.quotas import SEAT_ROLES
from rakor.regions.models import Agency, Region


@dataclass
class AgencyRow:
    agency_id: int
    name: str
    short_name: str
    region_code: str | None
    seats: int | None = None       # quota (None: the agency has no quota)
    seats_taken: int = 0           # registered participants that take a seat (peserta)
    registered: int = 0            # every registered participant of the agency
    checked_in: int = 0

    @property
    def remaining(self):
        return None if self.seats is None else max(self.seats - self.seats_taken, 0)

    @property
    def percent_present(self):
        return round(100 * self.checked_in / self.registered, 1) if self.registered else None


@dataclass
class MeetingStats:
    rows: list = field(default_factory=list)

    @property
    def seats(self):
        return sum(r.seats or 0 for r in self.rows)

    @property
    def seats_taken(self):
        return sum(r.seats_taken for r in self.rows)

    @property
    def registered(self):
        return sum(r.registered for r in self.rows)

    @property
    def checked_in(self):
        return sum(r.checked_in for r in self.rows)

    @property
    def percent_present(self):
        return round(100 * self.checked_in / self.registered, 1) if self.registered else None

    @property
    def quota_rows(self):
        return [r for r in self.rows if r.seats is not None]


def meeting_stats(meeting_id: int, agency_id: int | None = None) -> MeetingStats:
    """Per agency: quota, seats taken, registered, checked in. Two queries: the counts
    (GROUP BY agency) and the agencies with their quotas. `agency_id` limits to one agency
    (invitation pages and delegates see their own agency only)."""
    registered = Participant.status == "registered"
    counts_stmt = (
        select(
            Participant.agency_id,
            func.sum(case((registered, 1), else_=0)),
            func.sum(case((registered & Participant.meeting_role.in_(SEAT_ROLES), 1), else_=0)),
            func.sum(case((registered & Participant.checked_in_at.is_not(None), 1), else_=0)),
        )
        .where(Participant.meeting_id == meeting_id)
        .group_by(Participant.agency_id)
    )
    if agency_id is not None:
        counts_stmt = counts_stmt.where(Participant.agency_id == agency_id)
    counts = {a: (int(r or 0), int(s or 0), int(c or 0)) for a, r, s, c in db.session.execute(counts_stmt)}

    quota_sub = (select(SeatQuota.agency_id, SeatQuota.seats)
                 .where(SeatQuota.meeting_id == meeting_id).subquery())
    has_participants = (select(Participant.id)
                        .where(Participant.meeting_id == meeting_id, Participant.agency_id == Agency.id)
                        .exists())
    agencies_stmt = (
        select(Agency.id, Agency.name, Agency.short_name, Region.kemendagri_code, quota_sub.c.seats)
        .join(Region, Region.id == Agency.region_id)
        .outerjoin(quota_sub, quota_sub.c.agency_id == Agency.id)
        .where(quota_sub.c.seats.is_not(None) | has_participants)
        .order_by(Region.kemendagri_code, Agency.name)
    )
    if agency_id is not None:
        agencies_stmt = agencies_stmt.where(Agency.id == agency_id)
    rows = []
    for a_id, name, short, code, seats in db.session.execute(agencies_stmt):
        reg, taken, checked = counts.get(a_id, (0, 0, 0))
        if seats is None and not reg:
            continue  # only cancelled registrations, no quota
        rows.append(AgencyRow(a_id, name, short, code, seats, taken, reg, checked))
    return MeetingStats(rows)
