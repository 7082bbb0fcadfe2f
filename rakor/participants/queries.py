"""Reads of the participant pages: statements for lists and searches, and the small look-ups
the views and services need. Views read through here and never build a `select()`."""
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, null, or_, select, union, union_all
from sqlalchemy.orm import aliased, joinedload

from rakor.auth.models import User
from rakor.core.names import query_words
from rakor.core.sql import contains
from rakor.extensions import RowPagination, db
from rakor.meetings.models import AgendaItem, agenda_order
from rakor.participants.checkin import MAX_CODE_LENGTH
from rakor.participants.models import CheckinMark, Invitation, Participant, SeatQuota
from rakor.policy import DELEGATE
from rakor.regions.models import Agency, Region

STATUS_FILTERS = ("registered", "cancelled", "present", "absent", "all")
# The desk's filters: everyone registered, those not yet present, those present.
CHECKIN_FILTERS = ("all", "absent", "present")


# --- lists and searches -------------------------------------------------------------------------

def _agency_matches(text: str):
    return Participant.agency_id.in_(
        select(Agency.id).where(or_(contains(Agency.name, text), contains(Agency.short_name, text))))


def matching(q: str):
    """Participants whose name, NIP, agency name or agency short name contains `q` literally
    (a typed `%` or `_` matches itself, not everything); or, word by word, whose name without
    titles (`sort_name`) or agency contains every word of `q` once its titles are dropped:
    "rahmadi", "h rahmadi" and "rahmadi mt" all find "Ir. H. Rahmadi, M.T.", and "rahmadi
    kotabaru" finds him in Bappeda Kotabaru."""
    literal = or_(contains(Participant.name, q), contains(Participant.nip, q, case_insensitive=False),
                  _agency_matches(q))
    words = query_words(q)
    if not words:
        return literal
    return or_(literal, and_(*(or_(contains(Participant.sort_name, w), _agency_matches(w)) for w in words)))


@dataclass(slots=True)
class ListedParticipant:
    """A participant as the participants page lists it (a read model: the shown columns in one
    Core select, no ORM object and no agency object with its region per row)."""
    id: int
    agency_id: int
    name: str
    gender: str | None
    agency_short_name: str
    nip: str | None
    position: str | None
    phone: str | None
    email: str | None
    meeting_role: str
    quota_override_reason: str | None
    status: str
    checked_in_at: datetime | None


def participant_list(meeting_id: int, *, own_agency=None, agency_id=None, q="", status="registered"):
    """The participants page (rows: ListedParticipant): one agency (a delegate's own, or the
    committee's filter), a search and a status filter ('registered', 'cancelled', 'present',
    'absent', 'all'), by name."""
    stmt = (select(Participant.id, Participant.agency_id, Participant.name, Participant.gender, Agency.short_name,
                   Participant.nip, Participant.position, Participant.phone, Participant.email,
                   Participant.meeting_role, Participant.quota_override_reason, Participant.status,
                   Participant.checked_in_at)
            .join(Agency, Agency.id == Participant.agency_id)
            .where(Participant.meeting_id == meeting_id)
            .order_by(Participant.sort_name, Participant.id))
    if own_agency is not None:
        stmt = stmt.where(Participant.agency_id == own_agency)
    elif agency_id:
        stmt = stmt.where(Participant.agency_id == agency_id)
    if q:
        stmt = stmt.where(matching(q))
    if status in ("registered", "present", "absent"):
        stmt = stmt.where(Participant.status == "registered")
    if status == "cancelled":
        stmt = stmt.where(Participant.status == "cancelled")
    elif status == "present":
        stmt = stmt.where(Participant.checked_in_at.is_not(None))
    elif status == "absent":
        stmt = stmt.where(Participant.checked_in_at.is_(None))
    return stmt


class CountedRowPagination(RowPagination):
    """A page of rows and the total number of rows in one query: `count(*) OVER ()` is added to
    the select (a window is computed before LIMIT/OFFSET, so every row carries the total), and
    the separate COUNT query of Flask-SQLAlchemy's pagination is made only when the page is
    empty (past the last page, or nothing matches) and so carries no total."""

    def _query_items(self):
        select = (self._query_args["select"].add_columns(func.count().over())
                  .limit(self.per_page).offset(self._query_offset))
        rows = db.read(select).all()
        self._counted = rows[0][-1] if rows else None
        make = self._query_args["row_type"]
        return [make(*row[:-1]) for row in rows]

    def _query_count(self):
        if self._counted is not None:
            return self._counted
        return super()._query_count()


def paginate_listed(stmt, *, page, per_page):
    """Page `page` of the participants page's rows (ListedParticipant) and their total, in one query."""
    return CountedRowPagination(select=stmt, session=db.session(), row_type=ListedParticipant, page=page,
                                per_page=per_page, max_per_page=None, error_out=False, count=True)


def checkin_search(meeting_id: int, q: str, status: str = "all"):
    """The check-in desk: registered participants matching a name, NIP or agency fragment, by
    name without titles; `status` 'absent' (not yet present), 'present' or 'all'."""
    stmt = (select(Participant)
            .options(joinedload(Participant.agency), joinedload(Participant.checkin_undone_by))
            .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
            .order_by(Participant.sort_name, Participant.id))
    if status == "absent":
        stmt = stmt.where(Participant.checked_in_at.is_(None))
    elif status == "present":
        stmt = stmt.where(Participant.checked_in_at.is_not(None))
    q = (q or "").strip()
    if q:
        stmt = stmt.where(matching(q))
    return stmt


def desk_participant(meeting_id: int, participant_id: int) -> Participant | None:
    """One row of the desk, loaded as `checkin_search` loads it (to re-render it after a change)."""
    return db.session.scalar(
        select(Participant)
        .options(joinedload(Participant.agency), joinedload(Participant.checkin_undone_by))
        .where(Participant.id == participant_id, Participant.meeting_id == meeting_id))


def desk_roster(meeting_id: int):
    """What the offline desk keeps on the device (issue 23): registered participants with only
    the fields the desk shows (name, position, agency, role, presence) and the badge code. No
    phone or e-mail, and of the NIP only what the view keeps of it (its last four digits, to tell
    namesakes apart: issue 18). One query."""
    return db.session.execute(
        select(Participant.id, Participant.name, Participant.sort_name, Participant.position, Participant.nip,
               Participant.agency_id, Participant.meeting_role, Participant.checked_in_at,
               Participant.checkin_code, Agency.name.label("agency"), Agency.short_name.label("agency_short"))
        .join(Agency, Agency.id == Participant.agency_id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
        .order_by(Participant.sort_name, Participant.id)).all()


def desk_participants(meeting_id: int, ids) -> list[Participant]:
    """Participants of the meeting by id, with their agency (a sync's answer names them)."""
    if not ids:
        return []
    return db.session.scalars(select(Participant).options(joinedload(Participant.agency))
                              .where(Participant.meeting_id == meeting_id, Participant.id.in_(list(ids)))).all()


def desk_days(meeting_ids) -> dict:
    """meeting id -> (registered, present, first and last check-in time, marks synced from
    offline desks, marks to check) for the dashboard's check-in panel. One query."""
    if not meeting_ids:
        return {}
    people, marks = {}, {}
    for kind, meeting_id, reg, here, first, last, synced, flagged in db.read(
            _desk_statement(), {"meeting_ids": list(meeting_ids)}):
        if kind == 0:
            people[meeting_id] = (reg, here, first, last)
        else:
            marks[meeting_id] = (synced, flagged)
    result = {}
    for meeting_id in meeting_ids:
        reg, here, first, last = people.get(meeting_id, (0, 0, None, None))
        synced, flagged = marks.get(meeting_id, (0, 0))
        result[meeting_id] = {"registered": int(reg or 0), "present": int(here or 0), "first": first, "last": last,
                              "synced": int(synced or 0), "flagged": int(flagged or 0)}
    return result


@cache
def _desk_statement():
    # Built once, with an expanding bind parameter: the committee's meeting page and home ask on
    # every view, and building the statement took about as much CPU as running it. The people's
    # and the marks' figures in one UNION ALL (a round trip fewer); the people's part first, so
    # its check-in times' type applies to the column.
    meeting_ids = bindparam("meeting_ids", expanding=True)
    registered = Participant.status == "registered"
    present = registered & Participant.checked_in_at.is_not(None)
    people = (select(literal(0), Participant.meeting_id, func.sum(case((registered, 1), else_=0)),
                     func.sum(case((present, 1), else_=0)),
                     func.min(case((present, Participant.checked_in_at))),
                     func.max(case((present, Participant.checked_in_at))), null(), null())
              .where(Participant.meeting_id.in_(meeting_ids)).group_by(Participant.meeting_id))
    marks = (select(literal(1), CheckinMark.meeting_id, null(), null(), null(), null(),
                    func.sum(case((CheckinMark.source == "offline", 1), else_=0)),
                    func.sum(case((CheckinMark.outcome.in_(("flagged", "refused")), 1), else_=0)))
             .where(CheckinMark.meeting_id.in_(meeting_ids)).group_by(CheckinMark.meeting_id))
    return union_all(people, marks)


def flagged_count(meeting_id: int) -> int:
    return db.session.scalar(select(func.count(CheckinMark.id)).where(
        CheckinMark.meeting_id == meeting_id, CheckinMark.outcome.in_(("flagged", "refused"))))


def flagged_marks(meeting_id: int):
    """The desk's marks that need the committee's eye (over quota, probable duplicate, a clock
    outside the meeting's day, details dropped) or were refused, newest first, with who."""
    desk_user = aliased(User)
    return db.session.execute(
        select(CheckinMark, Participant.name.label("participant_name"), desk_user.name.label("desk_user"))
        .outerjoin(Participant, Participant.id == CheckinMark.participant_id)
        .outerjoin(desk_user, desk_user.id == CheckinMark.desk_user_id)
        .where(CheckinMark.meeting_id == meeting_id, CheckinMark.outcome.in_(("flagged", "refused")))
        .order_by(CheckinMark.received_at.desc(), CheckinMark.id.desc())).all()


def badge_participants(meeting_id: int, agency_id=None) -> list[Participant]:
    """Registered participants (optionally of one agency) in badge-sheet order."""
    stmt = (select(Participant).options(joinedload(Participant.agency))
            .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
            .order_by(Participant.agency_id, Participant.sort_name, Participant.id))
    if agency_id:
        stmt = stmt.where(Participant.agency_id == agency_id)
    return db.session.scalars(stmt).all()


def participant_by_code(code: str) -> Participant | None:
    """The participant a badge's QR code names, with agency and meeting, or None."""
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return db.session.scalar(
        select(Participant).options(joinedload(Participant.agency), joinedload(Participant.meeting))
        .where(Participant.checkin_code == code))


# --- an agency's own delegation (invitation pages) ---------------------------------------------

def own_delegates(meeting_id: int, agency_id: int) -> list[Participant]:
    """The agency's registered delegates, in the order they registered."""
    return db.session.scalars(
        select(Participant).where(Participant.meeting_id == meeting_id, Participant.agency_id == agency_id,
                                  Participant.status == "registered")
        .order_by(Participant.registered_at, Participant.id)).all()


def own_participant(meeting_id: int, agency_id: int, participant_id: int) -> Participant | None:
    """A registered participant of this meeting and agency, or None."""
    return db.session.scalar(select(Participant).where(
        Participant.id == participant_id, Participant.meeting_id == meeting_id,
        Participant.agency_id == agency_id, Participant.status == "registered"))


def agenda_outline(meeting_id: int):
    """(title, starts_at, ends_at) of the meeting's agenda items, in the agenda's order."""
    return db.session.execute(
        select(AgendaItem.title, AgendaItem.starts_at, AgendaItem.ends_at).where(AgendaItem.meeting_id == meeting_id)
        .order_by(*agenda_order())).all()


# --- choices for form selects -------------------------------------------------------------------

def agency_choices(meeting_id: int, within=None) -> list[tuple[int, str]]:
    """(id, name) of every agency, or with `within` (SQL of agency ids: tenancy's
    `invitable_agencies`) of those and of the agencies already given a quota: those with a quota
    for this meeting first, each group in region-code order then by name. One query."""
    has_quota = (select(SeatQuota.id)
                 .where(SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == Agency.id).exists())
    stmt = (select(Agency.id, Agency.name, has_quota).join(Region, Region.id == Agency.region_id)
            .order_by(Region.kemendagri_code, Agency.name))
    if within is not None:
        stmt = stmt.where(or_(has_quota, Agency.id.in_(within)))
    rows = db.session.execute(stmt).all()
    return [(a, n) for a, n, q in rows if q] + [(a, n) for a, n, q in rows if not q]


def quota_agencies(meeting_id: int) -> list[Agency]:
    """The agencies with a quota for this meeting, in region-code order then by name."""
    return db.session.scalars(
        select(Agency).join(SeatQuota, (SeatQuota.agency_id == Agency.id) & (SeatQuota.meeting_id == meeting_id))
        .join(Region, Region.id == Agency.region_id)
        .order_by(Region.kemendagri_code, Agency.name)).all()


# --- invitations ------------------------------------------------------------------------------

def latest_invitations(meeting_id: int) -> dict[int, Invitation]:
    """The newest invitation per agency (one query)."""
    latest = {}
    for inv in db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)
                                  .order_by(Invitation.created_at.desc(), Invitation.id.desc())):
        latest.setdefault(inv.agency_id, inv)
    return latest


def delegate_account_since(agency_id: int, since) -> bool:
    """Whether a delegate account of the agency was created at or after `since` (through a
    link, or by an administrator)."""
    return db.session.scalar(select(User.id).where(
        User.agency_id == agency_id, User.role == DELEGATE, User.created_at >= since).limit(1)) is not None


def invited_agency_ids(meeting_id) -> set[int]:
    """The notices' meeting audience (registered in init_app): agencies with seats or an
    invitation link in the meeting, whose delegates hear of a move, a cancellation, final
    minutes (1 query)."""
    return set(db.session.scalars(union(
        select(SeatQuota.agency_id).where(SeatQuota.meeting_id == meeting_id),
        select(Invitation.agency_id).where(Invitation.meeting_id == meeting_id))))
