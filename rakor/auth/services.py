"""Accounts: authentication, creation, role changes, disabling, passwords."""
from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select

from rakor.auth import links, tenancy
from rakor.auth.models import User, user_managed_agency
from rakor.auth.passwords import hash_password, password_problems, verify_password
from rakor.core.emails import normalized_email
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.policy import DELEGATE, ROLES
from rakor.regions.models import Agency


def normalise_email(email, *, validate=False) -> str | None:
    """The one spelling of an e-mail address that Rakor stores and compares: trimmed and
    lower-case. Look-ups use it as it is (a malformed address simply matches nobody).
    `validate=True` is for addresses people type into participant and invitation forms and
    imports: it refuses what is not an address (DomainError on `email`) and gives None for an
    empty value."""
    raw = str(email if email is not None else "").strip()
    if not validate:
        return raw.lower()
    if not raw:
        return None
    try:
        raw = normalized_email(raw)  # email-validator's answer, its common case made quick
    except EmailNotValidError:
        raise DomainError(_l("This is not a valid email address."), field="email") from None
    return raw.lower()


def find_user_by_email(email: str):
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str):
    """The active user with these credentials, or None. Same answer (and roughly the same
    time) for unknown email, wrong password and disabled user."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def sign_out_everywhere(user: User):
    """Sign-out ends the session on the server, not only in this browser: a session or
    remember cookie copied before it no longer names a valid session. Sessions are signed
    cookies with no server-side store, so this ends the user's sessions on every device."""
    user.rotate_session_token()
    db.session.flush()


def _check_role_agency(role, agency_id):
    if role not in ROLES:
        raise DomainError(_l("Unknown role."), field="role")
    if role == DELEGATE and not agency_id:
        raise DomainError(_l("A delegate must belong to an agency."), field="agency_id")


def set_password(user: User, password: str):
    problems = password_problems(password, user_inputs=[user.email, user.name])
    if problems:
        raise DomainError(problems[0], field="new_password")
    user.password_hash = hash_password(password)
    user.rotate_session_token()


def create_user(*, email, name, role, password=None, agency_id=None, is_demo=False) -> User:
    """A new account; without `password` it cannot sign in until its owner sets one through
    the link `invite_user` sends."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise DomainError(_l("A user with this email already exists."), field="email")
    _check_role_agency(role, agency_id)
    user = User(email=email, name=name.strip(), role=role,
                agency_id=agency_id or None,
                is_demo=is_demo, password_hash="")
    if password is not None:
        try:
            set_password(user, password)
        except DomainError as e:
            e.field = "password"
            raise
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, name, email, role, agency_id):
    email = normalise_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise DomainError(_l("A user with this email already exists."), field="email")
    _check_role_agency(role, agency_id)
    if user.role != role or user.agency_id != agency_id:
        # Existing sessions carry the old permissions in the user's head; make them sign in again.
        user.rotate_session_token()
    user.name, user.email, user.role, user.agency_id = name.strip(), email, role, agency_id or None
    db.session.flush()


def set_extra_agencies(user: User, agency_ids):
    """The agencies `user` acts for beside its own (rakor/auth/tenancy.py): a committee user
    organises their meetings too, a leadership user oversees them too. Other roles keep none.
    A change ends the user's sessions, like a change of role or agency."""
    wanted = set(agency_ids or ()) - {user.agency_id}
    if wanted and user.role not in tenancy.SCOPED_ROLES:
        raise DomainError(_l("Only committee and leadership accounts act for more agencies."),
                          field="extra_agency_ids")
    agencies = list(db.session.scalars(select(Agency).where(Agency.id.in_(sorted(wanted))))) if wanted else []
    if len(agencies) != len(wanted):
        raise DomainError(_l("Not a valid choice."), field="extra_agency_ids")
    current = set(db.session.scalars(select(user_managed_agency.c.agency_id)
                                     .where(user_managed_agency.c.user_id == user.id)))
    if current == wanted:
        return
    db.session.execute(delete(user_managed_agency).where(user_managed_agency.c.user_id == user.id))
    if wanted:
        db.session.execute(insert(user_managed_agency),
                           [{"user_id": user.id, "agency_id": a} for a in sorted(wanted)])
    user.rotate_session_token()
    db.session.flush()
    tenancy.forget(user)


def set_active(user: User, active: bool, acting_user: User):
    if user.id == acting_user.id and not active:
        raise DomainError(_l("You cannot disable your own account."))
    user.active = active
    if not active:
        user.rotate_session_token()
    db.session.flush()


def change_own_password(user: User, current: str, new: str):
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is not correct."), field="current_password")
    set_password(user, new)
    db.session.flush()


# --- password links (rakor/auth/links.py) ---------------------------------------------------------

def invite_user(*, email, name, role, agency_id=None, by_user=None) -> tuple[User, object]:
    """The administrator creates an account without typing anyone's password: its owner gets
    an e-mail link to set it. Returns (user, the outbox row of that e-mail)."""
    try:
        email = normalise_email(email, validate=True)
    except DomainError:
        raise DomainError(_l("This is not a valid email address."), field="email") from None
    if not email:
        raise DomainError(_l("Give the email address."), field="email")
    user = create_user(email=email, name=name, role=role, agency_id=agency_id)
    return user, links.send_link(user, links.WELCOME, by_user=by_user)


def send_password_link(user: User, by_user=None):
    """The administrator sends a user a link again (a new account's, or a reset)."""
    if not user.active:
        raise DomainError(_l("This account is disabled; enable it first."))
    return links.send_link(user, links.WELCOME if not user.password_hash else links.RESET, by_user=by_user)


def request_password_reset(email: str):
    """"Forgot password": a reset link to the active account with this address; None (and no
    mail) when there is none. The page says the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    return links.send_link(user, links.RESET)


def set_password_from_link(token: str, password: str) -> User:
    user, _purpose = links.user_of_token(token)
    set_password(user, password)
    db.session.flush()
    return user
