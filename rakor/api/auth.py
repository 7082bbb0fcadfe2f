"""Who is calling the API: a personal access token in the Authorization header, or (for reads,
and for writes that carry the CSRF token) the session cookie of a signed-in browser.

A token never signs anyone in to the HTML pages: this hook looks at API paths only, and Rakor
has no Flask-Login request loader, so a page sees an `Authorization` header as nothing.
"""
from flask import current_app, g, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from rakor.api import rate_limit, token_cache, tokens
from rakor.api.http import SAFE_METHODS, problem, wants_problem
from rakor.extensions import csrf, db, login_manager

# Names a client might put a token under in the URL: refused, because URLs end up in logs,
# proxies and browser histories.
TOKEN_QUERY_PARAMETERS = ("access_token", "token", "api_key", "apikey", "key", "bearer")


def _bearer():
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def rate_limit_key(token_hash=None):
    """Per token (its hash, so the limiter needs no database), else per client address."""
    if token_hash is None:
        secret = _bearer()
        token_hash = tokens.digest(secret) if secret else None
    if token_hash:
        return "api-token:" + token_hash[:24]
    return "api-addr:" + (request.remote_addr or "")


def authenticate_request():
    """Before every request (ahead of the policy check): resolves the API caller."""
    if not wants_problem():
        return None
    g.rakor_locale = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    g.api_token = None
    secret = _bearer()
    token_hash = tokens.digest(secret) if secret else None
    # First, as Flask-Limiter's hook was; a token that will be looked up is read with the count.
    refused = rate_limit.refused(rate_limit_key(token_hash),
                                 token_hash if secret and tokens.looks_like_token(secret) else None)
    if refused is not None:
        return refused
    if any(name in request.args for name in TOKEN_QUERY_PARAMETERS):
        return problem(400, gettext("Tokens are accepted in the Authorization header only, never "
                                    "in the URL; revoke a token that was sent in a URL."))
    if secret is None:
        if (request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True)
                and current_user.is_authenticated):
            csrf.protect()  # a browser session writes only with its CSRF token, as on the pages
        return None
    found = tokens.authenticate(secret) if secret else None
    if found is None:
        return problem(401, gettext("The token is unknown, expired or revoked, or its user is "
                                    "deactivated."))
    token, user = found
    # This request only: no session, no cookie.
    login_manager._update_request_context_with_user(user)
    g.api_token = token
    _record_use(token, user)
    if request.method not in SAFE_METHODS and not token.can_write:
        return problem(403, gettext("This token may only read; create a read and write token "
                                    "to change data."))
    return None


def _record_use(token, user):
    """Best effort: "last used" is advisory (minute precision), so a write that cannot be made
    now (SQLite locked by a concurrent writer, a database going away: the request then fails on
    its own) does not refuse the request; the next request records it."""
    try:
        if tokens.record_use(token):
            token_cache.remember_use(token, user)
            db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        current_app.logger.info("last use of API token %s not recorded: %s", token.id, error.orig or error)

