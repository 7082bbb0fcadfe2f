"""Daftar hadir as a secretariat prints it (issue 12): the organiser's logo and address line,
resource persons and committee in their own sections, blank rows for walk-ins filling the last
page, optional L/P and phone columns, the chair's signature block, a file name cut at a word."""
import io
import subprocess
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from rakor.core.downloads import slugify
from rakor.documents.pdf import render_pdf
from rakor.extensions import db
from rakor.participants.documents import TEMPLATE, attendance_context, chosen_columns, render_attendance
from rakor.participants.services import clean_participant, register_participant
from rakor.regions.services import AgencyData, planning_agencies_of_province, save_agency
from tests.factories import make_meeting, make_quota
from tests.helpers import agency_of

pytestmark = pytest.mark.usefixtures("kalsel")


def png(size=(120, 140), colour=(0, 110, 60)):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def pdf_text(content):
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def pages(content):
    return len(PdfReader(io.BytesIO(content)).pages)


def register(meeting, agency, **raw):
    result = clean_participant(raw, agency.id)
    assert not result.errors, result.errors
    return register_participant(meeting, result.data)[0]


def with_letterhead(agency, logo=None):
    save_agency(agency, AgencyData(
        name=agency.name, short_name=agency.short_name, region_id=agency.region_id,
        address="Jl. Dharma Praja II, Kawasan Perkantoran Pemerintah Provinsi, Banjarbaru 70732",
        phone="(0511) 6749051", website="https://bappeda.kalselprov.go.id/"), logo=logo)
    return agency


def seed_meeting(per_agency=4, **fields):
    fields = {"organizer": agency_of("63"), "title": "Rapat Koordinasi Bidang PPM se-Kalimantan Selatan",
              "venue": "Aula Bappeda", "city": "Kabupaten Kotabaru",
              "starts_at": datetime(2024, 2, 1, 0, 30, tzinfo=UTC), "ends_at": datetime(2024, 2, 1, 8, 0, tzinfo=UTC),
              "chair_name": "Rahmiyanti Janoezir P., ST., MA", "chair_nip": "197501012000032001",
              "chair_rank": "Pembina (IV/a)",
              "chair_position": "Kepala Bidang Pemerintahan dan Pembangunan Manusia", **fields}
    meeting = make_meeting(**fields)
    for n, agency in enumerate(planning_agencies_of_province("63")):
        for i in range(per_agency):
            register(meeting, agency, name=f"Peserta {agency.region.kemendagri_code} nomor {i + 1}",
                     nip=f"19800101200501{n:02d}{i:02d}", position="Perencana Ahli Muda",
                     gender="L" if i % 2 else "P", phone=f"08125{n:03d}{i:04d}")
    return meeting


def test_letterhead_prints_the_organisers_logo_and_address_line():
    with_letterhead(agency_of("63"), logo=png())
    content = render_attendance(seed_meeting(per_agency=1))
    text = pdf_text(content)
    assert "Jl. Dharma Praja II, Kawasan Perkantoran Pemerintah Provinsi, Banjarbaru 70732" in text
    assert "Telepon (0511) 6749051 · Laman bappeda.kalselprov.go.id" in text
    first = PdfReader(io.BytesIO(content)).pages[0]
    assert len(first.images) == 1  # the logo, embedded (a data: URL: nothing fetched)
    assert first.images[0].image.size == (120, 140)


def test_without_logo_or_address_the_letterhead_stays_as_it_was():
    content = render_attendance(seed_meeting(per_agency=1))
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 0
    assert "Telepon" not in pdf_text(content)


def test_signature_block_of_the_chair():
    text = pdf_text(render_attendance(seed_meeting(per_agency=1)))
    closing = text[text.index("Jumlah peserta terdaftar"):]
    assert ("Kotabaru, 1 Februari 2024 Mengetahui, Kepala Bidang Pemerintahan dan Pembangunan Manusia, "
            "Rahmiyanti Janoezir P., ST., MA Pembina (IV/a) NIP. 19750101 200003 2 001") in closing
    # No chair recorded: blanks to fill in by hand.
    text = pdf_text(render_attendance(seed_meeting(per_agency=1, chair_name=None, chair_nip=None,
                                                   chair_position=None, city="Banjarbaru")))
    assert "Banjarbaru, 1 Februari 2024 Mengetahui, Pimpinan Rapat, (....." in text


@pytest.mark.parametrize("per_agency", [1, 2, 4])
def test_blank_rows_fill_the_last_page_without_adding_one(per_agency):
    meeting = seed_meeting(per_agency=per_agency)
    context = attendance_context(meeting)
    blank, new_page = context["blank_rows"], context["blank_rows_new_page"]
    assert blank >= 3
    without = pages(render_pdf(TEMPLATE, **{**context, "blank_rows": 0}))
    with_rows = render_pdf(TEMPLATE, **context)
    text = pdf_text(with_rows)
    # Walk-ins go on from the last registered delegate (issue 17): 13 × per_agency, then 14 × ...
    first, last = 13 * per_agency + 1, 13 * per_agency + blank
    assert "Peserta yang belum terdaftar" in text and f" {first}. " in text and f" {last}. " in text + " "
    if new_page:  # fewer than three would have fitted: a fresh page of them, with the closing block
        assert pages(with_rows) <= without + 1
    else:
        assert pages(with_rows) == without
        # Filled: two more rows would not fit on that page.
        assert pages(render_pdf(TEMPLATE, **{**context, "blank_rows": blank + 2})) > without


def test_blank_rows_are_numbered_and_kept_out_of_the_participants():
    meeting = seed_meeting(per_agency=1)
    context = attendance_context(meeting)
    assert len(context["rows"]) == 13
    from rakor.documents.pdf import render_html

    html = render_html(TEMPLATE, **context)
    assert html.count('class="blank"') == context["blank_rows"]
    assert html.count('class="sign left"') == 7  # the registered rows' signatures alternate as before


def test_resource_persons_and_committee_have_their_own_sections():
    meeting = seed_meeting(per_agency=1)
    province = agency_of("63")
    register(meeting, province, name="Dr. Ir. H. Ariadi Noor, M.Si.", meeting_role="narasumber")
    register(meeting, province, name="Angga Priyadi, ST", meeting_role="panitia")
    register(meeting, province, name="Nurul Fadilah, S.E.", meeting_role="notulis")
    context = attendance_context(meeting)
    assert [s["key"] for s in context["sections"]] == ["narasumber", "panitia"]
    assert len(context["rows"]) == 13  # delegates only
    assert [r["name"] for r in context["sections"][1]["rows"]] == ["Angga Priyadi, ST", "Nurul Fadilah, S.E."]
    assert [r["no"] for r in context["sections"][1]["rows"]] == [1, 2]  # numbered within the section
    text = pdf_text(render_attendance(meeting))
    assert (text.index("Peserta 63.72 nomor 1") < text.index("Narasumber") < text.index("Ariadi Noor")
            < text.index("Pimpinan Rapat, Panitia dan Notulis") < text.index("Angga Priyadi")
            < text.index("Nurul Fadilah") < text.index("Peserta yang belum terdaftar"))
    assert "16 orang dari 14 instansi (peserta 13, narasumber 1, pimpinan/panitia/notulis 2)" in text


def test_phone_column_always_gender_optional(client, login_as):
    """Issue 17: the sheet has a phone column (as every paper daftar hadir); L/P on request."""
    meeting = seed_meeting(per_agency=1)
    make_quota(meeting, agency_of("63.02"))
    db.session.commit()
    assert chosen_columns({"columns": "Phone, gender,bogus"}) == ("gender", "phone")
    assert chosen_columns({}) == chosen_columns(None) == ("phone",)
    login_as("committee")
    url = f"/meetings/{meeting.id}/documents/attendance.pdf"
    plain = pdf_text(client.get(url).data)
    assert "L/P" not in plain and "No HP" in plain and "0812-5000-0000" in plain
    text = pdf_text(client.get(url, query_string={"columns": "gender,phone"}).data)
    assert "L/P" in text and "No HP" in text
    assert "0812-5000-0000" in text
    preview = client.get(f"/meetings/{meeting.id}/documents/attendance.html?columns=gender,phone").get_data(as_text=True)
    assert '<td class="gender">P</td>' in preview and '<td class="phone">0812-5000-0000</td>' in preview
    preview = client.get(f"/meetings/{meeting.id}/documents/attendance.html?columns=phone").get_data(as_text=True)
    assert "No HP" in preview and "L/P" not in preview
    # A delegate's copy leaves other agencies' phone numbers out, as their NIPs.
    login_as("delegate", agency=agency_of("63.02"))
    text = pdf_text(client.get(url, query_string={"columns": "phone"}).data)
    assert "0812-5001-0000" in text  # Kotabaru's own delegate
    assert "0812-5000-0000" not in text and "serta nomor HP peserta dari instansi lain" in text


def test_download_name_is_cut_at_a_word(client, login_as):
    title = ("Rapat Koordinasi Perencanaan Pembangunan Daerah Bidang Pemerintahan dan Pembangunan "
             "Manusia se-Kalimantan Selatan")
    meeting = make_meeting(organizer=agency_of("63"), title=title,
                           starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    db.session.commit()
    login_as("committee")
    disposition = client.get(f"/meetings/{meeting.id}/documents/attendance.pdf").headers["Content-Disposition"]
    name = "daftar-hadir-2024-02-01-rapat-koordinasi-perencanaan-pembangunan-daerah-bidang.pdf"
    assert f'filename="{name}"' in disposition


def test_slugify_cuts_at_a_word_boundary():
    assert slugify("Rapat Koordinasi Bidang Pemerintahan", 30) == "rapat-koordinasi-bidang"
    assert slugify("Rapat Koordinasi Bidang", 23) == "rapat-koordinasi-bidang"  # fits exactly
    assert slugify("Rapat Koordinasi Bidang", 22) == "rapat-koordinasi"
    assert slugify("Pembangunanmanusiaberkelanjutan", 10) == "pembanguna"  # one long word: cut
    assert slugify("", 10) == "rapat"
