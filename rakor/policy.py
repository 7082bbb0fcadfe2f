"""The one permission policy.

Two layers, both here:
1. Every endpoint declares who may reach it (`@public`, `@authenticated`, `@roles(...)`).
   `enforce_endpoint_access` runs before every request and refuses what the declaration does
   not allow; an endpoint without a declaration is refused (fail closed) and a test walks
   `app.url_map` so such an endpoint never ships.
2. `can(user, action, obj)` answers object-level questions (role + the user's agency + the
   object's meeting/agency). Views call `require(...)`, which aborts with 403.
"""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from rakor.core.memo import remembered

ADMIN = "admin"
COMMITTEE = "committee"
DELEGATE = "delegate"
LEADERSHIP = "leadership"
ROLES = (ADMIN, COMMITTEE, DELEGATE, LEADERSHIP)

ACCESS_ATTR = "_rakor_access"
# Blueprints of machine interfaces (the HTTP API): an anonymous caller gets 401, not the
# sign-in page. The API registers its own (rakor/api/__init__.py).
NO_SIGN_IN_PAGE = set()
# Endpoints registered by Flask and extensions themselves: static files only.
FRAMEWORK_PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def _declare(view, access):
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view):
    """Anyone, logged in or not (login page, invitation links, error pages)."""
    return _declare(view, ("public",))


def authenticated(view):
    """Any logged-in, active user."""
    return _declare(view, ("authenticated",))


def roles(*allowed):
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        return _declare(view, ("roles", frozenset(allowed)))

    return decorator


def declared_access(endpoint):
    if endpoint in FRAMEWORK_PUBLIC_ENDPOINTS:
        return ("public",)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None) if view else None


def enforce_endpoint_access():
    if request.endpoint is None:  # 404 / 405: let Flask answer
        return None
    access = declared_access(request.endpoint)
    if access is None:
        current_app.logger.error("endpoint %s declares no access policy", request.endpoint)
        abort(403)
    if access[0] == "public":
        return None
    if not current_user.is_authenticated:
        if request.blueprint in NO_SIGN_IN_PAGE:
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if access[0] == "roles" and current_user.role not in access[1]:
        abort(403)
    return None


# --- object level ---------------------------------------------------------------------------

def can(user, action, obj=None):
    """May `user` do `action` to `obj`? Each feature declares its rules with `@rule` in its
    `rules.py` (meetings: rakor/meetings/rules.py)."""
    # Flask-Login's `current_user` proxy looks the user up again on every attribute read, and
    # a page's rules read the role and agency ~100 times: hand the rules the user itself.
    unwrap = getattr(user, "_get_current_object", None)
    if unwrap is not None:
        user = unwrap()
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"no policy rule for action {action!r}")
    if action in ONCE_PER_REQUEST and isinstance(getattr(obj, "id", None), int):
        # A rule that queries, asked again for the same object in one read (a page's own
        # check, its tabs, its sections): one query (rakor/core/memo.py says when it is kept).
        return remembered(("can", action, getattr(user, "id", None), type(obj), obj.id),
                          lambda: bool(rule(user, obj)))
    return bool(rule(user, obj))


def once_per_request(*actions):
    """Rules (by action) whose answer for one user and object is kept for the rest of a read
    request: those that query. A feature's init_app names its own."""
    ONCE_PER_REQUEST.update(actions)


ONCE_PER_REQUEST = set()


def require(user, action, obj=None):
    if not can(user, action, obj):
        abort(403)


def rule(action):
    def decorator(fn):
        RULES[action] = fn
        return fn

    return decorator


RULES = {}

# Feature rules live with their features: rakor/meetings/rules.py, rakor/participants/rules.py,
# rakor/commitments/rules.py; each feature's init_app imports them.
