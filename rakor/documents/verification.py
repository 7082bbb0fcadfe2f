"""The public verification page of final documents, /v/<code>: the address printed under a final
notulen or berita acara and in the QR code of its signature stamp.

Features register a lookup (`register(key, lookup)`, `lookup(code) -> VerifiedDocument | None`);
documents imports none of them. Anyone may check a copy: the page takes the PDF itself and hashes
it in the browser (static/documents/verify.js, Web Crypto), so the file never leaves the reader's
computer; only its SHA-256 comes back in the query string (`?sha256=`), which also works typed by
hand, without JavaScript. The page then says in plain words whether the copy is the final version
as stored ("asli"), who signed it and when, its nomor and its page count."""
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, make_response, render_template, request

from rakor.core.registry import Registry
from rakor.core.urls import external_url
from rakor.documents import bp
from rakor.extensions import limiter
from rakor.policy import public

CODE_RE = re.compile(r"[A-Za-z0-9_-]{8,24}")
SHA256_RE = re.compile(r"[0-9a-f]{64}")

lookups = Registry("document verification")


@dataclass(frozen=True)
class VerifiedDocument:
    kind: str  # 'Notulen Rapat', 'Berita Acara Kesepakatan'
    meeting_title: str
    meeting_starts_at: datetime
    timezone: str
    sha256: str | None  # None while the PDF is being prepared
    finalised_at: datetime | None = None
    finalised_by: str | None = None
    version: int | None = None
    nomor: str | None = None
    page_count: int | None = None
    signer: str | None = None  # the certificate's name; None: not signed electronically
    signer_issuer: str | None = None
    signed_at: datetime | None = None


CODE_ALPHABET = string.ascii_letters + string.digits


def new_code() -> str:
    """12 letters and digits (71 random bits): short enough to type from paper. No '-' or '_'
    (token_urlsafe has both): a hyphen where the printed line breaks reads as a line-break
    hyphen, to people and to text extraction (pdftotext drops it and joins the next line), and
    '_' hides in an underlined link; one final PDF in 64 printed such a code, the "flaky"
    verification assertion of tests/minutes/test_queue.py. Codes printed before keep working:
    the page looks a code up as it is."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def register(key, lookup, order=100):
    lookups.register(key, loader=lookup, order=order)


def find(code) -> VerifiedDocument | None:
    if not CODE_RE.fullmatch(code):
        return None
    for entry in lookups:
        found = entry.loader(code)
        if found is not None:
            return found
    return None


def verification_url(code) -> str:
    """The full address of a verification page, as printed on the document and in its QR code:
    on the configured BASE_URL (rakor.core.urls.external_url), never on a request's Host."""
    return external_url("documents.verify", code=code)


def _verification_limit():
    return current_app.config.get("VERIFICATION_RATE_LIMIT") or current_app.config["INVITATION_RATE_LIMIT"]


# One counter per client address across verification pages: codes cannot be guessed at speed.
verification_limit = limiter.shared_limit(_verification_limit, scope="document-verification")


@bp.route("/v/<code>")
@public
@verification_limit
def verify(code):
    """Is this copy genuine? What the final document is, who signed it, and whether the SHA-256
    of the reader's copy (`?sha256=`) is the stored file's."""
    found = find(code)
    if found is None:
        response = make_response(render_template("documents/verify.html", valid=False), 404)
    else:
        checked = (request.args.get("sha256") or "").strip().lower()
        matches = None
        if checked:
            matches = bool(SHA256_RE.fullmatch(checked)) and checked == found.sha256
        response = make_response(render_template(
            "documents/verify.html", valid=True, doc=found, checked=checked, matches=matches,
            file_name=(request.args.get("file") or "")[:200]))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
