"""Personal access tokens: issue (shown once), look up by hash, revoke, record use.

A token reads `rkr_<43 url-safe characters>`; the prefix lets secret scanners and people
recognise it. Services flush and raise DomainError; views commit (rakor/core/web.py).
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from rakor.api import token_cache
from rakor.api.models import SCOPES, ApiToken
from rakor.auth import tenancy
from rakor.auth.models import User
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.policy import ADMIN

TOKEN_PREFIX = "rkr_"
MAX_NAME = 100
MAX_DAYS = 366
# Recording every request's use would write on every read; a minute's precision is enough to
# tell a live integration from a dead one.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Issued:
    token: ApiToken
    secret: str  # the only time the plain token exists outside its owner's hands


def issue(user, name, scope, expires_at: datetime | None, now=None) -> Issued:
    now = now or utcnow()
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Name the token, e.g. the system that will use it."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_l("At most %(n)d characters.", n=MAX_NAME), field="name")
    if scope not in SCOPES:
        raise DomainError(_l("Choose read or read and write."), field="scope")
    if expires_at is not None and not now < expires_at <= now + timedelta(days=MAX_DAYS + 1):
        raise DomainError(_l("The expiry must lie between tomorrow and one year from now."),
                          field="expires_on")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=digest(secret),
                     prefix=secret[:10], created_at=now, expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    return Issued(token, secret)


def revoke(token: ApiToken, by_user, now=None):
    if token.user_id != by_user.id and by_user.role != ADMIN:
        raise DomainError(_l("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        token.revoked_by_id = by_user.id
        db.session.flush()
    return token


def looks_like_token(secret: str) -> bool:
    return secret.startswith(TOKEN_PREFIX) and len(secret) <= 100


def authenticate(secret: str, now=None):
    """(token, user) for a live token of an active user, else None. One query, or none while
    the token's lookup is kept (rakor/api/token_cache.py)."""
    if not looks_like_token(secret):
        return None
    now = now or utcnow()
    token_hash = digest(secret)
    token, user, generation = token_cache.lookup(token_hash, db.session)
    if token is None:
        row = db.session.execute(
            select(ApiToken, User, tenancy.extra_agency_ids_column()).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == token_hash)).first()
        if row is None:
            return None
        token, user, extra_agency_ids = row
        tenancy.keep_extra_agency_ids(user, extra_agency_ids)  # as the pages load them
        token_cache.remember(token, user, generation)
    if not token.is_live(now) or not user.active:
        return None
    return token, user


def record_use(token: ApiToken, now=None):
    """Sets last_used_at (at most once a minute per token); the caller's transaction commits it."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return False
    db.session.execute(update(ApiToken).where(
        ApiToken.id == token.id,
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION))
        .values(last_used_at=now).execution_options(page_cache_scopes=(), api_token_cache=False))
    token.last_used_at = now
    return True


def tokens_of(user):
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                        ApiToken.id.desc())).all()


def all_tokens(limit=500):
    return db.session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(limit)).all()


def get_token(token_id):
    return db.session.get(ApiToken, token_id)
