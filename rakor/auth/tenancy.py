"""Tenancy by organizing agency (issue 22): which organizers' meetings a user manages or sees.

One instance serves several organizers (a province's Bappeda and its regencies' Bappedas, each
with its own OPDs). The rules of every feature (`rules.py`) ask these questions; the SQL forms
(`visible_condition`) embed the same expressions, and tests/test_tenancy.py checks both forms
against each other.

- The administrator is per instance: every organizer.
- A committee user **manages** the meetings organised by its own agency and by the agencies the
  administrator added for it (`user_managed_agency`: a provincial secretariat helping a
  regency). It sees no other organizer's meetings.
- Leadership **sees** the meetings organised by its own agencies (its agency and those added
  for it) and by the agencies under them: the OPDs whose parent agency is one of them, and, for
  a planning agency (Bappeda), every agency of the regions under its region (the province sees
  its regencies and their OPDs; a regency sees only itself and its OPDs).
- A committee or leadership account with no agency is instance-wide, like the administrator:
  the single-organizer installation before tenancy (every existing test and account). The
  administrator chooses the agency on the user's page; the demo's accounts all have one.
- Delegates are unchanged: they see the meetings their agency is invited to.

The user's own agency ids, and whether it oversees an agency, are read once per request (kept in
`flask.g`); `forget(user)` drops them when the administrator changes them within a request.
"""
from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import String, cast, false, func, literal, or_, select, true

from rakor.auth.models import User, user_managed_agency
from rakor.extensions import db
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP
from rakor.regions.models import Agency, Region

SCOPED_ROLES = (COMMITTEE, LEADERSHIP)
_G_KEY = "_rakor_tenancy"


def instance_wide(user):
    """The administrator, and a committee or leadership account without an agency."""
    return user.role == ADMIN or (user.role in SCOPED_ROLES and user.agency_id is None)


def _extra_agency_ids(user_id):
    return frozenset(db.session.scalars(
        select(user_managed_agency.c.agency_id).where(user_managed_agency.c.user_id == user_id)))


def extra_agency_ids_column():
    """SQL: the user's extra agencies as one text ("3,7", or NULL), a column of the user's own
    query (rakor/auth/loading.py): no query of its own on each page."""
    return (select(func.aggregate_strings(cast(user_managed_agency.c.agency_id, String), ","))
            .where(user_managed_agency.c.user_id == User.id).scalar_subquery())


def acts_for_several(user):
    """Whether `user` may have extra agencies (a committee or leadership user with an agency)."""
    return user.agency_id is not None and user.role in SCOPED_ROLES


def keep_extra_agency_ids(user, text):
    """Remember for the request the agencies `user` acts for, its extras loaded with it."""
    if not acts_for_several(user) or not has_app_context():
        return
    extra = frozenset(int(i) for i in text.split(",")) if text else frozenset()
    g.setdefault(_G_KEY, {})[(user.id, user.agency_id)] = frozenset({user.agency_id}) | extra


@dataclass(frozen=True)
class Sight:
    """A user as the SQL forms below read it: its role, its agency and the agencies it acts for.
    Two readers with the same sight get the same SQL, so a statement built for one can be kept
    for both (hashable: a key of `functools.lru_cache`). Passed where a user is expected."""
    role: str
    agency_id: int | None
    agency_ids: frozenset


def sight(user):
    """The `Sight` of `user` (its agencies read once per request)."""
    return Sight(user.role, user.agency_id, own_agency_ids(user))


def viewer_class(user):
    """What kept content shown to `user` may depend on besides the data: its role and every
    agency it acts for (its own and those the administrator added; the policy rules and the
    agency choices look at nothing else). A key part of rakor/core/page_cache.py's fragments."""
    agencies = ",".join(str(a) for a in sorted(own_agency_ids(user)))
    return f"{user.role}:{user.agency_id or ''}:{agencies}"


def own_agency_ids(user):
    """The agencies `user` acts for: its own and those the administrator added for it."""
    if isinstance(user, Sight):
        return user.agency_ids
    if user.agency_id is None:
        return frozenset()
    if user.role not in SCOPED_ROLES:
        return frozenset({user.agency_id})
    memo = g.setdefault(_G_KEY, {}) if has_app_context() else {}
    key = (user.id, user.agency_id)
    if key not in memo:
        memo[key] = frozenset({user.agency_id}) | _extra_agency_ids(user.id)
    return memo[key]


def forget(user):
    """Drop the remembered agencies of `user` (after its added agencies changed)."""
    if has_app_context():
        memo = g.get(_G_KEY)
        if memo:
            for key in [k for k in memo if k[0] == user.id]:
                del memo[key]


# --- managing: the committee -----------------------------------------------------------------

def acts_for(user, agency_id):
    """May `user` organise meetings for agency `agency_id` (create them, manage them)?"""
    if user.role == ADMIN:
        return True
    if user.role != COMMITTEE:
        return False
    return user.agency_id is None or agency_id in own_agency_ids(user)


def manages(user, meeting):
    """The committee of the meeting's organizer (or an instance-wide committee)."""
    return user.role == COMMITTEE and acts_for(user, meeting.organizer_agency_id)


def managed_condition(user, organizer_column):
    """SQL twin of `acts_for(user, <organizer_column>)` for a committee user."""
    if user.agency_id is None:
        return true()
    return organizer_column.in_(sorted(own_agency_ids(user)))


# --- seeing: leadership ----------------------------------------------------------------------

def overseen_agencies(user):
    """SQL: the ids of the agencies whose meetings a leadership user with an agency sees."""
    own = sorted(own_agency_ids(user))
    planning_regions = select(Agency.region_id).where(Agency.id.in_(own), Agency.is_planning_agency)
    return (select(Agency.id).join(Region, Region.id == Agency.region_id)
            .where(or_(Agency.id.in_(own), Agency.parent_agency_id.in_(own),
                       Region.parent_id.in_(planning_regions))))


def oversight_condition(user, organizer):
    """SQL: leadership `user` sees the meetings of `organizer` (an agency id column or value)."""
    if user.agency_id is None:
        return true()
    if not hasattr(organizer, "in_"):
        organizer = literal(organizer)
    return organizer.in_(overseen_agencies(user))


def oversees(user, agency_id):
    """Python form of `oversight_condition` for one agency (one query per request and agency,
    none when instance-wide): a page asks several rules about the same meeting."""
    if user.agency_id is None:
        return True
    memo = g.setdefault(_G_KEY, {}) if has_app_context() else {}
    key = (user.id, user.agency_id, "oversees", agency_id)
    if key not in memo:
        memo[key] = bool(db.session.scalar(select(oversight_condition(user, agency_id))))
    return memo[key]


def organizer_options(user, agencies):
    """The (id, name) rows of `agencies` that `user` may choose as a meeting's organizer."""
    return [a for a in agencies if acts_for(user, a[0])]


def sight_condition(user, agency_column):
    """SQL: the organizers whose meetings, registers and figures `user` sees (the administrator
    every one, the committee those it acts for, leadership those it oversees, a delegate its own)."""
    if user.role == ADMIN:
        return true()
    if user.role == COMMITTEE:
        return managed_condition(user, agency_column)
    if user.role == LEADERSHIP:
        return oversight_condition(user, agency_column)
    return agency_column == user.agency_id if user.agency_id is not None else false()


def sees_agency(user, agency_id):
    """Python form of `sight_condition` for one agency."""
    if user.role == ADMIN:
        return True
    if user.role == COMMITTEE:
        return acts_for(user, agency_id)
    if user.role == LEADERSHIP:
        return oversees(user, agency_id)
    return user.agency_id is not None and agency_id == user.agency_id


def seen_organizer_ids(user):
    """The agencies whose meetings `user` manages (committee) or oversees (leadership), as a
    frozenset of ids (one query at most); None when it is instance-wide (every organizer). For a
    job that sorts many rows among many accounts (the late-report digest) in Python."""
    if instance_wide(user):
        return None
    if user.role == COMMITTEE:
        return own_agency_ids(user)
    if user.role == LEADERSHIP:
        return frozenset(db.session.scalars(overseen_agencies(user)))
    return frozenset({user.agency_id}) if user.agency_id is not None else frozenset()


# --- inviting: the agencies an organizer's meetings are for -------------------------------------

def invited_by(*organizer_agency_ids):
    """SQL: the ids of the agencies organizers invite: every agency of an organizer's region and
    of the regions under it (a province's Bappeda: its own region's agencies and every regency's
    Bappeda and offices; a regency's: its own region's), and the offices placed under it."""
    ids = sorted(organizer_agency_ids)
    regions = select(Agency.region_id).where(Agency.id.in_(ids))
    return (select(Agency.id).join(Region, Region.id == Agency.region_id)
            .where(or_(Agency.region_id.in_(regions), Region.parent_id.in_(regions),
                       Agency.parent_agency_id.in_(ids))))


def invitable_agencies(user, organizer_agency_id):
    """SQL of the agency ids `user` may give seats and invitations to for a meeting of that
    organizer, or None for every agency (an instance-wide account, as before tenancy)."""
    if instance_wide(user):
        return None
    return invited_by(organizer_agency_id)
