"""What each role sees first: the panels features register (key, template, loader, order).

`loader(user) -> context | None`; None leaves the panel out for that user. Each panel's
template is rendered with its own context, so two features' keys never collide.

The page (the heading and the panels, in the layout that names the reader) is kept per reader
and data version (rakor/core/page_cache.py `reader_page`, not while a flashed message waits):
home is a fifth of a meeting day's requests and was rendered whole every time. A panel says what
its data is with `reads(user)` (scopes: default `page_cache.ALL_MEETINGS`, the rows of every
meeting; the reader's own scope, which the notices and the layout move, is always named; `global`
too, as for every fragment), and when the clock alone changes it with `lapses_at(user, context)`
(a UTC datetime or None). The page is kept until the earliest of these, and at most
PAGE_CACHE_TTL (a lag that no panel's window, a day or twelve hours, notices)."""
from datetime import timedelta

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from rakor.auth import tenancy
from rakor.core import page_cache
from rakor.core.registry import Registry
from rakor.core.types import utcnow

panels = Registry("dashboard panels")
DEFAULT_READS = (page_cache.ALL_MEETINGS,)


def render_dashboard(user):
    """The home page of `user`: the heading and the HTML of every panel the user gets, in order,
    kept whole for the reader."""
    lapses = []

    keep = page_cache.active()

    def panel_html():
        html, contexts = [], []
        for entry in panels:
            context = entry.loader(user)
            if context is None:
                continue
            contexts.append(context)
            html.append(Markup(render_template(entry.template, **context)))
            lapses_at = entry.extra.get("lapses_at")
            if keep and lapses_at is not None:
                lapses.append(lapses_at(user, context))
        # The heading is rendered while the panels' contexts are alive (`contexts`): the
        # session's identity map holds objects weakly, and the heading's `user.agency` is read
        # from it without a query when a panel loaded it (the committee's upcoming meetings load
        # their organizer). Dropped after the panels, that agency lived or not as the garbage
        # collector chose, and the page ran a query more or less from one request to the next.
        return {"panels": html, "contexts": contexts}

    def seconds_kept():
        ends = [at for at in lapses if at is not None]
        return None if not ends else (min(ends) - utcnow()) / timedelta(seconds=1)

    def page():
        return render_template("main/dashboard.html", **panel_html())

    if not keep:
        return page()
    # Kept whole: the content is the reader's own already, so the layout around it (which names
    # the reader too) is kept with it, and a kept home renders nothing.
    return page_cache.reader_page(_key(user), _scopes(user), page, ttl=seconds_kept, name="home")


def _key(user):
    # The query string (the layout's language form sends the reader back to the same address)
    # and where the app is mounted (every link).
    return (f"home:{user.id}:{tenancy.viewer_class(user)}:{get_locale()}:{request.query_string.decode('latin-1')}"
            f":{request.script_root}")


def _scopes(user):
    scopes = {page_cache.reader_scope(user.id)}
    for entry in panels:
        reads = entry.extra.get("reads")
        scopes.update(DEFAULT_READS if reads is None else reads(user))
    return sorted(scopes)
