"""Committee journey: create a meeting, build and reorder its agenda, upload a material,
download the .ics and import it."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from tests.e2e.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def agenda_titles(page):
    return page.locator("#agenda-table .agenda-title").all_inner_texts()


def add_item(page, title, start, end, topic=None):
    page.click("#add-agenda-item")
    page.fill("#title", title)
    page.fill("#start_time", start)
    page.fill("#end_time", end)
    if topic:
        page.select_option("#topic_id", label=topic)
    page.fill("#presenter", "Angga Priyadi, ST, M. Ec., Dev")
    page.click("#agenda-form button[type=submit]")
    page.wait_for_selector("#agenda-table")


def test_committee_builds_a_meeting_with_agenda_material_and_calendar(page, live_server, tmp_path):
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.click("#nav-meetings")
    page.wait_for_selector("h1:has-text('Rapat')")
    page.click("#new-meeting")

    # A first attempt with the end before the start is refused and keeps what was typed.
    page.fill("#title", "FGD Evaluasi Stunting Kabupaten/Kota")
    page.select_option("#kind", "fgd")
    page.fill("#starts_at", "2030-03-05T08:30")
    page.fill("#ends_at", "2030-03-05T07:00")
    page.fill("#venue", "Aula Bappeda Provinsi")
    page.fill("#city", "Banjarbaru")
    page.click("#meeting-form button[type=submit]")
    assert page.get_by_text("Waktu selesai rapat harus sesudah waktu mulai.").is_visible()
    assert page.input_value("#title") == "FGD Evaluasi Stunting Kabupaten/Kota"
    page.fill("#ends_at", "2030-03-05T12:00")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#agenda-table")
    assert "Selasa, 5 Maret 2030 · 08.30–12.00 WITA" in page.inner_text("#at-a-glance")
    assert "Bappeda Provinsi Kalimantan Selatan" in page.inner_text("#at-a-glance")
    meeting_url = page.url

    add_item(page, "Pembukaan", "08:30", "09:00")
    add_item(page, "Paparan prevalensi stunting", "09:00", "10:00", topic="Stunting (prevalensi balita stunting)")
    add_item(page, "Diskusi rencana aksi", "10:00", "11:30")
    assert agenda_titles(page) == ["Pembukaan", "Paparan prevalensi stunting", "Diskusi rencana aksi"]

    # An overlapping slot is refused with a clear message.
    page.click("#add-agenda-item")
    page.fill("#title", "Tabrakan")
    page.fill("#start_time", "09:30")
    page.fill("#end_time", "10:30")
    page.click("#agenda-form button[type=submit]")
    assert page.get_by_text("bertumpang tindih dengan “Paparan prevalensi stunting”").is_visible()
    page.goto(meeting_url)

    # Reorder (issue 12): items with a time slot keep their time order and have no arrows; the
    # arrows order the items without one, which follow the timed items.
    assert page.locator("#agenda-table button.move-up, #agenda-table button.move-down").count() == 0
    add_item(page, "Tanya jawab", "", "")
    add_item(page, "Penutup", "", "")
    page.locator(".agenda-item", has_text="Penutup").locator("button.move-up").click()
    page.wait_for_load_state()
    assert agenda_titles(page) == ["Pembukaan", "Paparan prevalensi stunting", "Diskusi rencana aksi",
                                   "Penutup", "Tanya jawab"]

    # Upload a material for the presentation.
    pdf = tmp_path / "Paparan Stunting 2030.pdf"
    pdf.write_bytes(PDF)
    page.click("#upload-material")
    page.set_input_files("#file", str(pdf))
    page.fill("#title", "Bahan paparan stunting")
    page.select_option("#agenda_item_id", label="2. Paparan prevalensi stunting")
    page.click("#material-form button[type=submit]")
    page.wait_for_selector("#material-list .material")
    assert "Bahan paparan stunting" in page.inner_text("#material-list")
    with page.expect_download() as download_info:
        page.click("#material-list a.material-link")
    assert download_info.value.suggested_filename == "Paparan Stunting 2030.pdf"
    assert Path(download_info.value.path()).read_bytes() == PDF

    # Schedule it, then download the calendar file and read it as a calendar client would.
    page.click("#transition-scheduled")
    page.wait_for_selector("#meeting-status [data-status=scheduled]")
    with page.expect_download() as download_info:
        page.click("#download-ics")
    body = Path(download_info.value.path()).read_bytes()
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "FGD Evaluasi Stunting Kabupaten/Kota"
    assert event.decoded("DTSTART") == datetime(2030, 3, 5, 8, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    assert str(event["LOCATION"]) == "Aula Bappeda Provinsi, Banjarbaru"
    assert str(event["UID"]).startswith("meeting-") and str(event["UID"]).endswith("@127.0.0.1")  # BASE_URL's host
    assert "3. 10.00–11.30 WITA Diskusi rencana aksi" in str(event["DESCRIPTION"])

    # The history shows who did what.
    history = page.inner_text("#history")
    assert "Dijadwalkan" in history and "Angga Priyadi" in history
