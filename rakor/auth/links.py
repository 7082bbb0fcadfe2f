"""Password links: a new account's "set your password" and the "forgot password" reset.

A link carries a token signed with the app's SECRET_KEY (itsdangerous, timed): the user's id, the
link's purpose and a fingerprint of the password hash at the time it was made. Setting a password
changes the hash, so a link works once, and any other link made before it stops working too;
nothing is stored. A welcome link lives ACCOUNT_LINK_DAYS, a reset link PASSWORD_RESET_HOURS.
The messages go through the outbox (sent after the caller's commit).
"""
import hashlib
import time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from rakor.auth.models import User
from rakor.auth.passwords import MIN_LENGTH
from rakor.core.errors import DomainError
from rakor.core.urls import external_url
from rakor.extensions import db
from rakor.mail.message import Content, compose
from rakor.mail.services import queue_mail

WELCOME = "welcome"
RESET = "reset"
MAIL_KIND = {WELCOME: "account_welcome", RESET: "password_reset"}
SALT = "rakor.password-link"
MAIL_LOCALE = "id"


def clock() -> float:
    """Seconds since the epoch; tests replace it to move the link's clock."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self):
        return int(clock())


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_Signer)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash or ''}".encode()).hexdigest()[:24]


def max_age(purpose) -> int:
    if purpose == WELCOME:
        return current_app.config["ACCOUNT_LINK_DAYS"] * 86400
    return current_app.config["PASSWORD_RESET_HOURS"] * 3600


def make_token(user: User, purpose: str) -> str:
    return _serializer().dumps([user.id, purpose, _fingerprint(user)])


def user_of_token(token: str) -> tuple[User, str]:
    """The active user a link is for and its purpose; DomainError when the link is forged,
    expired, used already (the password changed since) or the account is disabled."""
    serializer = _serializer()
    try:
        user_id, purpose, fingerprint = serializer.loads(token)  # the signature only
        if purpose not in MAIL_KIND:
            raise ValueError(purpose)
        serializer.loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise DomainError(_l("This link has expired. Ask for a new one.")) from None
    except (BadSignature, ValueError, TypeError):
        raise DomainError(_l("This link is not valid. Ask for a new one.")) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        raise DomainError(_l("This link has been used already or is no longer valid. Ask for a new one."))
    return user, purpose


def link_message(user: User, purpose: str, link: str):
    with force_locale(MAIL_LOCALE):
        organizer = current_app.config.get("ORGANIZER_NAME") or "Rakor"
        if purpose == WELCOME:
            subject = _("Your Rakor account: set your password")
            paragraphs = [
                _("An administrator of %(organizer)s created a Rakor account for you (%(email)s).",
                  organizer=organizer, email=user.email),
                _("Open the link below and choose your password (at least %(n)d characters). The link "
                  "works once and for %(days)d days.", n=MIN_LENGTH, days=current_app.config["ACCOUNT_LINK_DAYS"]),
            ]
            action = _("Set my password")
        else:
            subject = _("Rakor: reset your password")
            paragraphs = [
                _("Someone (probably you) asked to reset the password of the Rakor account %(email)s.",
                  email=user.email),
                _("Open the link below and choose a new password. The link works once and for "
                  "%(hours)d hours.", hours=current_app.config["PASSWORD_RESET_HOURS"]),
            ]
            action = _("Choose a new password")
        closing = [_("You get this e-mail because of your account on Rakor. If you did not expect it, "
                     "ignore it: nothing changes until the link is used.")]
        return compose(user.email, subject, Content(greeting=_("Dear %(name)s,", name=user.name),
                                                    paragraphs=paragraphs, action=(action, link),
                                                    closing=closing, signature=[organizer]))


def send_link(user: User, purpose: str, *, by_user=None):
    """Queue the link's e-mail in the current transaction; returns the outbox row."""
    link = external_url("auth.set_password", token=make_token(user, purpose))
    return queue_mail(MAIL_KIND[purpose], link_message(user, purpose, link), object_id=user.id,
                      created_by=by_user)
