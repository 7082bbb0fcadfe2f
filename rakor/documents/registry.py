"""Document kinds by name: the download route, `flask documents render MEETING_ID KIND` and the
links on meeting pages all read this one table. Features register their kinds from their
`init_app` (the attendance sheet from participants; minutes, agreement record and monitoring
report later); documents itself knows none of them.

A kind says who may have it (`permission`, a policy rule on the meeting) and builds its
template's context with `context(meeting, user)`; `user` is None for the command line, whose
operator has the database anyway. A kind that shows personal data decides there how much of it
this user gets."""
from collections.abc import Callable
from dataclasses import dataclass

from rakor.documents.pdf import render_html
from rakor.documents.pdf import render_pdf as render_template_pdf
from rakor.policy import can


@dataclass(frozen=True)
class DocumentKind:
    name: str  # in the URL: /meetings/<id>/documents/<name>.pdf
    title: str  # Indonesian, as the document calls itself
    filename_prefix: str  # 'daftar-hadir' -> daftar-hadir-2024-02-01-<meeting title>.pdf
    template: str
    context: Callable  # (meeting, user | None) -> the template's context
    permission: str = "meeting.view"
    label: str | None = None  # the link's text on meeting pages (translated); default: title
    # (context) -> rows the document prints. With a queue (REDIS_URL), from DOCUMENT_QUEUE_THRESHOLD
    # rows on the worker renders it and the page says "being prepared" (rakor.documents.jobs).
    size: Callable | None = None
    # Query arguments of the document URL the kind reads (?columns=gender,phone); when it names
    # any, `context` is called with `options={name: text}` as well.
    options: tuple = ()
    # A kind whose PDF is not its template rendered anew (final minutes are served as stored,
    # and have drafts): `pdf(meeting, user, draft=False) -> bytes`. It, and `context`, raise
    # LookupError when there is nothing to give (no final version yet).
    pdf: Callable | None = None
    has_drafts: bool = False


_KINDS: dict[str, DocumentKind] = {}
_meeting_loader: Callable | None = None


def register(kind: DocumentKind):
    """Add or replace `kind` (a second create_app registers the same kinds again)."""
    _KINDS[kind.name] = kind
    return kind


def unregister(name):
    _KINDS.pop(name, None)


def get(name) -> DocumentKind | None:
    return _KINDS.get(name)


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)


def kinds_for(user, meeting) -> list[DocumentKind]:
    """The kinds `user` may have for `meeting`, for the links on meeting pages."""
    return [k for k in kinds() if can(user, k.permission, meeting)]


def names() -> list[str]:
    return sorted(_KINDS)


def provide_meeting_loader(loader: Callable):
    """`loader(meeting_id) -> Meeting | None`, given by the meetings feature so that documents
    serves meetings' documents without importing meetings."""
    global _meeting_loader
    _meeting_loader = loader


def load_meeting(meeting_id):
    if _meeting_loader is None:
        raise RuntimeError("no meeting loader: rakor.meetings.init_app provides it")
    return _meeting_loader(meeting_id)


def context_of(kind: DocumentKind, meeting, user, options=None) -> dict:
    if not kind.options:
        return kind.context(meeting, user)
    wanted = {k: v for k, v in (options or {}).items() if k in kind.options}
    return kind.context(meeting, user, options=wanted)


def render_pdf(kind: DocumentKind, meeting, user, options=None, draft=False) -> bytes:
    if kind.pdf is not None:
        return kind.pdf(meeting, user, draft=draft)
    if draft:
        raise LookupError(f"{kind.name} has no drafts")
    return render_template_pdf(kind.template, **context_of(kind, meeting, user, options))


def render_preview(kind: DocumentKind, meeting, user, options=None) -> str:
    """The same template on screen (print preview), static files served through /static/."""
    return render_html(kind.template, for_pdf=False, **context_of(kind, meeting, user, options))
