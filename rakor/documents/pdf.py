"""HTML templates to PDF with WeasyPrint, fetching nothing but the app's own static files.

A document template may link `css/documents.css` (relative to `static_base`) or embed images as
`data:` URLs. Every other URL (http, https, file:// outside static/, ftp...) is refused, so a
name typed into a participant field can never make the server fetch something (compare Indico's
indico/modules/receipts/util.py, which does the same for receipts)."""
import gc
import mimetypes
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, has_request_context, render_template
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from rakor.documents import parts

# While WeasyPrint lays out a document it allocates millions of small objects (boxes, styles,
# lines) and keeps most of them until the end. With CPython's default gen-0 threshold (700) the
# collector runs thousands of times per render and each older-generation pass walks the whole
# growing box tree: 25-35 % of a render's CPU time (bench/bench_minutes.py), more the larger the
# document. During a render gen-0 collections run every RENDER_GC_THRESHOLD allocations instead;
# cycles are still collected, the previous thresholds come back when the last render in the
# process ends.
RENDER_GC_THRESHOLD = 100_000
_gc_lock = threading.Lock()
_gc_renders = 0
_gc_saved = None


@contextmanager
def fewer_gc_pauses():
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(RENDER_GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_saved)


class StaticOnlyFetcher(URLFetcher):
    """Serves files under `static_root` and data: URLs; refuses everything else."""

    def __init__(self, static_root, **kwargs):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
        self.static_root = Path(static_root).resolve()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.static_root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                          headers={"Content-Type": content_type})
        raise ValueError(f"documents may only use the app's static files, not {url[:80]!r}")


def static_root():
    return Path(current_app.static_folder)


# Every PDF Rakor writes is an archival one: PDF/A-3b (fonts embedded, sRGB output intent, XMP
# metadata with pdfaid:part=3, conformance B) and tagged (a structure tree and /MarkInfo, so that
# screen readers and text extraction follow the reading order). PDF/A-3 rather than 2 because
# the final notulen and berita acara are then signed by pyHanko in an incremental update, which
# PDF/A-3 allows and keeps. "pdf/ua" is not claimed: WeasyPrint writes one variant at a time, and
# the tags alone are what a reader needs. /Title comes from the template's <title>, /Author from
# <meta name="author"> (the organising agency, `document_author`), /Lang from <html lang="id-ID">
# (templates/documents/base.html).
ARCHIVAL_PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}
DOCUMENT_LANG = "id-ID"


def document_author(context) -> str:
    """Who issues the document, for the PDF's Author: the organising agency when the context has
    one, else the organisation running this Rakor."""
    organizer = context.get("organizer")
    return (context.get("document_author") or getattr(organizer, "name", None)
            or current_app.config.get("ORGANIZER_NAME") or "Rakor")


def render_html(template_name, *, for_pdf=True, **context):
    """The document's HTML. For the PDF, static files are addressed relative to the static
    folder; for the on-screen preview, through /static/."""
    from flask import url_for

    static_base = "" if for_pdf else url_for("static", filename="")
    context["document_author"] = document_author(context)
    return render_template(template_name, static_base=static_base, for_pdf=for_pdf,
                           document_lang=DOCUMENT_LANG, **context)


def layout(template_name, **context):
    """The laid-out document (WeasyPrint's Document: its `pages`, each with the `anchors` of the
    elements with an id), for a kind that measures where its content ends before rendering."""
    return _document(render_html(template_name, for_pdf=True, **context))


def render_pdf(template_name, **context) -> bytes:
    """Render `templates/<template_name>` with `context` to PDF bytes. Needs an app context."""
    return html_to_pdf(render_html(template_name, for_pdf=True, **context))


def html_to_pdf(html) -> bytes:
    """The slow half of `render_pdf` (WeasyPrint), on its own so that a worker can run it on HTML
    a request built (rakor.documents.jobs). Needs an app context: the static folder."""
    from rakor.core.metrics import DOCUMENT_RENDER, timed

    with timed(DOCUMENT_RENDER, "request" if has_request_context() else "worker"), fewer_gc_pauses():
        if parts.marked_count(html) >= current_app.config["PDF_PARTS_FROM"]:
            return parts.render_in_parts(html, base_url=_base_url(), url_fetcher=StaticOnlyFetcher(static_root()),
                                         write=write_archival_pdf)
        return write_archival_pdf(_document(html))


def write_archival_pdf(document) -> bytes:
    """A laid-out WeasyPrint document as PDF/A-3b, tagged: the one place that writes PDFs."""
    with fewer_gc_pauses(), warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and never closes the
        # file (weasyprint/pdf/__init__.py, `ColorProfile((...).open('rb'), ...)`): CPython closes
        # it as soon as it is dropped, but warns (ResourceWarning) while doing so.
        warnings.simplefilter("ignore", ResourceWarning)
        return document.write_pdf(finisher=_producer_in_xmp_only, **ARCHIVAL_PDF_OPTIONS)


def _producer_in_xmp_only(_document, pdf):
    """PDF/A wants the Info dictionary and the XMP metadata to agree. pyHanko, signing in an
    incremental update, appends itself to Info's /Producer ("WeasyPrint 70.0; pyHanko ...") but
    writes only itself into the XMP: they would differ. Without an Info /Producer, pyHanko writes
    the same name into both; an unsigned file names its producer in the XMP alone."""
    pdf.info.pop("Producer", None)


def _base_url():
    return static_root().resolve().as_uri() + "/"


def _document(html):
    with fewer_gc_pauses():
        return HTML(string=html, base_url=_base_url(), url_fetcher=StaticOnlyFetcher(static_root())).render()

