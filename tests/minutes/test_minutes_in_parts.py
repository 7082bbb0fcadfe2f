"""Long minutes are laid out a few pages at a time and joined (rakor/documents/parts.py, issue 20:
the 1,000-participant minutes under 300 MB). Joined, they are the same document as when rendered
whole: the same pages with the same text, "Halaman x dari y" counted over the whole document, one
structure tree that covers every page, the same outline, PDF/A-3b metadata, and the signature's
slot found by name, signed and valid for pdfsig."""
import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from rakor.documents import parts
from rakor.minutes import documents, services
from tests.factories import make_participant
from tests.minutes.conftest import body
from tests.minutes.test_signed_documents import _finalise, _pdfsig, agency_certificate, with_certificate  # noqa: F401

PARTICIPANTS = 150  # an annex of five pages, the whole minutes of eight


@pytest.fixture
def long_minutes(mm):
    for i in range(PARTICIPANTS):
        make_participant(mm.meeting, mm.agencies[i % 2], name=f"Peserta Lampiran {i + 1:03d}",
                         checked_in_at=datetime(2024, 2, 1, 0, i % 60, tzinfo=UTC) if i % 3 else None)
    return mm


@pytest.fixture
def joined(app, monkeypatch):
    """Every document rendered in parts of 40 marked rows (the joins counted), or whole."""
    calls = []
    real_join = parts.join

    def counting_join(part_pdfs, footers, pages):
        calls.append(len(part_pdfs))
        return real_join(part_pdfs, footers, pages)

    monkeypatch.setattr(parts, "join", counting_join)
    monkeypatch.setattr(parts, "PART_SIZE", 40)

    def set_parts(on):
        monkeypatch.setitem(app.config, "PDF_PARTS_FROM", 1 if on else 10**9)
        return calls

    return set_parts


def _pages_text(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _outline(reader, items=None, depth=0):
    flat = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            flat.extend(_outline(reader, item, depth + 1))
        else:
            flat.append((depth, item.title, reader.get_destination_page_number(item)))
    return flat


def _structure_pages(reader):
    """The pages the structure tree's marked content is on, and whether every element's parent is
    in the tree (walked from the root)."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    page_ids = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    seen, stack, on_pages = 0, [root["/K"][0]], set()
    while stack:
        element = stack.pop().get_object()
        seen += 1
        if "/Pg" in element:
            on_pages.add(page_ids[element.raw_get("/Pg").idnum])
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict) and kid.get_object().get("/S"):
                assert kid.get_object()["/P"].get_object() is element
                stack.append(kid)
    return on_pages, seen


def test_long_minutes_in_parts_are_the_whole_minutes_page_for_page(long_minutes, joined):
    draft = services.save(long_minutes.meeting, body(closing="Rapat ditutup."), long_minutes.committee, None)
    joined(False)
    whole = PdfReader(io.BytesIO(documents.render_minutes_pdf(long_minutes.meeting, draft)))
    calls = joined(True)
    in_parts_pdf = documents.render_minutes_pdf(long_minutes.meeting, draft)
    assert calls and calls[0] >= 3  # really joined, from several parts
    in_parts = PdfReader(io.BytesIO(in_parts_pdf))

    count = len(whole.pages)
    assert count >= 6 and len(in_parts.pages) == count
    texts = _pages_text(in_parts)
    assert texts == _pages_text(whole)
    for number, text in enumerate(texts, start=1):
        assert re.findall(r"Halaman (\d+) dari (\d+)", text) == [(str(number), str(count))]
    assert "Peserta Lampiran 150" in texts[-1] and "DRAF" in texts[-1]
    assert _outline(in_parts) == _outline(whole) and len(_outline(whole)) >= 8

    # Archival as a whole rendering: PDF/A-3b metadata, output intent, tagged, language.
    root = in_parts.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert len(root["/OutputIntents"]) == 1 and root["/Lang"] == "id-ID" and root["/MarkInfo"]["/Marked"]
    assert in_parts.metadata.title == whole.metadata.title and in_parts.metadata.author == whole.metadata.author
    # One structure tree: every page's content is in it, each page has its own key in the parent tree.
    on_pages, elements = _structure_pages(in_parts)
    assert on_pages == set(range(count))
    assert elements >= _structure_pages(whole)[1] > 1000
    keys = [page["/StructParents"] for page in in_parts.pages]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert len(set(keys)) == count and set(keys) <= {nums[i] for i in range(0, len(nums), 2)}


def test_small_documents_are_still_rendered_whole(mm, joined):
    draft = services.save(mm.meeting, body(closing="Rapat ditutup."), mm.committee, None)
    calls = joined(False)
    documents.render_minutes_pdf(mm.meeting, draft)
    assert calls == []


@pytest.mark.usefixtures("with_certificate")
def test_long_final_minutes_in_parts_are_signed_in_their_slot_and_valid(long_minutes, joined, tmp_path):
    calls = joined(True)
    _final, stored = _finalise(long_minutes)
    assert calls and calls[0] >= 3
    report = _pdfsig(tmp_path, stored.content)
    assert "Signature Validation: Signature is Valid." in report, report
    reader = PdfReader(io.BytesIO(stored.content))
    widgets = [(i, a.get_object()) for i, p in enumerate(reader.pages) for a in p.get("/Annots", [])]
    (page_index, widget), = [(i, w) for i, w in widgets if w.get("/FT") == "/Sig"]
    assert "Pimpinan Rapat" in reader.pages[page_index].extract_text()
    assert "LAMPIRAN" not in reader.pages[page_index].extract_text()  # before the annex, as when whole
    count = len(reader.pages)
    assert f"Halaman {count} dari {count}" in reader.pages[-1].extract_text()
