"""Meeting-scoped routes load and authorise in one place (Indico's `_process_args` then
`_check_access`, the Flask tutorial's `get_post`).

    @bp.route("/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
    @roles(COMMITTEE)
    @with_meeting("meeting.edit")
    def agenda_new(meeting): ...

`with_meeting(action, *options)` turns the URL's `meeting_id` into a `Meeting` (404 when there is
none), applies the policy rule `action` (403) and calls the view with `meeting` first.
- `refused=fn`: where a bare 403 would puzzle the user (the edit link of a meeting whose
  minutes are final), `fn(meeting)` answers instead; it returns a response, or None for the 403.
- `load=fn`: how the meeting is loaded, `fn(meeting_id, *options)` (default
  `queries.get_meeting`). A page that needs relationships passes a query function rather than
  loader options: options built at import time configure the mappers before every model exists.
`in_meeting(Model, id, meeting)` loads a sub-object of *that* meeting: another meeting's id in a
crafted URL is a 404, never a leak.
`kept_content(page, meeting, parts, render)`: a meeting page's content kept per data version and
viewer class (rakor/core/page_cache.py), for pages read many times on a meeting day.
`kept_for_reader(page, parts)`: the whole page (its layout names the reader) kept per reader and
served before the meeting is loaded (the meeting page's own way, `reader_key`, `reader_ttl`);
when it has lapsed, put together from the reader's kept shell (core/page_cache.py
`whole_for_reader`, `shell_scopes`) and the kept content.
"""
import functools

from flask import abort, g, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from rakor.auth import tenancy
from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings import queries, rules
from rakor.policy import can


def with_meeting(action, *options, load=None, refused=None):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(meeting_id, **kwargs):
            meeting = (load or queries.get_meeting)(meeting_id, *options)
            if meeting is None:
                abort(404)
            if not can(current_user, action, meeting):
                response = refused(meeting) if refused is not None else None
                if response is None:
                    abort(403)
                return response
            g.meeting = meeting
            return view(meeting, **kwargs)

        return wrapper

    return decorator


def in_meeting(model, object_id, meeting, *options):
    """`model` row `object_id` that belongs to `meeting`, or 404."""
    return db.one_or_404(
        select(model).where(model.id == object_id, model.meeting_id == meeting.id).options(*options))


def viewer_key(page, object_id):
    """What the content of a page about one object (a meeting, a region) depends on besides its
    data: the viewer's role and every agency it acts for (its own and those the administrator
    added: the policy rules and the agency choices look at nothing else), the locale and the
    query string, and where the app is mounted (its links)."""
    viewer = tenancy.viewer_class(current_user._get_current_object())  # not through the proxy
    return (f"{page}:{object_id}:{viewer}:{get_locale()}:{request.query_string.decode('latin-1')}"
            f":{request.script_root}")


def kept_content(page, meeting, parts, render):
    """The content `render()` returns (the page inside its layout, which names the reader), kept
    for every viewer of the same class while the meeting (its row, quotas, invitations, agenda)
    and its `parts` (core/page_cache.py MEETING_PARTS: what else the content reads) are
    unchanged. Everything the content reads must be covered: tests/meetings/test_page_cache_parts.py
    checks the tables each kept content reads against its scopes."""
    return page_cache.kept_content(page_cache.fragment(viewer_key(page, meeting.id), _scopes(meeting.id, parts),
                                                       render, name=page))


def _scopes(meeting_id, parts):
    """The meeting's own scope and those of its `parts` (core/page_cache.py MEETING_PARTS)."""
    return [page_cache.meeting_scope(meeting_id), *(page_cache.meeting_part_scope(meeting_id, p) for p in parts)]


def reader_key(page, meeting_id):
    """The key of `page` of `meeting_id` kept whole for the signed-in reader: its content's
    viewer key, and the reader (the layout names them)."""
    return page_cache.reader_key(viewer_key(page, meeting_id), current_user.id)


def shell_scopes(meeting_id):
    """What a reader's page of a meeting shows outside its content: the meeting's own row (its
    title) and the reader's layout (the navbar's unread notices). A shell vouches for the reader
    as the whole page does (`kept_for_reader`): the access rule reads nothing that moves another
    scope (the meeting's status, quotas and invitations move its own)."""
    return [page_cache.meeting_scope(meeting_id), page_cache.reader_scope(current_user.id)]


def reader_ttl(meeting):
    """Seconds a reader's whole page of `meeting` may be kept: until the clock alone could take
    `meeting.view` from the reader (`rules.view_lapses_at`), else no bound of its own."""
    lapses_at = rules.view_lapses_at(current_user, meeting)
    return None if lapses_at is None else (lapses_at - utcnow()).total_seconds()


def kept_for_reader(page, parts):
    """Keep the decorated view's page (HTML text; `with_meeting("meeting.view")` inside it) whole
    for each reader while the meeting, its `parts` and the reader's own layout are unchanged,
    and serve it before the meeting is loaded, as the meeting page does (meetings/views/meeting.py
    `view`): it was stored only after `meeting.view` let this reader in, and it is served only
    while that still holds. The rule reads the reader's role and agencies (in the key) and the
    meeting's status, quotas and invitations (the meeting's scope); the clock, its one other
    input, bounds the page's life (`reader_ttl`). Guarded by tests/meetings/test_page_cache_inputs.py.
    A kept copy skips the meeting's row and the layout's render: on a meeting day a reader opens
    the same list again and again between two changes of it. When a write of the list has ended
    the whole page, it is put together from the reader's shell (kept with it, by `shell_scopes`,
    which such a write does not move) and the content the viewer class shares, rendered once."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(meeting_id, **kwargs):
            if not page_cache.active():
                return view(meeting_id, **kwargs)
            return page_cache.whole_for_reader(
                current_user.id, [*_scopes(meeting_id, parts), page_cache.reader_scope(current_user.id)],
                (viewer_key(page, meeting_id), _scopes(meeting_id, parts)), lambda: view(meeting_id, **kwargs),
                ttl=lambda: reader_ttl(g.meeting),
                shell_scopes=[page_cache.meeting_scope(meeting_id)])

        return wrapper

    return decorator
