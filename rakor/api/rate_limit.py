"""The API's rate limit: API_RATE_LIMIT requests per token (or per client address for a browser
session) and endpoint, counted in the rate limiter's storage (Redis in production, shared by
the workers) with Flask-Limiter's own strategy, keys and prefix, as when the limit was declared
on the blueprints.

Checked here, from the API's authentication hook, rather than by Flask-Limiter's before_request:
that walk (the view's qualified name, the blueprint's limits and exemptions, the limit string
parsed again, the request context's bookkeeping) cost a list request about a tenth of its Python
calls for one counter increment. Flask-Limiter leaves the API's blueprints alone (`init_app`
registers a request filter); its limits of the pages are untouched. Those limits are on their
views (sign-in, password links, invitation pages, the calendar feed), whose decorator checks
them itself: where the app has no default, application or blueprint limit (`note_idle_hooks`),
Flask-Limiter's hooks have nothing to check on any page either, and return at once there too.

With a token and the token cache on the rate limiter's Redis (RATELIMIT_STORAGE_URI = REDIS_URL,
production's default) and the fixed window (Flask-Limiter's default strategy), the counters are
incremented in the same Redis round trip as the token's lookup (token_cache.read_counting), under
the keys and with the expiry limits' own fixed window uses, so the two paths count alike.
"""
import math
import time
from functools import lru_cache

from flask import current_app, request
from limits import parse_many
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from rakor.api import token_cache
from rakor.api.http import problem
from rakor.extensions import limiter


@lru_cache(maxsize=8)
def _limits(text):
    # Flask-Limiter checks the lowest limit first ("10 per second; 600 per minute").
    return tuple(sorted(parse_many(text)))


def init_app(app, blueprint_names):
    names = frozenset(blueprint_names)
    if not getattr(limiter, "_rakor_api_filter", None):
        # The Limiter is shared by every app of a process: one filter, reading the names.
        limiter._rakor_api_filter = names
        limiter.request_filter(lambda: request.blueprint in limiter._rakor_api_filter)
    _skip_limiter_hooks_in_api(app)


_IDLE = "rakor.limiter_hooks_idle"


def note_idle_hooks(app):
    """Once every blueprint is registered: whether Flask-Limiter's hooks have nothing to check on
    any request of `app`. They evaluate default, application and blueprint limits (and the
    in-memory fallback's, when its storage fails); a view's own limits are checked by its
    decorator, which does not need them. With none of those, the hooks return at once on every
    request (about 130 Python calls of a kept page each time, a thirtieth of a meeting day's
    workers' time); a limit of those kinds added later turns them back on."""
    manager = limiter.limit_manager
    app.extensions[_IDLE] = not (
        manager.default_limits or manager.application_limits or limiter._in_memory_fallback_enabled
        or any(manager.blueprint_limits(app, name) for name in app.blueprints))


def _skip_limiter_hooks_in_api(app):
    """Flask-Limiter's three hooks do nothing for an API request (its request filter above
    exempts the API: no limit is evaluated, so no header is added either), yet walked the view's
    name, the limit manager and the request context's bookkeeping first: about 180 Python calls
    of a list request. They are wrapped to return at once on the API's blueprints, and on every
    request where they have nothing to check (`note_idle_hooks`)."""
    def skipped_in_api(hook, answer):
        if getattr(hook, "_rakor_skipped_in_api", False):
            return hook

        def wrapper(*args):
            if current_app.extensions.get(_IDLE) or request.blueprint in limiter._rakor_api_filter:
                return answer(*args)
            return hook(*args)

        wrapper._rakor_skipped_in_api = True
        wrapper.__wrapped__ = hook
        return wrapper

    def is_limiters(hook):
        bound = getattr(hook, "__self__", None) or (getattr(hook, "args", None) or (None,))[0]
        return bound is limiter

    nothing = lambda *args: None  # noqa: E731
    unchanged = lambda response: response  # noqa: E731
    for funcs, answer in ((app.before_request_funcs, nothing), (app.after_request_funcs, unchanged),
                          (app.teardown_request_funcs, nothing)):
        hooks = funcs.get(None, [])
        hooks[:] = [skipped_in_api(h, answer) if is_limiters(h) else h for h in hooks]


def _counted_with_token_read(strategy, items, identifiers, token_hash):
    """The counts of `items`, counted in the token cache's round trip; None when that cannot be."""
    config = current_app.config
    storage = limiter.storage
    if (token_hash is None or type(strategy) is not FixedWindowRateLimiter
            or not isinstance(storage, RedisStorage) or config.get("RATELIMIT_STORAGE_URI") != config.get("REDIS_URL")):
        return None
    counters = [(storage.prefixed_key(item.key_for(*identifiers)), item.get_expiry()) for item in items]
    return token_cache.read_counting(token_hash, counters)


def refused(key, token_hash=None):
    """None, or the 429 problem (with Retry-After) once `key` is past API_RATE_LIMIT on this
    request's endpoint. Every limit is counted, as Flask-Limiter did. `token_hash`: the token the
    request will look up, whose cached entry may be read in the same round trip."""
    if not (limiter.enabled and limiter.initialized and current_app.config.get("RATELIMIT_ENABLED", True)):
        return None
    endpoint = request.endpoint
    if not endpoint or request.blueprint not in limiter._rakor_api_filter:
        return None
    strategy = limiter.limiter
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    identifiers = (prefix, key, endpoint) if prefix else (key, endpoint)
    items = _limits(current_app.config["API_RATE_LIMIT"])
    counts = _counted_with_token_read(strategy, items, identifiers, token_hash)
    if counts is None:
        breached = [item for item in items if not strategy.hit(item, *identifiers)]
    else:
        breached = [item for item, count in zip(items, counts, strict=True) if count > item.amount]
    if not breached:
        return None
    current_app.logger.info("ratelimit %s (%s) exceeded at endpoint: %s", breached[0], key, endpoint)
    reset = strategy.get_window_stats(breached[0], *identifiers).reset_time
    return problem(429, headers={"Retry-After": str(max(1, math.ceil(reset - time.time())))})
