"""The laporan monitoring as an official document: nomor once issued (drafts carry none), Yth.,
the signing officer's block with pangkat/golongan and NIP, tembusan, realisasi fisik, the
narrative of kendala and rekomendasi per region, bands that hold 110 %, and a heat map and
charts that print readably in black and white."""
import io
import re
from decimal import Decimal
from itertools import combinations
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from rakor.core.errors import DomainError
from rakor.documents import registry
from rakor.extensions import db
from rakor.numbering.models import RegisteredNumber
from rakor.progress import charts, documents, reports, services, workdays
from rakor.progress.achievement import BANDS, band
from rakor.progress.models import MonitoringReport
from tests.helpers import sign_in
from tests.progress.conftest import TODAY, update

SIGNER = {"addressee": "Sekretaris Daerah Provinsi Uji", "addressee_place": "Kota Uji", "place": "Kota Uji",
          "signer_position": "Kepala Badan Perencanaan Pembangunan Daerah Provinsi Uji",
          "signer_name": "Ir. H. Penanda Tangan, M.T.", "signer_rank": "Pembina Utama Muda (IV/c)",
          "signer_nip": "19700312 199503 1 004",
          "copies": "1. Gubernur Provinsi Uji\n- Inspektur Provinsi Uji\nArsip"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def reported(pg):
    """Poverty 6,25 -> 5,75 realised 5,70: 110 %, with obstacles, next steps and physical realisation."""
    services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("5.70"), status="done",
                                         physical_percent=Decimal("87.5"), budget_realised=Decimal("625000000"),
                                         obstacles="Data sasaran belum padan dengan DTKS.",
                                         next_steps="Pemadanan data bersama Dinas Sosial."),
                    pg.committee, today=TODAY)
    services.report(pg.ipm_c, update(period="2024-Q3", realised_value=Decimal("70.2"), status="late",
                                     obstacles="Keterlambatan pengadaan."), pg.committee, today=TODAY)
    return pg


def draft_pdf(pg):
    return registry.render_pdf(registry.get("monitoring"), pg.meeting, pg.leadership)


def test_the_draft_has_no_number_but_the_letter_realisation_and_narrative(reported):
    pg = reported
    reports.save_letter(pg.meeting, reports.LetterData(**SIGNER), pg.committee)
    text = text_of(draft_pdf(pg))
    assert "DRAF" in text and "nomor diberikan saat laporan diterbitkan" in text
    assert "Yth. Sekretaris Daerah Provinsi Uji" in text and "di Kota Uji" in text
    assert "Kota Uji, 28 November 2024" in text
    for expected in ("Kepala Badan Perencanaan Pembangunan Daerah Provinsi Uji", "Ir. H. Penanda Tangan, M.T.",
                     "Pembina Utama Muda (IV/c)", "NIP. 19700312 199503 1 004",
                     "Tembusan: 1. Gubernur Provinsi Uji; 2. Inspektur Provinsi Uji; 3. Arsip."):
        assert expected in text, expected
    assert "Realisasi Fisik dan Keuangan per Wilayah" in text and "87,5%" in text
    region = pg.regions[0].name
    narrative = text.split("Kendala dan Rekomendasi per Wilayah")[1].split("Penutup")[0]
    assert region in narrative
    assert "Data sasaran belum padan dengan DTKS." in narrative and "Keterlambatan pengadaan." in narrative
    assert "Pemadanan data bersama Dinas Sosial." in narrative
    # 110 % is a beaten target: very high, not outside every band.
    assert re.search(r"110,0% Sangat tinggi", text), text


def test_a_draft_without_a_letter_starts_from_the_head_of_the_region_and_leaves_lines_to_fill(reported):
    text = text_of(draft_pdf(reported))
    assert "Yth. Gubernur" in text
    assert "NIP. ......" in text


def test_issuing_numbers_stores_and_serves_the_report_byte_for_byte(client, reported):
    pg = reported
    reports.save_letter(pg.meeting, reports.LetterData(**SIGNER), pg.committee)
    db.session.commit()
    sign_in(client, pg.committee)
    response = client.post(f"/meetings/{pg.meeting.id}/progress/monitoring/issue", data={"issue-csrf_token": ""})
    assert response.status_code == 302
    issued = db.session.scalar(select(MonitoringReport))
    registered = db.session.scalar(select(RegisteredNumber))
    assert issued.number == registered.number and registered.kind == "monitoring"
    assert registered.addressee == "Sekretaris Daerah Provinsi Uji"
    text = text_of(issued.content)
    assert f"Nomor: {issued.number}" in text and "DRAF" not in text
    assert "Pembina Utama Muda (IV/c)" in text and "NIP. 19700312 199503 1 004" in text and "Tembusan" in text
    assert "110,0% Sangat tinggi" in text
    sign_in(client, pg.leadership)
    url = f"/meetings/{pg.meeting.id}/progress/monitoring/{issued.id}.pdf"
    download = client.get(url)
    assert download.data == issued.content and download.headers["ETag"] == f'"{issued.sha256}"'
    assert client.get(url, headers={"If-None-Match": f'"{issued.sha256}"'}).status_code == 304
    page = client.get(f"/meetings/{pg.meeting.id}/progress/monitoring").get_data(as_text=True)
    assert issued.number in page and 'id="letter-form"' not in page  # leadership reads, does not edit
    # A second issue is its own document: the next number.
    sign_in(client, pg.committee)
    client.post(f"/meetings/{pg.meeting.id}/progress/monitoring/issue", data={"issue-csrf_token": ""})
    numbers = db.session.scalars(select(MonitoringReport.number).order_by(MonitoringReport.id)).all()
    assert len(numbers) == 2 and numbers[0] != numbers[1]


def test_a_number_from_the_central_mail_office_is_used_once(client, reported):
    pg = reported
    reports.save_letter(pg.meeting, reports.LetterData(**SIGNER), pg.committee)
    db.session.commit()
    sign_in(client, pg.committee)
    url = f"/meetings/{pg.meeting.id}/progress/monitoring/issue"
    assert client.post(url, data={"issue-number": "050/77/Bappeda/2024"}).status_code == 302
    assert db.session.scalar(select(MonitoringReport.number)) == "050/77/Bappeda/2024"
    page = client.post(url, data={"issue-number": "050/77/Bappeda/2024"}).get_data(as_text=True)
    assert "050/77/Bappeda/2024" in page and 'value="050/77/Bappeda/2024"' in page  # refused, kept
    assert db.session.scalar(select(func.count(MonitoringReport.id))) == 1


def test_issuing_is_refused_without_the_signature_block_and_reserves_nothing(reported):
    pg = reported
    reports.save_letter(pg.meeting, reports.LetterData(addressee="Gubernur Uji", place="Kota Uji"), pg.committee)
    with pytest.raises(DomainError) as e:
        reports.issue(pg.meeting, pg.committee, render=lambda n, on: documents.issued_pdf(pg.meeting, n, on))
    assert "NIP" in str(e.value.message) and "pangkat" in str(e.value.message)
    assert db.session.scalar(select(func.count(RegisteredNumber.id))) == 0
    with pytest.raises(DomainError):
        reports.issue(pg.meeting, pg.leadership, render=lambda n, on: b"")


def test_the_letter_form_checks_the_nip_keeps_what_was_typed_and_only_the_committee_saves(client, pg):
    db.session.commit()
    url = f"/meetings/{pg.meeting.id}/progress/monitoring"
    sign_in(client, pg.leadership)
    assert client.post(url, data={"addressee": "X"}).status_code == 403
    assert client.post(f"{url}/issue", data={}).status_code == 403
    sign_in(client, pg.committee)
    page = client.post(url, data={**SIGNER, "signer_nip": "1970031219950310"}).get_data(as_text=True)
    assert "18" in page and 'value="Ir. H. Penanda Tangan, M.T."' in page
    assert reports.letter_of(pg.meeting) is None
    assert client.post(url, data=SIGNER).status_code == 302
    letter = reports.letter_of(pg.meeting)
    assert letter.signer_nip == "197003121995031004" and letter.signer_rank == "Pembina Utama Muda (IV/c)"
    assert reports.copies_of(letter) == ["Gubernur Provinsi Uji", "Inspektur Provinsi Uji", "Arsip"]


def test_a_new_meeting_of_the_organiser_starts_from_its_latest_letter(pg):
    from tests.factories import make_meeting

    reports.save_letter(pg.meeting, reports.LetterData(**SIGNER, conclusions="Hanya untuk rapat ini."), pg.committee)
    other = make_meeting(organizer_agency_id=pg.meeting.organizer_agency_id, title="Rakor Berikutnya")
    data = reports.letter_data(other)
    assert data.signer_name == SIGNER["signer_name"] and data.addressee == SIGNER["addressee"]
    assert data.conclusions is None


# --- black and white print ------------------------------------------------------------------------

def _grey(colour):
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_the_five_bands_print_as_five_clearly_different_greys():
    greys = [_grey(b.colour) for b in BANDS]
    assert all(abs(a - b) >= 30 for a, b in combinations(greys, 2)), greys
    assert {b.pattern for b in BANDS if b.pattern} == {"diagonal", "cross"}


@pytest.mark.parametrize(("percent", "key"), [(Decimal("110"), "very_high"), (Decimal("100.5"), "very_high"),
                                              (Decimal("-20"), "very_low"), (Decimal("90.5"), "high")])
def test_values_beyond_the_regulations_range_fall_in_a_band(percent, key):
    assert band(percent).key == key


def test_every_heat_map_cell_says_its_band_in_words(client, reported):
    db.session.commit()
    sign_in(client, reported.leadership)
    html = client.get(f"/meetings/{reported.meeting.id}/documents/monitoring.html").get_data(as_text=True)
    matrix = html.split('class="grid monitoring-matrix"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="cell band-(\w+)" data-band="\w+">(.*?)</td>', matrix, re.S)
    measured = [(key, body) for key, body in cells if key != "none"]
    assert measured, matrix
    words = {b.key: b.label_id for b in BANDS}
    for key, body in measured:
        assert f'<span class="band-name">{words[key]}</span>' in body, (key, body)
    assert any(key == "very_high" and "110,0%" in body for key, body in measured)


def test_bars_carry_their_band_in_words_and_hatching_and_no_guide_crosses_a_value():
    items = (("Kabupaten Hulu Sungai Selatan dengan nama sangat panjang", Decimal("110"), 3),
             ("Kab B", Decimal("40"), 2), ("Kab C", Decimal("60"), 1), ("Kab D", None, 0))
    tree = ElementTree.fromstring(charts._achievement_bars.__wrapped__(items, "", "id"))
    texts = ["".join(t.itertext()) for t in tree.iter() if t.tag.endswith("text")]
    assert "110,0% · Sangat tinggi" in texts and "40,0% · Sangat rendah" in texts and "60,0% · Rendah" in texts
    assert "Kabupaten Hulu Sungai Selatan dengan nama sangat panjang" in texts  # never cut
    fills = [g.get("style") for g in tree.iter() if (g.get("class") or "") == "bar"]
    assert any("url(#hatch-very_low)" in f for f in fills) and any("url(#hatch-low)" in f for f in fills)
    assert {p.get("id") for p in tree.iter() if p.tag.endswith("pattern")} == {"hatch-low", "hatch-very_low"}
    assert not [e for e in tree.iter() if "guide" in (e.get("class") or "").split()
                and "line" in (e.get("class") or "").split()]


def test_status_labels_are_whole():
    svg = charts._status_bars.__wrapped__((("on_track", 3), ("none", 1)),
                                          (("on_track", "Sesuai rencana"), ("none", "Belum melapor")), "")
    assert b"Sesuai rencana" in svg and "…".encode() not in svg


def test_charts_render_whatever_xml_library_pygal_finds():
    """Regression: with lxml installed, pygal built lxml trees that xml.etree could not write."""
    svg = charts._achievement_bars.__wrapped__((("A", Decimal("50"), 1),), "", "id")
    assert ElementTree.fromstring(svg).tag.endswith("svg")
