"""The committee imports a participant list (upload → preview → confirm), then checks people in."""
from datetime import timedelta

from sqlalchemy import select

from tests.e2e.conftest import login

CSV = (
    "DAFTAR PESERTA RAKOR BIDANG PPM\r\n"
    "No;Nama;NIP;Jabatan;Instansi;No. HP;E-mail;L/P\r\n"
    "1;Drs. H. Said Akhmad, MM;19680512 199303 1 007;Sekretaris Daerah;Bappeda Kab. Kotabaru;"
    "0812-5123-4567;said.akhmad@kotabarukab.go.id;L\r\n"
    "2;Noor Hayati, S.E.;198503212010012015;Perencana Ahli Muda;Bappeda Kabupaten Kotabaru;;;P\r\n"
    "3;Ahmad Fauzi, S.T.;;Analis Perencanaan;Bappelitbang Kota Banjarmasin;;;L\r\n"
).encode("cp1252")


def _meeting(live_app):
    """A scheduled meeting of the provincial Bappeda, made in the live server's database."""
    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        organizer = db.session.scalar(select(Agency).join(Agency.region).where(Region.kemendagri_code == "63"))
        start = utcnow().replace(microsecond=0) + timedelta(hours=1)
        meeting = Meeting(title="Rakor Impor Peserta (uji perjalanan)", kind="rakor", venue="Aula Bappeda",
                          city="Banjarbaru", organizer_agency_id=organizer.id, status="scheduled",
                          timezone="Asia/Makassar", starts_at=start, ends_at=start + timedelta(hours=7))
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _checked_in(live_app, meeting_id):
    from rakor.extensions import db
    from rakor.participants.models import Participant

    with live_app.app_context():
        rows = db.session.execute(select(Participant.name, Participant.checked_in_at)
                                  .where(Participant.meeting_id == meeting_id)).all()
        db.session.remove()
    return {name: at is not None for name, at in rows}


def test_committee_imports_a_file_and_checks_people_in(page, live_server, live_app, tmp_path):
    meeting_id = _meeting(live_app)
    path = tmp_path / "peserta-rakor.csv"
    path.write_bytes(CSV)
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/meetings/{meeting_id}/participants/import")
    assert page.locator("h1").inner_text() == "Impor peserta"
    page.set_input_files("input#file", str(path))
    page.click("#import-preview-button")
    page.wait_for_selector("#import-ready")
    assert page.locator("#import-rows tbody tr").count() == 3
    assert page.locator("#import-rows td", has_text="Bappelitbang Kota Banjarmasin").first.is_visible()
    assert _checked_in(live_app, meeting_id) == {}  # the preview wrote nothing
    page.click("#import-confirm-button")
    page.wait_for_selector("text=3 peserta berhasil diimpor.")
    assert set(_checked_in(live_app, meeting_id)) == {"Drs. H. Said Akhmad, MM", "Noor Hayati, S.E.",
                                                       "Ahmad Fauzi, S.T."}

    # At the door: search, one click.
    page.goto(f"{live_server}/meetings/{meeting_id}/checkin")
    page.fill("input#checkin-search", "Said")
    page.click("#checkin-search-button")
    row = page.locator(".checkin-row", has_text="Drs. H. Said Akhmad, MM")
    row.locator("button.checkin-button").click()
    row.locator(".checkin-present").wait_for()
    assert _checked_in(live_app, meeting_id) == {"Drs. H. Said Akhmad, MM": True, "Noor Hayati, S.E.": False,
                                                 "Ahmad Fauzi, S.T.": False}

    # The attendance sheet lists the imported participants.
    response = page.request.get(f"{live_server}/meetings/{meeting_id}/documents/attendance.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
