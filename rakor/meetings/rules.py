"""Who may do what with a meeting: the `meeting.*` policy rules, and the SQL form of
`meeting.view` that lists use, side by side so they cannot drift apart.

Meeting visibility is defined by invitations, so this is the one module of `meetings` that
imports `participants.models` (see the layer rules in README "Layout").

When is an agency *invited* to a meeting? When at least one of these holds:
- it has a seat quota (a `seat_quota` row; the table's CHECK keeps seats >= 1, so a row is
  always at least one seat). Delegates register within a quota, so every agency whose
  delegates registered themselves has one;
- it has a *live* invitation link: not revoked and not expired, the same test as
  `participants.invitations.invitation_status(...) == "active"`.
A revoked or expired link alone grants nothing (issue 8, defect 6), and neither do
participant rows alone: the committee may register a person of any agency (a speaker, a
guest) without inviting that agency's delegates to see the meeting.

`agency_invited(meeting_id, agency_id, now)` is that definition as one SQL expression;
`visible_condition` embeds it in a list query. The Python rule reads its two halves for one
meeting in one query (`delegate_access`, also asked by the page's kept time and registration). tests/meetings/test_visibility.py checks both against each other over every case.

Tenancy (issue 22, rakor/auth/tenancy.py): the committee sees and manages the meetings of the
organizers it acts for, leadership those of its agencies and the agencies under them, the
administrator every meeting. tests/test_tenancy.py checks the two forms against each other.
Every `meeting.*` rule that lets the committee change something asks `tenancy.manages`; the
rules of the features above (participants, commitments, progress, minutes) do the same for
meeting-level actions, and their object-level rules (a commitment, a participant) rely on the
route's `with_meeting("meeting.view")`, which refuses another organizer's meeting first.
"""
from functools import cache, lru_cache

from sqlalchemy import bindparam, exists, false, func, or_, select, true

from rakor.auth import tenancy
from rakor.core.memo import remembered
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings import lifecycle
from rakor.meetings.models import Meeting
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, rule

# The organisers' roles: which meetings each of them sees is rakor/auth/tenancy.py's business.
ORGANISER_ROLES = (ADMIN, COMMITTEE, LEADERSHIP)
# participants.models imports meetings.models, whose package imports
# this module; importing participants.models at call time keeps that from being a cycle at
# import time, whichever of the two a script imports first.


def live_invitation(now):
    """SQL: an invitation that still opens its link at `now` (not revoked, not expired)."""
    from rakor.participants.models import Invitation  # lazy: see the note above

    return Invitation.revoked_at.is_(None) & (Invitation.expires_at > now)


def agency_invited(meeting_id, agency_id, now=None):
    """SQL: agency `agency_id` is invited to meeting `meeting_id` (a value or a column)."""
    from rakor.participants.models import Invitation, SeatQuota  # lazy: see the note above

    if now is None:  # `now` may be a bind parameter (a kept statement's), which has no truth value
        now = utcnow()
    return or_(
        exists().where(SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == agency_id),
        exists().where(Invitation.meeting_id == meeting_id, Invitation.agency_id == agency_id,
                       live_invitation(now)),
    )


# --- meeting.view: the Python rule and its SQL form ------------------------------------------

@rule("meeting.view")
def _meeting_view(user, meeting):
    """The admin sees every meeting, the committee those of the organizers it acts for,
    leadership those of its agencies and the agencies under them (rakor/auth/tenancy.py); a
    delegate sees the meetings its agency is invited to, except drafts (the committee's working
    copies)."""
    if user.role == ADMIN:
        return True
    if user.role == COMMITTEE:
        return tenancy.manages(user, meeting)
    if user.role == LEADERSHIP:
        return tenancy.oversees(user, meeting.organizer_agency_id)
    if user.role == DELEGATE and user.agency_id is not None \
            and meeting.status not in lifecycle.HIDDEN_FROM_DELEGATES:
        # agency_invited(), read as its two halves: a live invitation exists exactly when the
        # latest expiry among the live ones is not NULL.
        has_quota, latest_expiry = delegate_access(meeting.id, user.agency_id)
        return has_quota or latest_expiry is not None
    return False


def delegate_access(meeting_id, agency_id, now=None):
    """(agency `agency_id` has a seat quota in the meeting, the latest expiry of its live
    invitations or None), in one query. A delegate's meeting page asks it three times (the
    access rule, how long the page may be kept, whether the delegate may register), so at the
    current time it is read once per read request (rakor/core/memo.py)."""
    if now is not None:
        return _delegate_access(meeting_id, agency_id, now)
    return remembered(("meeting.delegate_access", meeting_id, agency_id),
                      lambda: _delegate_access(meeting_id, agency_id, utcnow()))


def _delegate_access(meeting_id, agency_id, now):
    has_quota, latest_expiry = db.read(
        _delegate_access_statement(), {"meeting_id": meeting_id, "agency_id": agency_id, NOW: now}).one()
    return bool(has_quota), latest_expiry


@cache
def _delegate_access_statement():
    # Every page of a delegate's meeting asks it: built once, with bind parameters (building it
    # and its cache key cost more than running it). Built on first use, as the models it reads
    # are imported late (see the note above).
    from rakor.participants.models import Invitation, SeatQuota

    meeting_id, agency_id = bindparam("meeting_id"), bindparam("agency_id")
    return select(
        exists().where(SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == agency_id),
        select(func.max(Invitation.expires_at)).where(
            Invitation.meeting_id == meeting_id, Invitation.agency_id == agency_id,
            live_invitation(bindparam(NOW))).scalar_subquery(),
    )


def view_lapses_at(user, meeting, now=None):
    """When `user` could lose `meeting.view` of `meeting` by the clock alone: the latest expiry
    of its agency's live invitations when no seat quota lets it in, else None (never). Every
    other input of the rule is the user's role and agency or the meeting's own data (its status,
    quotas, invitations), which a kept page is keyed or versioned by (rakor/core/page_cache.py);
    the meeting page keeps a delegate's page no longer than this."""
    if user.role in ORGANISER_ROLES or user.agency_id is None:
        return None
    has_quota, latest_expiry = delegate_access(meeting.id, user.agency_id, now)
    return None if has_quota else latest_expiry


def sight_lapses_at(user, now=None):
    """When the clock alone could hide a meeting that `user` sees in a list (its home): for a
    delegate, the earliest expiry of its agency's live invitations (a meeting seen through one
    only is hidden then; one with a seat quota too stays: an early answer is only a shorter
    life of a kept page), else None (never). Home's panels ask it each: read once a request."""
    from rakor.participants.models import Invitation  # lazy: see the note above

    if user.role != DELEGATE or user.agency_id is None:
        return None
    return remembered(("meeting.sight_lapses_at", user.agency_id, now), lambda: db.session.scalar(
        select(func.min(Invitation.expires_at)).where(Invitation.agency_id == user.agency_id,
                                                       live_invitation(now or utcnow()))))


def visible_condition(user, now=None):
    """SQL condition on `Meeting` equal to rule "meeting.view" above, for lists. `user` may be a
    `tenancy.Sight` and `now` a bind parameter: a statement kept per sight (kept_visible_condition)."""
    if user.role == ADMIN:
        return true()
    if user.role == COMMITTEE:
        return tenancy.managed_condition(user, Meeting.organizer_agency_id)
    if user.role == LEADERSHIP:
        return tenancy.oversight_condition(user, Meeting.organizer_agency_id)
    if user.role == DELEGATE and user.agency_id is not None:
        return Meeting.status.not_in(lifecycle.HIDDEN_FROM_DELEGATES) & agency_invited(
            Meeting.id, user.agency_id, now)
    return false()


# The bind parameter a kept statement's visible_condition reads the time from: every execution
# gives it ({NOW: utcnow()}), a delegate's invitations expire.
NOW = "now"


@lru_cache(maxsize=512)
def kept_visible_condition(sight):
    """`visible_condition` of a `tenancy.Sight`, the time a bind parameter named NOW: the same
    object for every reader who sees the same meetings, for statements kept per sight."""
    return visible_condition(sight, bindparam(NOW))


@rule("meeting.view_internal")
def _meeting_view_internal(user, meeting):
    """What the organisers keep for themselves on the meeting page: the status history (who
    moved the meeting when, with the reasons given) and the links to the meeting's documents.
    The committee, leadership and admin who see the meeting see them, a delegate does not."""
    return user.role in ORGANISER_ROLES and _meeting_view(user, meeting)


# --- changing a meeting ---------------------------------------------------------------------

@rule("meeting.create")
def _meeting_create(user, obj):
    """Create a meeting (its organizer then must be one `meeting.organize_for` allows)."""
    return user.role == COMMITTEE


@rule("meeting.edit")
def _meeting_edit(user, meeting):
    """Edit the meeting's details and agenda: not once its minutes are final or it is
    cancelled (lifecycle.FROZEN)."""
    return tenancy.manages(user, meeting) and not lifecycle.is_frozen(meeting)


@rule("meeting.change_status")
def _meeting_change_status(user, meeting):
    """Move the meeting along its lifecycle; which moves exist is lifecycle.TRANSITIONS'
    business (none from final minutes), a cancelled meeting is read-only."""
    return tenancy.manages(user, meeting) and not lifecycle.is_read_only(meeting)


@rule("meeting.manage_materials")
def _meeting_manage_materials(user, meeting):
    """Upload and delete materials; still possible after the minutes are final (the signed
    minutes, photos), not once the meeting is cancelled."""
    return tenancy.manages(user, meeting) and lifecycle.is_open(meeting, for_="materials")


@rule("meeting.manage_participants")
def _meeting_manage_participants(user, meeting):
    return tenancy.manages(user, meeting) and not lifecycle.is_read_only(meeting)


@rule("meeting.check_in")
def _meeting_check_in(user, meeting):
    """Use the check-in desk of `meeting` (search, mark present, print badges)."""
    return tenancy.manages(user, meeting)
