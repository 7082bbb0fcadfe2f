"""Browser journey of the minutes: the minute-taker (committee) writes notes for two agenda items,
loses her session before saving and gets her text back after signing in again; the chair
(leadership) finalises; leadership downloads the PDF from the dashboard in one click and the
test reads it (dates, names, totals); the verification page opened from the URL printed in the
PDF shows the same SHA-256 as the downloaded file; the downloaded file, chosen on that page, is
hashed in the browser and declared "Asli", signed by the organiser's certificate (the agency's
certificate is set up for this journey); a changed copy is not.

Stable selectors: #minutes-form, #save-minutes, #minutes-restored, #finalise-minutes,
#panel-latest-minutes .download-minutes, #verified-hash, #verification-invalid, #verify-file,
#hash-match, #hash-mismatch, #verified-signer."""
import hashlib
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import login

TZ = ZoneInfo("Asia/Makassar")
TITLE = "Rakor Evaluasi Percepatan Penurunan Stunting (uji notulen)"


@pytest.fixture(scope="module")
def agency_certificate(live_app, tmp_path_factory):
    """The organising agency's certificate set up for this journey only (the demo's generator)."""
    from rakor.documents.demo_certificates import ensure_demo_identity

    identity = ensure_demo_identity(tmp_path_factory.mktemp("pki"), "Bappeda Provinsi Kalimantan Selatan")
    saved = {k: live_app.config.get(k) for k in ("SIGNING_PKCS12", "SIGNING_PKCS12_PASSPHRASE")}
    live_app.config.update(SIGNING_PKCS12=str(identity.pkcs12_path),
                           SIGNING_PKCS12_PASSPHRASE=identity.passphrase.decode())
    yield identity
    live_app.config.update(saved)


@pytest.fixture(scope="module")
def held_meeting(live_app, agency_certificate):
    """A held meeting of the provincial Bappeda on Thursday 14 March 2024 with two agenda items
    and three delegates of two regencies, two of them present."""
    from sqlalchemy import select

    from rakor.extensions import db
    from rakor.meetings.models import AgendaItem, Meeting
    from rakor.participants.models import Participant
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                     .where(Region.kemendagri_code == code, Agency.is_planning_agency))

        meeting = Meeting(
            title=TITLE, kind="rakor", organizer_agency_id=agency("63").id, status="held",
            starts_at=datetime(2024, 3, 14, 9, 0, tzinfo=TZ), ends_at=datetime(2024, 3, 14, 12, 0, tzinfo=TZ),
            venue="Aula Bappeda Provinsi", city="Banjarbaru", timezone="Asia/Makassar",
            chair_name="Rahmiyanti Janoezir P., ST., MA", chair_nip="197501012000032001",
            chair_position="Kepala Bidang PPM", chair_rank="Pembina (IV/a)",
            minute_taker_name="Angga Priyadi, ST, M. Ec., Dev", minute_taker_position="Ahli Pratama Perencanaan",
            minute_taker_nip="198703152010011004", minute_taker_rank="Penata (III/c)")
        db.session.add(meeting)
        db.session.flush()
        for position, (title, presenter) in enumerate((
                ("Paparan prevalensi stunting SSGI 2023", "Dinas Kesehatan Provinsi"),
                ("Rencana aksi desa lokus 2024", "Bappeda kabupaten/kota")), start=1):
            db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title, presenter=presenter))
        for n, (code, name, present) in enumerate((("63.02", "Dr. H. Syahrani, S.Sos., M.AP.", True),
                                                   ("63.02", "Rina Marlina, S.E., M.Si.", False),
                                                   ("63.72", "Drs. Herman Susilo, M.AP.", True))):
            db.session.add(Participant(
                meeting_id=meeting.id, agency_id=agency(code).id, name=name, checkin_code=f"uji-notulen-{n}",
                checked_in_at=datetime(2024, 3, 14, 8, 45, tzinfo=TZ) if present else None))
        db.session.commit()
        ids = meeting.id, [i.id for i in db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))]
        db.session.remove()
    return ids


def test_minute_taker_writes_chair_finalises_leadership_downloads_and_verifies(new_context, live_server, held_meeting):
    meeting_id, (first, second) = held_meeting
    edit_url = f"{live_server}/meetings/{meeting_id}/minutes/edit"

    # The minute-taker writes notes for two agenda items.
    taker_ctx = new_context(locale="id-ID")
    taker = taker_ctx.new_page()
    login(taker, live_server, "panitia@demo.rakor.id")
    taker.wait_for_url(f"{live_server}/")
    taker.goto(edit_url)
    taker.fill("#minutes-form [name=opening]", "Rapat dibuka pukul 09.00 WITA oleh pimpinan rapat.")
    taker.fill(f"#minutes-form [name=item_{first}_discussion]",
               "Prevalensi stunting Kalimantan Selatan menurut **SSGI 2023** dibahas per kabupaten.")
    taker.fill(f"#minutes-form [name=item_{first}_conclusions]", "- Data *by name by address* dipadankan.")
    taker.fill(f"#minutes-form [name=item_{second}_discussion]", "Setiap kabupaten memaparkan desa lokus 2024.")
    taker.fill(f"#minutes-form [name=item_{second}_conclusions]", "Desa lokus ditetapkan paling lambat April 2024.")

    # Her session ends before she saves: the save does not go through...
    taker_ctx.clear_cookies()
    taker.click("#save-minutes")
    taker.wait_for_load_state()
    assert "/minutes/edit" not in taker.url or taker.locator("#minutes-form").count() == 0
    # ...she signs in again, comes back to the form, and her text is still there.
    taker.goto(edit_url)
    taker.wait_for_url(re.compile(r".*/login.*"))
    taker.fill("#email", "panitia@demo.rakor.id")
    taker.fill("#password", "Rakor-Demo-2024")
    taker.click("button[type=submit]")
    taker.wait_for_url(edit_url)
    taker.locator("#minutes-restored").wait_for()
    assert "SSGI 2023" in taker.input_value(f"#minutes-form [name=item_{first}_discussion]")
    assert taker.input_value(f"#minutes-form [name=item_{second}_conclusions]").startswith("Desa lokus")
    taker.click("#save-minutes")
    taker.wait_for_url(edit_url)
    assert "Notulen disimpan (versi 1, draf)." in taker.inner_text("main")
    assert taker.locator("#minutes-restored").is_hidden()  # saved: nothing left to restore

    # The chair finalises.
    chair_ctx = new_context(locale="id-ID", accept_downloads=True)
    chair = chair_ctx.new_page()
    login(chair, live_server, "pimpinan@demo.rakor.id")
    chair.wait_for_url(f"{live_server}/")
    chair.goto(f"{live_server}/meetings/{meeting_id}/minutes")
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click("#finalise-minutes")
    chair.wait_for_selector("[data-revision-status=final]")
    assert "Notulen versi 1 sudah final" in chair.inner_text("main")

    # Leadership downloads the PDF from the dashboard in one click.
    chair.goto(f"{live_server}/")
    row = chair.locator("#panel-latest-minutes .latest-minutes", has_text=TITLE)
    with chair.expect_download() as info:
        row.locator(".download-minutes").click()
    pdf = Path(info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "NOTULEN RAPAT" in text and TITLE in text
    assert "Kamis, 14 Maret 2024" in text and "09.00 – 12.00 WITA" in text
    assert "Rahmiyanti Janoezir P., ST., MA" in text and "Angga Priyadi, ST, M. Ec., Dev" in text
    assert "3 orang terdaftar, 2 orang hadir; 2 dari 2 instansi yang diundang hadir" in text
    assert "Prevalensi stunting Kalimantan Selatan menurut SSGI 2023" in text
    assert "Desa lokus ditetapkan paling lambat April 2024." in text and "DRAF" not in text

    # The verification page opened from the PDF's URL shows the same hash.
    url = re.search(r"(http://127\.0\.0\.1:\d+/v/[A-Za-z0-9_-]+)", text).group(1)
    anonymous = new_context(locale="id-ID").new_page()
    anonymous.goto(url)
    assert anonymous.inner_text("#verified-hash") == hashlib.sha256(pdf).hexdigest()
    assert TITLE in anonymous.inner_text("#verified-meeting")
    assert "Rahmiyanti" in anonymous.inner_text("#verified-at")
    assert "DEMO Bappeda Provinsi Kalimantan Selatan" in anonymous.inner_text("#verified-signer")

    # Anyone checks the downloaded file itself: chosen on the page, hashed in the browser.
    anonymous.set_input_files("#verify-file", str(info.value.path()))
    anonymous.locator("#hash-match").wait_for()
    assert "Asli." in anonymous.inner_text("#hash-match")
    assert f"sha256={hashlib.sha256(pdf).hexdigest()}" in anonymous.url  # only the fingerprint went out
    # A copy with one changed byte is not the final version.
    forged = Path(info.value.path()).with_name("notulen-diubah.pdf")
    data = bytearray(pdf)
    data[len(data) // 3] ^= 0x01
    forged.write_bytes(bytes(data))
    # The page came back with the answer: its script must have run (it shows the file box)
    # before a second file is chosen, or the change goes unheard (a PostgreSQL CI run waited
    # 30 s for an answer that was never asked).
    anonymous.locator("#check-file").wait_for()
    anonymous.set_input_files("#verify-file", str(forged))
    anonymous.locator("#hash-mismatch").wait_for()
    assert "BUKAN versi final" in anonymous.inner_text("#hash-mismatch")

    anonymous.goto(url[:-3] + "xyz")
    assert anonymous.locator("#verification-invalid").is_visible()
    for ctx in (taker_ctx, chair_ctx, anonymous.context):
        ctx.close()
