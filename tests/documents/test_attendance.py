"""Daftar hadir: content checked in the PDF's text, access, the URL fetcher."""
import io
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from rakor.documents.formatting import format_nip
from rakor.documents.pdf import StaticOnlyFetcher
from rakor.extensions import db
from rakor.participants.documents import attendance_context, render_attendance
from rakor.participants.services import cancel_participant, clean_participant, register_participant
from rakor.regions.letterhead import letterhead_for
from rakor.regions.services import planning_agencies_of_province
from tests.factories import make_meeting, make_user
from tests.helpers import agency_of

pytestmark = pytest.mark.usefixtures("kalsel")


def register(meeting, agency, **raw):
    result = clean_participant(raw, agency.id)
    assert not result.errors, result.errors
    return register_participant(meeting, result.data)[0]


def seed_meeting(per_agency=4):
    meeting = make_meeting(
        organizer=agency_of("63"), title="Rapat Koordinasi Bidang PPM se-Kalimantan Selatan",
        venue="Aula Hotel Grand Surya", city="Kotabaru", field="Pemerintahan dan Pembangunan Manusia",
        starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    for n, agency in enumerate(planning_agencies_of_province("63")):
        for i in range(per_agency):
            register(meeting, agency, name=f"Peserta {agency.region.kemendagri_code} nomor {i + 1}",
                     nip=f"19800101200501{n:02d}{i:02d}", position="Perencana Ahli Muda")
    return meeting


def pdf_text(content, first=None, last=None):
    args = ["pdftotext"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_attendance_sheet_of_the_seed_meeting():
    meeting = seed_meeting()
    kotabaru = agency_of("63.02")
    register(meeting, kotabaru, name="Drs. H. Said Akhmad, MM", nip="196805121993031007",
             position="Sekretaris Daerah Kabupaten Kotabaru")
    gone = register(meeting, kotabaru, name="Batal Hadir Sekali")
    cancel_participant(gone)
    content = render_attendance(meeting)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert pages >= 3
    text = pdf_text(content)
    assert "PEMERINTAH PROVINSI KALIMANTAN SELATAN" in text
    assert "BADAN PERENCANAAN PEMBANGUNAN DAERAH" in text
    assert "DAFTAR HADIR" in text
    assert "Kamis, 1 Februari 2024" in text
    assert "08.30 – 16.00 WITA" in text
    assert "Aula Hotel Grand Surya, Kotabaru" in text
    flat = " ".join(text.split())
    assert "Drs. H. Said Akhmad, MM" in flat and "19680512 199303 1 007" in flat
    assert "Batal Hadir Sekali" not in text  # cancelled participants are not on the sheet
    assert "53 orang dari 13 instansi" in text
    assert f"Halaman 1 dari {pages}" in text
    # The header row is repeated on the next page, which also carries the running title.
    page2 = pdf_text(content, 2)
    assert "Tanda Tangan" in page2 and "NIP / Jabatan" in page2
    assert "Daftar Hadir · Rapat Koordinasi Bidang PPM" in page2
    assert f"Halaman 2 dari {pages}" in page2
    # Ordered by agency (region code), then name without titles (issue 12, item 8): Tanah Laut
    # (63.01) before Kotabaru (63.02) before Banjarbaru (63.72); within Kotabaru "Drs. H. Said"
    # sorts as "Said", after "Peserta".
    assert flat.index("Peserta 63.01 nomor 1") < flat.index("Peserta 63.02 nomor 1") < flat.index(
        "Drs. H. Said Akhmad") < flat.index("Peserta 63.72 nomor 4")


def test_the_signature_column_alternates_left_and_right():
    meeting = seed_meeting(per_agency=1)
    context = attendance_context(meeting)
    from rakor.documents.pdf import render_html

    html = render_html("documents/attendance.html", **context)
    assert html.count('class="sign left"') == 7 and html.count('class="sign right"') == 6


def test_empty_meeting_renders_a_sheet_saying_so():
    text = pdf_text(render_attendance(make_meeting(organizer=agency_of("63.02"))))
    assert "PEMERINTAH KABUPATEN KOTABARU" in text
    assert "Belum ada peserta terdaftar." in text


def test_letterheads_of_regencies_and_cities():
    kotabaru, banjarmasin = letterhead_for(agency_of("63.02")), letterhead_for(agency_of("63.71"))
    assert (kotabaru.government, kotabaru.agency) == ("PEMERINTAH KABUPATEN KOTABARU",
                                                      "BADAN PERENCANAAN PEMBANGUNAN DAERAH")
    assert banjarmasin.government == "PEMERINTAH KOTA BANJARMASIN"
    assert banjarmasin.agency == "BADAN PERENCANAAN PEMBANGUNAN, PENELITIAN DAN PENGEMBANGAN DAERAH"


def test_nip_printed_in_its_groups():
    assert format_nip("196805121993031007") == "19680512 199303 1 007"
    assert format_nip(None) == "" and format_nip("123") == "123"


def test_fetcher_serves_static_files_and_data_urls_only(app, tmp_path):
    fetcher = StaticOnlyFetcher(app.static_folder)
    static = (app.static_folder.rstrip("/") + "/css/documents.css")
    response = fetcher.fetch("file://" + static)
    assert b"@page" in response.read()
    response.close()
    assert fetcher.fetch("data:text/plain,halo").read() == b"halo"
    secret = tmp_path / "secret.txt"
    secret.write_text("rahasia")
    for url in ("http://example.com/x.png", "https://127.0.0.1/x.css", f"file://{secret}",
                "file://" + app.static_folder + "/../config.py", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    # A document that names outside resources renders without fetching them (the test suite
    # fails any socket to a host other than 127.0.0.1).
    html = (f'<p>Halo</p><img src="http://example.com/x.png"><img src="file://{secret}">'
            '<link rel="stylesheet" href="https://example.com/x.css">')
    pdf = HTML(string=html, base_url="file://" + app.static_folder + "/",
               url_fetcher=StaticOnlyFetcher(app.static_folder)).write_pdf()
    assert "Halo" in pdf_text(pdf) and "rahasia" not in pdf_text(pdf)


# --- the download page --------------------------------------------------------------------

@pytest.mark.parametrize("role", ["committee", "leadership", "admin"])
def test_committee_leadership_and_admin_download_inline_with_a_safe_name(client, login_as, role):
    login_as(role)
    meeting = seed_meeting(per_agency=1)
    db.session.commit()
    response = client.get(f"/meetings/{meeting.id}/documents/attendance.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    name = "daftar-hadir-2024-02-01-rapat-koordinasi-bidang-ppm-se-kalimantan-selatan.pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{name}"; filename*=UTF-8\'\'{name}'
    assert "Peserta 63.01 nomor 1" in pdf_text(response.data)
    preview = client.get(f"/meetings/{meeting.id}/documents/attendance.html")
    assert preview.status_code == 200 and "DAFTAR HADIR" in preview.get_data(as_text=True)
    assert "/static/css/documents.css" in preview.get_data(as_text=True)


def test_delegates_of_invited_agencies_only(client, login_as):
    from tests.factories import make_quota

    meeting = seed_meeting(per_agency=1)
    make_quota(meeting, agency_of("63.02"))
    db.session.commit()
    login_as("delegate", agency=agency_of("63.02"))
    assert client.get(f"/meetings/{meeting.id}/documents/attendance.pdf").status_code == 200
    login_as("delegate", agency=agency_of("63.03"))  # no quota, no invitation
    assert client.get(f"/meetings/{meeting.id}/documents/attendance.pdf").status_code == 403


def test_unknown_meeting_is_404_and_anonymous_goes_to_login(client, login_as):
    assert client.get("/meetings/1/documents/attendance.pdf").status_code == 302
    make_user()
    login_as("committee")
    assert client.get("/meetings/987654/documents/attendance.pdf").status_code == 404


# --- personal data of other agencies (issue 8, defect 7) ----------------------------------------

def test_delegates_get_other_agencies_lines_without_nip_or_position(client, login_as):
    from tests.factories import make_quota

    meeting = seed_meeting(per_agency=1)
    kotabaru, tanah_laut = agency_of("63.02"), agency_of("63.01")
    register(meeting, tanah_laut, name="Ir. Rahmat Hidayat", nip="197003151995031002",
             position="Kepala Bidang Perencanaan Ekonomi")
    register(meeting, kotabaru, name="Siti Aminah, S.E.", nip="198507222010012015",
             position="Analis Perencanaan Kotabaru")
    make_quota(meeting, kotabaru)
    db.session.commit()
    login_as("delegate", agency=kotabaru)
    response = client.get(f"/meetings/{meeting.id}/documents/attendance.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    # Every attendee's name and agency stay: it is the sheet the room signs.
    assert "Ir. Rahmat Hidayat" in flat and "Siti Aminah, S.E." in flat
    assert "15 orang dari 13 instansi" in flat
    # Its own agency's lines are complete ...
    assert "19850722 201001 2 015" in flat and "Analis Perencanaan Kotabaru" in flat
    # ... other agencies' NIPs and positions are not on the delegate's copy.
    assert "19700315 199503 1 002" not in flat and "Kepala Bidang Perencanaan Ekonomi" not in flat
    assert "Perencana Ahli Muda" in flat  # Kotabaru's seeded delegate
    assert flat.count("Perencana Ahli Muda") == 1
    assert "NIP dan jabatan serta nomor HP peserta dari instansi lain tidak dicantumkan" in flat
    preview = client.get(f"/meetings/{meeting.id}/documents/attendance.html").get_data(as_text=True)
    assert "Kepala Bidang Perencanaan Ekonomi" not in preview and "Analis Perencanaan Kotabaru" in preview


@pytest.mark.parametrize("role", ["committee", "leadership", "admin"])
def test_committee_leadership_and_admin_get_every_nip_and_position(client, login_as, role):
    meeting = seed_meeting(per_agency=1)
    register(meeting, agency_of("63.01"), name="Ir. Rahmat Hidayat", nip="197003151995031002",
             position="Kepala Bidang Perencanaan Ekonomi")
    db.session.commit()
    login_as(role)
    flat = " ".join(pdf_text(client.get(f"/meetings/{meeting.id}/documents/attendance.pdf").data).split())
    assert "19700315 199503 1 002" in flat and "Kepala Bidang Perencanaan Ekonomi" in flat
    assert flat.count("Perencana Ahli Muda") == 13
    assert "tidak dicantumkan" not in flat


def test_a_delegate_without_an_agency_reads_no_nip_at_all(app):
    meeting = seed_meeting(per_agency=1)
    from types import SimpleNamespace

    delegate = SimpleNamespace(role="delegate", agency_id=None, agency=None)
    rows = attendance_context(meeting, delegate)["rows"]
    assert rows and all(r["nip"] == "" and r["position"] == "" for r in rows)
