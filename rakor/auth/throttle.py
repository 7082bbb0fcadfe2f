"""Per-account sign-in limit: failed attempts counted for the e-mail address typed.

The per-address limit (LOGIN_RATE_LIMIT, on the view) must stay high because a venue's
delegates sign in from one public address; this one stops guessing one account's password
from many addresses. It counts the address typed whether or not an account has it, and a
locked address gets the same message either way, so the lock-out tells nothing about which
addresses have accounts. Counters live in the rate limiter's storage (Redis in production,
shared by the workers); keys hold a hash of the address, not the address.
"""
import hashlib
import math
import time

from flask import current_app
from limits import parse_many

from rakor.auth import services
from rakor.extensions import limiter

SCOPE = "login-account"


def _limits():
    return parse_many(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _key(email, scope=SCOPE):
    digest = hashlib.sha256(services.normalise_email(email).encode()).hexdigest()
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [part for part in (prefix, scope, digest) if part]


def _on():
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def minutes_locked(email) -> int:
    """0 when the address may try to sign in; else the whole minutes until it may again."""
    if not _on():
        return 0
    key = _key(email)
    waits = [limiter.limiter.get_window_stats(item, *key).reset_time - time.time()
             for item in _limits() if not limiter.limiter.test(item, *key)]
    return max(1, math.ceil(max(waits) / 60)) if waits else 0


def record_failure(email):
    if _on():
        key = _key(email)
        for item in _limits():
            limiter.limiter.hit(item, *key)


def forget(email):
    """A successful sign-in starts the count again."""
    if _on():
        key = _key(email)
        for item in _limits():
            limiter.limiter.clear(item, *key)


def reset_link_allowed(email) -> bool:
    """Counts a "forgot password" request for the address typed (PASSWORD_RESET_ACCOUNT_LIMIT);
    False once over the limit: the page answers as always and sends nothing more."""
    if not _on():
        return True
    key = _key(email, "password-reset")
    return all([limiter.limiter.hit(item, *key) for item in parse_many(current_app.config["PASSWORD_RESET_ACCOUNT_LIMIT"])])
