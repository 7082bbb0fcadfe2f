"""The berita acara kesepakatan as an official record (issue 17): the opening formula with the
date in words, the parties with the province, the closing formula, the signature page with its
heading kept with the closing text, pangkat and NIP in every block; no "–" where a commitment
has no numeric indicator."""
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from rakor.commitments import services
from rakor.commitments.documents import render_agreement
from rakor.commitments.services import CommitmentData
from rakor.extensions import db
from rakor.regions.services import planning_agencies_of_province
from tests.commitments.conftest import data
from tests.factories import make_meeting, make_participant, make_quota, topic_id
from tests.helpers import agency_of, pdf_text


def _pages(pdf):
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _agree(meeting, agency, user, **fields):
    values = {"title": f"Program {agency.short_name}", "agency_id": agency.id, "indicator_id": topic_id("IPM"),
              "baseline_value": Decimal("70.10"), "target_value": Decimal("70.60"),
              "target_date": datetime(2024, 12, 31).date(), "budget": Decimal("500000000"), **fields}
    c = services.create_commitment(meeting, CommitmentData(**values), user, submit=True)
    services.change_status(c, "agreed", user)
    return c


@pytest.fixture
def kalsel_meeting(kalsel):
    """The seed meeting's shape: the province organises, its 13 regencies/cities each agree one
    commitment and are represented by their head of Bappeda."""
    meeting = make_meeting(
        organizer=agency_of("63"), title="Rapat Koordinasi Bidang PPM", venue="Aula Bappeda Kotabaru",
        city="Kabupaten Kotabaru", starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
        ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC), chair_name="Rahmiyanti Janoezir P., ST., MA",
        chair_position="Kepala Bidang PPM, Bappeda Provinsi Kalimantan Selatan", chair_nip="197501012000032001",
        chair_rank="Pembina (IV/a)", signing_place="Banjarbaru")
    from tests.factories import make_user
    committee = make_user("committee")
    for n, agency in enumerate(planning_agencies_of_province("63")):
        make_quota(meeting, agency)
        make_participant(meeting, agency, name=f"Kepala Bappeda {agency.region.name}",
                         position="Kepala Bappeda", nip=f"1970010119950310{n:02d}", rank="Pembina Utama Muda (IV/c)")
        _agree(meeting, agency, committee)
    db.session.flush()
    return meeting


def test_opening_parties_and_closing_formula(kalsel_meeting):
    text = pdf_text(render_agreement(kalsel_meeting))
    assert "BERITA ACARA KESEPAKATAN" in text
    # Opening formula: the day and date written out in words, the place, "kami yang bertanda tangan".
    assert ("Pada hari ini Kamis tanggal satu bulan Februari tahun dua ribu dua puluh empat, bertempat di "
            "Aula Bappeda Kotabaru, Kabupaten Kotabaru") in text
    assert "kami yang bertanda tangan di bawah ini:" in text
    # The parties: the province first (through the meeting's chair), then each region.
    parties = text[text.index("kami yang bertanda tangan"):text.index("selanjutnya bersama-sama disebut PARA PIHAK")]
    assert parties.index("Rahmiyanti Janoezir P., ST., MA") < parties.index("Pemerintah Provinsi Kalimantan Selatan")
    assert "Pembina (IV/a)" in parties and "NIP. 19750101 200003 2 001" in parties
    for region in ("Kabupaten Tanah Laut", "Kabupaten Kotabaru", "Kota Banjarmasin", "Kota Banjarbaru"):
        assert f"Pemerintah {region}" in parties and f"Kepala Bappeda {region}" in parties
    assert parties.count("Pembina Utama Muda (IV/c)") == 13
    # Closing formula, then the place line of all three documents.
    assert ("Demikian Berita Acara Kesepakatan ini dibuat dan ditandatangani bersama oleh PARA PIHAK pada hari, "
            "tanggal, bulan dan tahun tersebut di atas untuk dipergunakan sebagaimana mestinya.") in text
    assert "Banjarbaru, 1 Februari 2024 PARA PIHAK" in text


def test_the_signature_page_keeps_its_heading_and_the_closing_text(kalsel_meeting):
    """Before: "Kabupaten Kotabaru, 1 Februari 2024" sat alone on page 8 and page 9 held only
    the 13 signatures, with no heading."""
    pages = _pages(render_agreement(kalsel_meeting))
    closing = next(i for i, p in enumerate(pages) if "Demikian Berita Acara Kesepakatan" in p)
    # The closing text, the place line, the heading and the province's block share a page ...
    assert "Banjarbaru, 1 Februari 2024" in pages[closing] and "PARA PIHAK" in pages[closing]
    assert "Rahmiyanti Janoezir P., ST., MA" in pages[closing].split("PARA PIHAK", 1)[1]
    # ... with at least the first row of the regions' blocks under their heading.
    assert "Para Pihak Pemerintah Kabupaten/Kota" in pages[closing]
    # Every later page of signatures repeats that heading; every block has pangkat and NIP.
    signing = " ".join(pages[closing:])
    for later in pages[closing + 1:]:
        assert later.count("NIP.") == 0 or "Para Pihak Pemerintah Kabupaten/Kota" in later
    blocks = signing.split("Para Pihak Pemerintah Kabupaten/Kota", 1)[1]
    assert blocks.count("Pembina Utama Muda (IV/c)") == 13 and blocks.count("NIP. 19700101 199503 1 0") == 13


def test_missing_signatory_details_print_lines_to_fill_in(cm):
    _agree(cm.meeting, cm.agencies[0], cm.committee, indicator_id=cm.poverty, baseline_value=None,
           target_value=Decimal("5.75"))
    text = pdf_text(render_agreement(cm.meeting))
    signing = text[text.index("Demikian Berita Acara"):]
    # No chair and no delegate recorded: dotted lines, never a blank that reads as complete.
    assert "(....................................)" in signing
    assert "Pangkat/Gol. ....." in signing and "NIP. ....." in signing


# --- an agreed commitment without a numeric indicator ------------------------------------------

def test_a_commitment_without_a_numeric_indicator_says_so_instead_of_a_dash(cm):
    """Before: 11 Kawasan Perdesaan commitments printed "–" as indicator and target. Progress
    reports such a commitment by a stated percent, so it may be agreed; the record says how it
    is measured. (The demo's rural commitments now use the village development index.)"""
    rural = services.create_commitment(cm.meeting, data(cm, topic_id=cm.rural, indicator_id=None, target_value=None,
                                                        title="Penyusunan Perbup desa wisata"), cm.delegate, submit=True)
    services.change_status(rural, "agreed", cm.committee)
    text = pdf_text(render_agreement(cm.meeting))
    row = text[text.index("Penyusunan Perbup desa wisata"):]
    assert "Tanpa indikator angka" in row and "Capaian dinyatakan dalam persen pada laporan triwulanan" in row
    assert " – – " not in text


def test_the_idm_indicator_is_seeded(db):
    from rakor.meetings.models import Topic

    idm = db.session.get(Topic, topic_id("IDM"))
    assert idm.is_indicator and idm.direction == "higher" and idm.decimals == 4
    assert idm.name == "Indeks Desa Membangun (IDM)"
