"""Error pages: every failure a user can cause ends on a page in their language, never a 500."""
import errno
import math
import time
from urllib.parse import urlsplit

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from rakor.core.urls import is_safe_next
from rakor.extensions import db, limiter, login_manager
from rakor.policy import public
from rakor.storage import StorageUnavailableError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has been moved.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("File too large"), _l("The file or form you sent is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been logged; please try again later.")),
    503: (_l("Temporarily unavailable"), _l("The database cannot be reached for a moment. Nothing was "
                                             "changed; please try again in a few seconds.")),
    507: (_l("Storage full"), _l("The server has no room left to store files. Nothing was saved; "
                                 "please tell the administrator and try again later.")),
}
STORAGE_UNAVAILABLE = _l("The file storage cannot be reached for a moment. Nothing was changed; please "
                         "try again in a few seconds.")
# A full upload disk (or quota) is an operating condition, not a bug: whatever was writing
# (materials, import uploads, later features) the user gets a clear page, not a generic 500.
STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT}


# Path prefixes whose errors another renderer answers, even where no route matched (a 404 or
# 405 under /api/v1/ belongs to no blueprint): {prefix: handler(error)}. The HTTP API registers
# its problem+json renderer (rakor/api/__init__.py).
PREFIX_RENDERERS = {}


# Errors the user gets past by sending the form again: the page offers the way back to it.
RETRY = {400, 413, 429, 503}


def _retry_url():
    """The page to try again from: a GET is the page itself; a POST goes back to the page that
    sent the form (same site only; Referrer-Policy same-origin keeps the Referer for us), else
    to its own URL when that also shows a page (a form posting to itself)."""
    own = request.full_path.rstrip("?")
    if request.method == "GET":
        return own
    referrer = urlsplit(request.referrer or "")
    target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if referrer.netloc == request.host and is_safe_next(target):
        return target
    rule = request.url_rule
    return own if rule is not None and "GET" in rule.methods else None


def _seconds_until_allowed():
    """How long the rate limit that refused this request still holds (Flask-Limiter knows it
    for the request), or None when no limit was hit."""
    try:
        current = limiter.current_limit
    except RuntimeError:
        return None
    if current is None or not current.breached:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def _rate_limit_text():
    """"Wait a minute" is wrong for an hourly limit: the retry link would only fail again.
    The page says how long the limit really holds."""
    seconds = _seconds_until_allowed()
    if seconds is None:
        return None
    if seconds <= 90:
        return _l("Too many attempts in a short time. Wait %(n)d seconds, then try again.", n=seconds)
    return _l("Too many attempts in a short time. Wait %(n)d minutes, then try again.",
              n=max(2, round(seconds / 60)))  # reset_at is whole seconds: 3601 s is 60 minutes


def _rollback_quietly():
    """Roll the session back; with the database gone, the rollback itself may fail."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def render_error(code, detail=None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    if code == 429 and detail is None:
        detail = _rate_limit_text()
    retry_url = _retry_url() if code in RETRY else None
    context = {"code": code, "title": title, "text": detail or text, "retry_url": retry_url}
    try:
        page = render_template("errors/error.html", **context)
    except SQLAlchemyError:
        # The layout names the signed-in user, and loading them is what failed (the database
        # is down): show the page as to a visitor rather than fail inside the error page.
        _rollback_quietly()
        g._login_user = login_manager.anonymous_user()
        page = render_template("errors/error.html", **context)
    headers = {"Retry-After": "5"} if code == 503 else {}
    if code == 429 and (seconds := _seconds_until_allowed()) is not None:
        headers["Retry-After"] = str(seconds)  # Flask-Limiter's own headers are off (config.py)
    return page, code, headers


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, _l("The form expired or was not sent from this site. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code in (301, 302, 303, 307, 308) or e.code is None:
            return e
        for prefix, renderer in PREFIX_RENDERERS.items():
            if request.path.startswith(prefix):
                return renderer(e)
        return render_error(e.code if e.code in MESSAGES else 400)

    @app.errorhandler(OSError)
    def storage_full(e):
        if e.errno not in STORAGE_FULL:
            return unexpected(e)
        db.session.rollback()
        app.logger.error("storage full on %s %s: %s", request.method, request.path, e)
        return render_error(507)

    @app.errorhandler(StorageUnavailableError)
    def storage_unavailable(e):
        """The object store is down or unreachable (an upload or a download needs it): 503 with
        Retry-After, like the database's, and a line in the log for whoever runs the store."""
        _rollback_quietly()
        app.logger.error("object store unavailable on %s %s: %s", request.method, request.path, e)
        return render_error(503, STORAGE_UNAVAILABLE)

    @app.errorhandler(OperationalError)
    def database_unavailable(e):
        """PostgreSQL restarting or unreachable: an operating condition with its own page (503,
        Retry-After), not a bug's 500. Any other database error is a bug and stays a 500."""
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise e
        _rollback_quietly()
        app.logger.error("database unavailable on %s %s: %s", request.method, request.path, e.orig or e)
        return render_error(503)

    @app.teardown_appcontext
    def end_the_session_even_without_a_database(_exc):
        """Flask-SQLAlchemy ends every request's session with a ROLLBACK. When PostgreSQL stops
        after the response was made, that ROLLBACK fails outside every error handler and gunicorn
        sends a bare 500 instead of the finished page. Registered after Flask-SQLAlchemy's own
        teardown, this one runs before it (Flask runs them in reverse) and leaves it nothing to do."""
        try:
            db.session.remove()
        except OperationalError as error:
            # The request context is gone by now: the request is named in gunicorn's access log.
            app.logger.warning("database unavailable while ending a request's session: %s",
                               error.orig or error)
            try:
                db.session().invalidate()  # drop the dead connection from the pool, without SQL
            finally:
                db.session.registry.clear()

    @app.errorhandler(Exception)
    def unexpected(e):
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise e  # a test must see the traceback, not a friendly page
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    # Public so that error pages render for anonymous users too.
    public(csrf_error)
    public(http_error)
    public(storage_full)
    public(storage_unavailable)
    public(database_unavailable)
    public(unexpected)
