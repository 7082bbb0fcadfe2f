"""Delegation invitations: one unguessable, expiring, revocable link per meeting and agency.

The token (secrets.token_urlsafe(32), 256 bits) is shown once; only its SHA-256 is stored, so
a copy of the database does not hand out working links. Creating or regenerating a link for an
agency revokes its earlier ones: one live link per agency.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from rakor.auth.services import create_user, find_user_by_email, normalise_email
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import Meeting
from rakor.participants import queries
from rakor.participants.contacts import primary_contacts
from rakor.participants.models import Invitation, SeatQuota
from rakor.policy import DELEGATE
from rakor.regions.models import Agency

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


# --- the registration window ----------------------------------------------------------------

def registration_closes_at(meeting: Meeting) -> datetime:
    return meeting.registration_closes_at or meeting.starts_at


def registration_state(meeting: Meeting, now: datetime | None = None) -> str:
    """'open', 'not_yet' (before registration_opens_at), 'closed' (after the close, or the
    meeting start when no close is set; or the meeting is cancelled / its minutes final)."""
    now = now or utcnow()
    if meeting.status in ("cancelled", "minutes_final"):
        return "closed"
    if meeting.status == "draft":
        return "not_yet"
    if meeting.registration_opens_at and now < meeting.registration_opens_at:
        return "not_yet"
    if now >= registration_closes_at(meeting):
        return "closed"
    return "open"


def check_registration_open(meeting: Meeting, now=None):
    state = registration_state(meeting, now)
    if state == "not_yet":
        raise DomainError(_l("Registration for this meeting has not opened yet."))
    if state == "closed":
        raise DomainError(_l("Registration for this meeting is closed."))


# --- creating, regenerating, revoking ---------------------------------------------------------

def default_expiry(meeting: Meeting) -> datetime:
    return registration_closes_at(meeting)


def end_of_local_day(day, tz_name: str) -> datetime:
    """The last second of `day` in the meeting's zone, as UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def _check_can_invite(meeting: Meeting, agency: Agency):
    check_open(meeting, "invitations")
    has_quota = db.session.scalar(select(SeatQuota.id).where(
        SeatQuota.meeting_id == meeting.id, SeatQuota.agency_id == agency.id))
    if has_quota is None:
        raise DomainError(_l("Give this agency a seat quota before inviting it."), field="agency_id")


def _revoke_live(meeting_id: int, agency_id: int, now):
    db.session.execute(
        update(Invitation)
        .where(Invitation.meeting_id == meeting_id, Invitation.agency_id == agency_id,
               Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def create_invitation(meeting: Meeting, agency: Agency, *, by_user=None, expires_at=None,
                      contact_name=None, contact_email=None) -> tuple[Invitation, str]:
    """A new link for the agency (its earlier links stop working). Returns (invitation, token);
    the token is not stored and cannot be shown again."""
    _check_can_invite(meeting, agency)
    now = utcnow()
    expires_at = expires_at or default_expiry(meeting)
    if expires_at <= now:
        raise DomainError(_l("The expiry must be in the future."), field="expires_on")
    if contact_email:
        try:
            contact_email = normalise_email(contact_email, validate=True)
        except DomainError as e:
            e.field = "contact_email"
            raise
    if not (contact_name or "").strip() and not contact_email:
        # Nobody named: the agency's primary contact from the address book.
        primary = primary_contacts([agency.id], meeting.organizer_agency_id).get(agency.id)
        if primary is not None:
            contact_name, contact_email = primary.name, primary.email
    _revoke_live(meeting.id, agency.id, now)
    token = new_token()
    invitation = Invitation(
        meeting_id=meeting.id, agency_id=agency.id, token_hash=hash_token(token),
        expires_at=expires_at, contact_name=(contact_name or "").strip() or None,
        contact_email=contact_email or None, created_by_id=getattr(by_user, "id", None),
        created_at=now,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def regenerate_invitation(invitation: Invitation, *, by_user=None) -> tuple[Invitation, str]:
    """Revoke this link and make a new one with the same contact; keeps the expiry when it is
    still ahead, otherwise uses the registration close."""
    meeting = db.session.get(Meeting, invitation.meeting_id)
    agency = db.session.get(Agency, invitation.agency_id)
    expires_at = invitation.expires_at if invitation.expires_at > utcnow() else None
    return create_invitation(meeting, agency, by_user=by_user, expires_at=expires_at,
                             contact_name=invitation.contact_name,
                             contact_email=invitation.contact_email)


def create_missing(meeting: Meeting, *, by_user=None) -> list[tuple[Invitation, str, Agency]]:
    """A link for every agency with a quota and no live link: [(invitation, token, agency)]
    (empty when every such agency has one). An agency whose earlier link expired or was revoked
    keeps that link's contact, so the new link can be e-mailed to the same person; any other
    gets its primary contact from the address book (`create_invitation`)."""
    latest = queries.latest_invitations(meeting.id)
    created = []
    for agency in queries.quota_agencies(meeting.id):
        inv = latest.get(agency.id)
        if inv is not None and invitation_status(inv) == "active":
            continue
        new_inv, token = create_invitation(
            meeting, agency, by_user=by_user, contact_name=inv.contact_name if inv else None,
            contact_email=inv.contact_email if inv else None)
        created.append((new_inv, token, agency))
    return created


def links_shown(meeting: Meeting, pairs) -> list[tuple[Invitation, str, Agency]]:
    """The links a links page sends back [(invitation id, token)], checked: each token must be
    the one whose hash the invitation of this meeting stores, and the link still live. Only the
    hash is stored, so the page that showed the links is the one place they exist in clear;
    sending them back is how it e-mails or downloads them later. Pairs that do not check out
    (a forged or stale token, a link revoked meanwhile) are left out."""
    wanted = {}
    for invitation_id, token in pairs:
        if isinstance(invitation_id, int) and token and len(token) <= MAX_TOKEN_LENGTH:
            wanted.setdefault(invitation_id, token)
    if not wanted:
        return []
    invitations = db.session.execute(
        select(Invitation, Agency).join(Agency, Agency.id == Invitation.agency_id)
        .where(Invitation.meeting_id == meeting.id, Invitation.id.in_(list(wanted)))).all()
    shown = []
    for inv, agency in invitations:
        token = wanted[inv.id]
        if secrets.compare_digest(inv.token_hash, hash_token(token)) and invitation_status(inv) == "active":
            shown.append((inv, token, agency))
    order = list(wanted)
    return sorted(shown, key=lambda row: order.index(row[0].id))


def set_contact_email(invitation: Invitation, email: str):
    """Give a link its contact's e-mail address (typed on the links page before sending)."""
    try:
        invitation.contact_email = normalise_email(email, validate=True)
    except DomainError as e:
        e.field = "contact_email"
        raise
    db.session.flush()


def revoke_invitation(invitation: Invitation):
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def invitation_status(invitation: Invitation, now=None) -> str:
    now = now or utcnow()
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "active"


# --- resolving a token ------------------------------------------------------------------------

@dataclass
class InvitationError(Exception):
    """Why a token does not open anything: 'unknown' (404), 'expired' / 'revoked' (410)."""

    kind: str

    @property
    def status_code(self):
        return 404 if self.kind == "unknown" else 410


def resolve_token(token: str) -> Invitation:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvitationError("unknown")
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise InvitationError("unknown")
    status = invitation_status(invitation)
    if status != "active":
        raise InvitationError(status)
    return invitation


def touch(invitation: Invitation):
    invitation.last_used_at = utcnow()


# --- one delegate account per link ---------------------------------------------------------------

def claim_refusal(invitation: Invitation):
    """Why the link can no longer create an account, or None. One account per link: the one
    claimed through it, or a delegate account of the agency created since the link was made
    (by an administrator, or through the link before claims were recorded). Without this
    anyone holding the link could create any number of accounts for the agency. A new link
    opens the claim again."""
    if invitation.claimed_user_id is None and not queries.delegate_account_since(
            invitation.agency_id, invitation.created_at):
        return None
    agency = db.session.get(Agency, invitation.agency_id)
    return _l("An account for %(agency)s has already been created since this link was sent. Sign "
              "in with it, or ask the committee for a new link to create another.", agency=agency.name)


def claim_account(invitation: Invitation, *, email, name, password):
    """The delegate account of the link's agency, created through the link: one per link.

    The invitation row is locked (PostgreSQL: SELECT ... FOR UPDATE) before the claim is
    checked and recorded, so simultaneous claims queue and exactly one wins; the others then
    see `claimed_user_id` and are refused."""
    locked = db.session.scalar(select(Invitation).where(Invitation.id == invitation.id)
                               .with_for_update().execution_options(populate_existing=True))
    refusal = claim_refusal(locked)
    if refusal is not None:
        raise DomainError(refusal)
    if find_user_by_email(email) is not None:
        # Not "this email has an account": the link must not tell who has accounts.
        raise DomainError(_l("This email cannot be used for a new account. If you already have an "
                             "account, sign in with it; otherwise use another email."), field="email")
    user = create_user(email=email, name=name, role=DELEGATE, password=password,
                       agency_id=locked.agency_id)
    locked.claimed_user_id = user.id
    touch(locked)
    db.session.flush()
    return user
