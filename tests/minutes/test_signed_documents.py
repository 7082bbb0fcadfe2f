"""Final notulen and berita acara (#17, "Signed and archivable"): PDF/A-3b and tagged, signed with
PAdES by the organising agency's certificate when one is set up, stored once, served byte for
byte, and valid for Poppler's pdfsig and pyHanko's validator, and invalid after any change of a
signed byte; unsigned (and saying so) without a certificate. The verification page tells a reader
whether their copy is the final one."""
import hashlib
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from rakor.commitments import queries as commitment_queries
from rakor.commitments.documents import finalise_agreement
from rakor.documents import demo_certificates, signing
from rakor.extensions import db
from rakor.minutes import documents, queries, services
from tests.minutes.conftest import body

pdfsig_missing = shutil.which("pdfsig") is None


@pytest.fixture(scope="module")
def agency_certificate(tmp_path_factory):
    """A CA and a signing certificate as BSrE would issue them (the demo's generator, in a folder
    of this test module)."""
    return demo_certificates.ensure_demo_identity(tmp_path_factory.mktemp("pki"), "Bappeda Provinsi Notula")


@pytest.fixture
def with_certificate(app, agency_certificate, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_PKCS12", str(agency_certificate.pkcs12_path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", agency_certificate.passphrase.decode())
    return agency_certificate


def _finalise(mm):
    draft = services.save(mm.meeting, body(closing="Rapat ditutup."), mm.committee, None)
    final = services.finalise(mm.meeting, mm.leadership, draft.id, lambda c: f"https://rakor.example/v/{c}")
    return final, documents.publish_final_pdf(mm.meeting, final)


def _pdfsig(tmp_path, content, name="f.pdf"):
    if pdfsig_missing:
        pytest.skip("pdfsig (Debian's poppler-utils) is not installed")
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def _pyhanko_status(content, ca_path):
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _type, _headers, der = pem.unarmor(ca_path.read_bytes())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(content))
    assert len(reader.embedded_signatures) == 1
    # pyHanko's sync validator calls asyncio.run(): in a run that includes the browser journeys,
    # Playwright's event loop still runs in this thread, so it goes through the app's own way out.
    return signing._outside_any_event_loop(lambda: validate_pdf_signature(reader.embedded_signatures[0], context))


def _flip_a_signed_byte(content):
    """One bit changed in the signed part of the file (the page content, before the signature)."""
    data = bytearray(content)
    position = len(data) // 3  # inside the first signed range: the signature sits near the end
    data[position] ^= 0x01
    return bytes(data)


def test_every_final_document_is_pdf_a_3b_tagged_with_title_author_and_language(mm):
    _final, stored = _finalise(mm)
    reader = PdfReader(io.BytesIO(stored.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id-ID" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Notulen Rapat") and reader.metadata.author == "Bappeda Provinsi Notula"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "Bappeda Provinsi Notula" in xmp  # dc:creator
    assert len(root["/OutputIntents"]) == 1  # sRGB, as PDF/A wants
    # Drafts and the other documents go through the same writer.
    assert PdfReader(io.BytesIO(documents.render_minutes_pdf(mm.meeting, services.save(
        mm.meeting, body(closing="Versi 2."), mm.committee, _final.id, reason="Koreksi")))).trailer[
        "/Root"]["/Lang"] == "id-ID"


def test_without_a_certificate_documents_are_unsigned_and_say_so(mm, tmp_path, client):
    final, stored = _finalise(mm)
    assert stored.signer is None and stored.signed_at is None and stored.page_count >= 1
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(stored.content)).pages).split())
    assert "tidak ditandatangani secara elektronik" in text
    assert "does not contain any signatures" in _pdfsig(tmp_path, stored.content)
    page = client.get(f"/v/{final.verification_code}").get_data(as_text=True)
    assert 'id="verified-unsigned"' in page


def test_the_final_minutes_are_signed_once_and_valid_for_pdfsig_and_pyhanko(mm, with_certificate, tmp_path):
    final, stored = _finalise(mm)
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert stored.signer == "DEMO Bappeda Provinsi Notula" and stored.signed_at is not None
    assert stored.signer_issuer == demo_certificates.CA_NAME
    # Signed once: publishing again returns the stored file, the download serves it.
    assert documents.publish_final_pdf(mm.meeting, final).content == stored.content
    assert documents.MINUTES.pdf(mm.meeting, None) == stored.content

    report = _pdfsig(tmp_path, stored.content)
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Total document signed" in report and "Signer Certificate Common Name: DEMO Bappeda Provinsi Notula" in report
    status = _pyhanko_status(stored.content, with_certificate.ca_path)
    assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE" and status.docmdp_ok is not False
    # The visible stamp sits in the slot the document reserved, on the signature block's page.
    reader = PdfReader(io.BytesIO(stored.content))
    widgets = [(i, a.get_object()) for i, p in enumerate(reader.pages) for a in p.get("/Annots", [])]
    (page_index, widget), = [(i, w) for i, w in widgets if w.get("/FT") == "/Sig"]
    assert "Pimpinan Rapat" in reader.pages[page_index].extract_text()
    left, bottom, right, top = (float(v) for v in widget["/Rect"])
    assert right - left > 250 and top - bottom > 80 and "/AP" in widget  # 95 x 30 mm, drawn


def test_a_changed_byte_makes_the_signature_invalid_for_both(mm, with_certificate, tmp_path):
    _final, stored = _finalise(mm)
    forged = _flip_a_signed_byte(stored.content)
    report = _pdfsig(tmp_path, forged, "forged.pdf")
    assert "Signature is Valid" not in report and "Digest Mismatch" in report, report
    status = _pyhanko_status(forged, with_certificate.ca_path)
    assert not status.intact and not status.bottom_line


def test_an_unusable_certificate_refuses_finalisation(mm, app, tmp_path, monkeypatch, agency_certificate):
    monkeypatch.setitem(app.config, "SIGNING_PKCS12", str(agency_certificate.pkcs12_path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", "salah")
    draft = services.save(mm.meeting, body(closing="Rapat ditutup."), mm.committee, None)
    with pytest.raises(signing.SigningSetupError):
        services.finalise(mm.meeting, mm.leadership, draft.id, lambda c: f"https://rakor.example/v/{c}")


def test_a_per_agency_certificate_comes_before_the_instance_one(mm, app, tmp_path, monkeypatch, with_certificate):
    other = demo_certificates.ensure_demo_identity(tmp_path / "other", "Bappeda Lain")
    folder = tmp_path / "agencies"
    folder.mkdir()
    organizer_id = mm.meeting.organizer_agency_id
    shutil.copy(other.pkcs12_path, folder / f"{organizer_id}.p12")
    (folder / f"{organizer_id}.passphrase").write_bytes(other.passphrase + b"\n")
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_DIR", str(folder))
    _final, stored = _finalise(mm)
    assert stored.signer == "DEMO Bappeda Lain"


def test_the_berita_acara_becomes_final_signed_and_stored_when_the_commitments_close(
        mm, app, with_certificate, tmp_path):
    assert commitment_queries.agreement_record(mm.meeting.id) is None
    _finalise(mm)  # the held meeting becomes "minutes final": its commitments close
    assert mm.meeting.status == "minutes_final"
    record = commitment_queries.agreement_record(mm.meeting.id)
    assert record is not None and record.signer == "DEMO Bappeda Provinsi Notula" and record.page_count >= 1
    content = commitment_queries.agreement_content(mm.meeting.id)
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert finalise_agreement(mm.meeting) is record  # once
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "BERITA ACARA KESEPAKATAN" in text and "Perlindungan sosial keluarga miskin ekstrem" in text
    assert f"/v/{record.verification_code}" in text
    report = _pdfsig(tmp_path, content)
    assert "Signature Validation: Signature is Valid." in report, report
    assert _pyhanko_status(content, with_certificate.ca_path).bottom_line
    # `flask documents render ID agreement` writes the stored file, byte for byte.
    db.session.commit()
    out = tmp_path / "ba.pdf"
    result = app.test_cli_runner().invoke(args=["documents", "render", str(mm.meeting.id), "agreement", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == content


def test_a_meeting_without_agreed_commitments_has_no_berita_acara(mm):
    from rakor.commitments import services as commitments

    commitments.change_status(mm.agreed, "withdrawn", mm.committee, note="Batal")
    _finalise(mm)
    assert commitment_queries.agreement_record(mm.meeting.id) is None


def test_the_verification_page_says_genuine_with_signer_nomor_and_pages(mm, with_certificate, client):
    final, stored = _finalise(mm)
    url = f"/v/{final.verification_code}"
    page = client.get(f"{url}?sha256={stored.sha256}&file=notulen.pdf").get_data(as_text=True)
    assert 'id="hash-match"' in page and "Asli." in page and "notulen.pdf" in page
    assert "DEMO Bappeda Provinsi Notula" in page and demo_certificates.CA_NAME in page
    assert f'id="verified-pages">{stored.page_count}<' in page and 'id="verified-nomor"' in page
    forged = hashlib.sha256(_flip_a_signed_byte(stored.content)).hexdigest()
    page = client.get(f"{url}?sha256={forged}").get_data(as_text=True)
    assert 'id="hash-mismatch"' in page and "BUKAN versi final" in page
    # The file picker is there for browsers (hashing in static/documents/verify.js), the typed
    # form without JavaScript; no inline script.
    page = client.get(url).get_data(as_text=True)
    assert 'id="verify-file"' in page and "documents/verify.js" in page and 'name="sha256"' in page
    assert "<script>" not in page
    # The berita acara's own code is verified on the same page.
    record = commitment_queries.agreement_record(mm.meeting.id)
    page = client.get(f"/v/{record.verification_code}?sha256={record.sha256}").get_data(as_text=True)
    assert "Berita Acara Kesepakatan" in page and 'id="hash-match"' in page


def test_stored_pdfs_of_final_versions_are_found_by_their_hash(mm):
    final, stored = _finalise(mm)
    revision, _meeting, found = queries.verification(final.verification_code)
    assert revision.id == final.id and found.sha256 == stored.sha256


def test_signing_works_where_an_event_loop_is_running(mm, with_certificate):
    """pyHanko's sync API calls asyncio.run(), refused inside a running loop (Playwright's sync
    API, an async server): the signature is then made in a thread of its own."""
    import asyncio

    async def finalise_inside_a_loop():
        return _finalise(mm)

    try:
        asyncio.get_running_loop()  # after the browser journeys, Playwright's loop runs here already
    except RuntimeError:
        _final, stored = asyncio.run(finalise_inside_a_loop())
    else:
        _final, stored = _finalise(mm)
    assert stored.signer == "DEMO Bappeda Provinsi Notula"


def test_the_slot_and_the_stamp_have_the_size_signing_places(app, agency_certificate):
    """The slot's CSS, the stamp's page and signing.SLOT_* agree, so the stamp fills its box."""
    from pathlib import Path

    css = Path(app.static_folder, "css")
    size = f"width: {signing.SLOT_WIDTH_MM}mm; height: {signing.SLOT_HEIGHT_MM}mm"
    assert size in (css / "documents.css").read_text().split(".e-signature-slot {", 1)[1].split("}")[0]
    assert f"size: {signing.SLOT_WIDTH_MM}mm {signing.SLOT_HEIGHT_MM}mm" in (css / "signature_stamp.css").read_text()
    identity = signing._load(agency_certificate.pkcs12_path, agency_certificate.passphrase)
    with app.test_request_context():
        stamp = PdfReader(io.BytesIO(signing.render_stamp(identity, signing.utcnow(), "https://r.example/v/x", None)))
    (page,) = stamp.pages
    assert round(float(page.mediabox.width) / signing.MM_TO_PT) == signing.SLOT_WIDTH_MM
    assert round(float(page.mediabox.height) / signing.MM_TO_PT) == signing.SLOT_HEIGHT_MM
    assert "Ditandatangani secara elektronik" in page.extract_text()


def test_verification_codes_never_end_with_a_hyphen(mm):
    """Regression (found by tests/minutes/test_queue.py failing about once in 64 runs): a code
    ending in '-' printed at the end of a line read as a line-break hyphen; pdftotext joined it
    with the next line, and so would a person typing the address from paper. Codes are letters
    and digits only (documents.verification.new_code), and the printed address is the page's."""
    import re

    from tests.helpers import pdf_text

    final, stored = _finalise(mm)
    assert re.fullmatch(r"[A-Za-z0-9]{12}", final.verification_code)
    assert f"{final.verification_url} " in pdf_text(stored.content) + " "
