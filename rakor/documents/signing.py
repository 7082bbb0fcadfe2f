"""Final documents, archived and signed: PDF/A-3b, then a PAdES signature with a visible stamp
(pyHanko), in an incremental update so that the PDF/A file stays as WeasyPrint wrote it.

Whose certificate. A final notulen or berita acara is signed with the organising agency's
certificate, a PKCS#12 file as BSrE issues it:
  1. `SIGNING_PKCS12_DIR/<agency id>.p12` (passphrase in `<agency id>.passphrase` beside it),
     one per organising agency;
  2. else the instance's `SIGNING_PKCS12` with `SIGNING_PKCS12_PASSPHRASE`;
  3. else nothing: the document is stored unsigned, and says so.
A demo meeting (`is_demo`) is signed only with the demo's own certificate
(rakor/documents/demo_certificates.py, made by `flask demo load`), never with a real agency's.

The stamp. The template reserves an empty box (`signature_slot`, id "e-signature") where the
signature block ends; after layout its position is known, the PDF is written, and pyHanko puts the
signature widget there with an appearance that WeasyPrint drew: "Ditandatangani secara
elektronik", the signer, the time, the QR code of the verification page and its address. Fonts are
embedded (Liberation Sans), as PDF/A wants; pyHanko's own text stamps would use an unembedded
standard font."""
import asyncio
import io
import logging
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from cryptography.utils import CryptographyDeprecationWarning
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from weasyprint import HTML

with warnings.catch_warnings():
    # pyHanko imports cryptography's DSA class, which warns on import; Rakor never uses DSA.
    warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning)
    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.stamp import StaticStampStyle

from rakor.core.errors import DomainError
from rakor.core.formatting import format_datetime_local
from rakor.core.types import utcnow
from rakor.documents import demo_certificates
from rakor.documents.pdf import StaticOnlyFetcher, static_root

log = logging.getLogger(__name__)

SLOT_ID = "e-signature"
# The stamp's size; the same numbers are in static/css/documents.css (.e-signature-slot) and
# static/css/signature_stamp.css (a test holds them together).
SLOT_WIDTH_MM = 95
SLOT_HEIGHT_MM = 30
FIELD_NAME = "TandaTanganElektronik"
STAMP_TEMPLATE = "documents/signature_stamp.html"
MM_TO_PT = 72 / 25.4


class SigningSetupError(DomainError):
    """A certificate is configured but cannot be used: the document is not finalised unsigned."""


@dataclass(frozen=True)
class SigningIdentity:
    signer: signers.SimpleSigner
    name: str  # the certificate's common name: who signs
    organization: str
    issuer: str  # the issuing CA's common name
    demo: bool = False


@dataclass(frozen=True)
class FinalPdf:
    """A final document as stored: its bytes and what the verification page says about it."""
    content: bytes
    page_count: int
    signer: str | None = None
    issuer: str | None = None
    signed_at: datetime | None = None


def signature_slot():
    """What a template needs to reserve the stamp's box (`{% include "documents/_signature_slot.html" %}`)."""
    return {"id": SLOT_ID}


# --- whose certificate ------------------------------------------------------------------------

def identity_for(agency, *, demo=False) -> SigningIdentity | None:
    """The certificate that signs `agency`'s final documents, or None (unsigned). A certificate
    that is configured but cannot be read raises SigningSetupError."""
    source = _certificate_source(agency, demo)
    return _load(*source) if source is not None else None


def will_sign(agency, *, demo=False) -> bool:
    """Whether `agency`'s final documents get signed (a certificate is set up), without reading
    it: for the templates that reserve the stamp's place and the pages that say "unsigned"."""
    return _certificate_source(agency, demo) is not None


def _certificate_source(agency, demo):
    """(PKCS#12 path, passphrase bytes or None, is demo) as the module docstring orders them."""
    config = current_app.config
    if demo:
        found = demo_certificates.demo_identity(demo_signing_dir())
        return (found.pkcs12_path, found.passphrase, True) if found is not None else None
    directory = config.get("SIGNING_PKCS12_DIR")
    if directory and agency is not None:
        path = Path(directory) / f"{agency.id}.p12"
        if path.is_file():
            secret = path.with_suffix(".passphrase")
            return path, (secret.read_bytes().strip() if secret.is_file() else None), False
    path = config.get("SIGNING_PKCS12")
    if path:
        passphrase = config.get("SIGNING_PKCS12_PASSPHRASE")
        return Path(path), passphrase.encode() if isinstance(passphrase, str) else passphrase, False
    return None


def demo_signing_dir() -> Path:
    return Path(current_app.config.get("DEMO_SIGNING_DIR")
                or Path(current_app.instance_path) / "demo-signing")


def _load(path, passphrase, demo=False) -> SigningIdentity:
    try:
        data = Path(path).read_bytes()
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except (OSError, ValueError) as e:
        log.error("signing certificate %s cannot be used: %s", path, e)
        raise SigningSetupError(_l("The agency's signing certificate cannot be used (file missing, or a "
                                   "wrong passphrase). Nothing was finalised; ask the administrator.")) from e
    subject, issuer = signer.signing_cert.subject.native, signer.signing_cert.issuer.native
    return SigningIdentity(signer=signer, name=subject.get("common_name") or "",
                           organization=subject.get("organization_name") or "",
                           issuer=issuer.get("common_name") or "", demo=demo)


# --- rendering and signing ---------------------------------------------------------------------

def sign_final_pdf(pdf, agency, *, demo=False, verification_url=None, timezone=None, reason=None,
                   location=None) -> FinalPdf:
    """A final document of `agency` as it is stored: signed with its certificate when one is set
    up (`identity_for`), else as it is; with its page count."""
    return finish_final_pdf(pdf, identity_for(agency, demo=demo), verification_url=verification_url,
                            timezone=timezone, reason=reason, location=location)


def finish_final_pdf(pdf, identity: SigningIdentity | None, *, verification_url=None, timezone=None,
                     reason=None, location=None) -> FinalPdf:
    """The final document from its archival PDF (`html_to_pdf`, in the request or by the document
    worker): signed by `identity` when there is one (the document must then hold the signature
    slot), with its page count."""
    reader = PdfReader(io.BytesIO(pdf))
    page_count = len(reader.pages)
    if identity is None:
        return FinalPdf(content=pdf, page_count=page_count)
    page_index, box = slot_position(reader)
    signed_at = utcnow()
    stamp = render_stamp(identity, signed_at, verification_url, timezone)
    content = sign_pdf(pdf, identity, page_index, box, stamp, reason=reason, location=location)
    return FinalPdf(content=content, page_count=page_count, signer=identity.name, issuer=identity.issuer,
                    signed_at=signed_at)


def slot_position(reader):
    """(page index, (x1, y1, x2, y2) in PDF points) of the signature slot. WeasyPrint writes every
    element id as a named destination at its top left corner, so the slot is found in the PDF
    itself, whoever rendered it."""
    destination = reader.named_destinations.get(SLOT_ID)
    if destination is None:
        raise ValueError(f"the document has no signature slot (#{SLOT_ID})")
    left, top = float(destination.left), float(destination.top)
    width, height = SLOT_WIDTH_MM * MM_TO_PT, SLOT_HEIGHT_MM * MM_TO_PT
    box = (round(left), round(top - height), round(left + width), round(top))
    return reader.get_destination_page_number(destination), box


def render_stamp(identity, signed_at, verification_url, timezone) -> bytes:
    """The stamp's picture, a one-page PDF of the slot's size (WeasyPrint, fonts embedded)."""
    html = render_template(
        STAMP_TEMPLATE, identity=identity,
        signed_on=format_datetime_local(signed_at, timezone or current_app.config["TZ"], "id"),
        verification_url=verification_url,
        qr=segno.make(verification_url, error="m").svg_data_uri(border=0, dark="#000")
        if verification_url else None)
    base_url = static_root().resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher(static_root())).write_pdf()


def _outside_any_event_loop(work):
    """pyHanko's synchronous API runs its async one with asyncio.run(), which refuses to start in
    a thread whose event loop is running (an async server, or Playwright's sync API in the
    browser journeys): there it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_pdf(pdf, identity, page_index, box, stamp_pdf, *, reason=None, location=None) -> bytes:
    """PAdES baseline B-B signature of `pdf` by `identity`, visible at `box` on page
    `page_index` with `stamp_pdf` as its appearance, appended as an incremental update.

    A certification (DocMDP) signature: the agency certifies the final document; later changes
    break it, except filling forms and adding signatures (MDPPerm.FILL_FORMS), so an official may
    still countersign the file with their own certificate. No timestamp authority is asked (the
    app has no internet at run time): the signing time is the server's clock."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as stamp_file:
        stamp_file.write(stamp_pdf)
        stamp_file.flush()
        style = StaticStampStyle(background=ImportedPdfPage(stamp_file.name), border_width=0,
                                 background_opacity=1.0)
        pdf_signer = signers.PdfSigner(
            meta, signer=identity.signer, stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page_index, box=box))
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        try:
            return _outside_any_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
        except SigningError as e:
            log.error("signing failed: %s", e)
            raise SigningSetupError(_l("The document could not be signed with the agency's certificate "
                                       "(%(reason)s). Nothing was finalised.", reason=str(e))) from e
