"""Attendance figures per agency, computed in SQL (GROUP BY agency): one query whatever the
number of participants or agencies."""
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, case, func, select

from rakor.extensions import db
from rakor.participants.models import Invitation, Participant, SeatQuota
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
    """Per agency: quota, seats taken, registered, checked in, in one query (GROUP BY agency
    joined to the agencies and their quotas). `agency_id` limits to one agency (invitation
    pages and delegates see their own agency only)."""
    params = {"meeting_id": meeting_id}
    if agency_id is not None:
        params["agency_id"] = agency_id
    rows = [AgencyRow(a_id, name, short, code, seats, int(taken or 0), int(reg or 0), int(checked or 0))
            for a_id, name, short, code, seats, reg, taken, checked
            in db.read(_stats_statement(agency_id is not None), params)]
    return MeetingStats(rows)


@cache
def _stats_statement(one_agency: bool):
    # Built once with bind parameters: building the statement took more CPU than running it
    # (the meeting page shows these figures on every view). Lazily, so that the mappers are
    # configured by the time it is built.
    meeting_id = bindparam("meeting_id")
    registered = Participant.status == "registered"
    counts = (
        select(
            Participant.agency_id,
            func.sum(case((registered, 1), else_=0)).label("registered"),
            func.sum(case((registered & Participant.meeting_role.in_(SEAT_ROLES), 1), else_=0)).label("taken"),
            func.sum(case((registered & Participant.checked_in_at.is_not(None), 1), else_=0)).label("checked"),
        )
        .where(Participant.meeting_id == meeting_id)
        .group_by(Participant.agency_id)
    )
    quotas = select(SeatQuota.agency_id, SeatQuota.seats).where(SeatQuota.meeting_id == meeting_id)
    if one_agency:
        counts = counts.where(Participant.agency_id == bindparam("agency_id"))
        quotas = quotas.where(SeatQuota.agency_id == bindparam("agency_id"))
    counts, quotas = counts.subquery(), quotas.subquery()
    stmt = (
        select(Agency.id, Agency.name, Agency.short_name, Region.kemendagri_code, quotas.c.seats,
               counts.c.registered, counts.c.taken, counts.c.checked)
        .join(Region, Region.id == Agency.region_id)
        .outerjoin(quotas, quotas.c.agency_id == Agency.id)
        .outerjoin(counts, counts.c.agency_id == Agency.id)
        # An agency shows with a quota or with a registered participant (not only cancelled ones).
        .where(quotas.c.seats.is_not(None) | (counts.c.registered > 0))
        .order_by(Region.kemendagri_code, Agency.name)
    )
    if one_agency:
        stmt = stmt.where(Agency.id == bindparam("agency_id"))
    return stmt


def invited_agency_rows(meeting_id: int) -> list[AgencyRow]:
    """Every agency the meeting invited, by region code: with a seat quota, a live invitation
    link, or registered people; those that sent nobody with zero counts (the notulen records
    them as "tidak hadir"). Two queries: the figures, and the invited agencies without any."""
    rows = meeting_stats(meeting_id).rows
    known = {r.agency_id for r in rows}
    invited = (select(Agency.id, Agency.name, Agency.short_name, Region.kemendagri_code)
               .join(Region, Region.id == Agency.region_id)
               .where(Agency.id.in_(select(Invitation.agency_id).where(Invitation.meeting_id == meeting_id,
                                                                       Invitation.revoked_at.is_(None)))))
    rows += [AgencyRow(a_id, name, short, code) for a_id, name, short, code in db.session.execute(invited)
             if a_id not in known]
    return sorted(rows, key=lambda r: (r.region_code or "", r.name))
