"""The committee imports a list written the Kalsel way: regions by their short forms, 'Bappeda'
in the agency column, a typo that gets a suggestion, then delegates beyond a quota imported with
one override and a reason (issue 12). Set RAKOR_SCREENSHOTS=<dir> to keep pictures of the
preview at 1280 and 390 px."""
import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from tests.e2e.conftest import login

ROWS = [
    "No;Nama;NIP;Jabatan;Instansi;Kab/Kota;No. HP;L/P",
    "1;Ir. H. Rahmadi, M.T.;19720501 199903 1 005;Kepala Bappeda;Bappeda;Kab. HSU;0812-5123-4567;L",
    "2;Noor Hidayati, S.T., M.Si.;;Kepala Bidang Pemerintahan dan Pembangunan Manusia;Bappeda;Kab. HSU;;P",
    "3;Ahmad Fauzan, S.E., M.M.;;Perencana Ahli Muda;Bappeda;Kab. HSU;;L",
    "4;Siti Aminah, S.Kom.;;Analis Perencanaan;Bappeda Batola;;;P",
    "5;Gusti Rahmat, S.T.;;Perencana Ahli Muda;;Kab. Hulu Sungai Tenggah;;L",
]


def _meeting(live_app, seats):
    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.participants.models import SeatQuota
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Agency.region).where(
                Region.kemendagri_code == code, Agency.is_planning_agency.is_(True)))

        start = utcnow().replace(microsecond=0) + timedelta(days=3)
        meeting = Meeting(title="Rakor Impor Kalsel (uji perjalanan)", kind="rakor", venue="Aula Bappeda",
                          city="Banjarbaru", organizer_agency_id=agency("63").id, status="scheduled",
                          timezone="Asia/Makassar", starts_at=start, ends_at=start + timedelta(hours=7))
        db.session.add(meeting)
        db.session.flush()
        for code, n in seats.items():
            db.session.add(SeatQuota(meeting_id=meeting.id, agency_id=agency(code).id, seats=n))
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _stored(live_app, meeting_id):
    from rakor.extensions import db
    from rakor.participants.models import Participant

    with live_app.app_context():
        rows = db.session.execute(select(Participant.name, Participant.quota_override_reason)
                                  .where(Participant.meeting_id == meeting_id)).all()
        db.session.remove()
    return dict(rows)


def _shoot(page, name):
    folder = os.environ.get("RAKOR_SCREENSHOTS")
    if not folder:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_committee_imports_a_kalsel_list_with_a_quota_override(page, live_server, live_app, tmp_path):
    meeting_id = _meeting(live_app, {"63.08": 2, "63.04": 2, "63.07": 2})
    path = tmp_path / "peserta-kalsel.csv"
    path.write_bytes("\r\n".join(ROWS).encode("utf-8-sig"))
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/meetings/{meeting_id}/participants/import")
    page.set_input_files("input#file", str(path))
    page.click("#import-preview-button")
    page.wait_for_selector("#import-rows")
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 5
    # 'Bappeda' with 'Kab. HSU' and 'Bappeda Batola': read without a warning.
    assert page.locator('#import-rows tr[data-line="2"]').get_attribute("data-status") == "ok"
    assert page.locator('#import-rows tr[data-line="5"]').get_attribute("data-status") == "ok"
    assert "Bappeda Kabupaten Hulu Sungai Utara" in page.locator('#import-rows tr[data-line="2"]').inner_text()
    # The typo gets a suggestion; the third HSU delegate is beyond the quota.
    assert "Maksud Anda Kabupaten Hulu Sungai Tengah?" in page.locator('#import-rows tr[data-line="6"]').inner_text()
    assert page.locator('#import-summary [data-count="ready"]').inner_text() == "3 siap diimpor"
    _shoot(page, "import-preview-errors")

    # Fix the typo, upload again: only the quota is left, and the committee overrides it.
    path.write_bytes("\r\n".join(ROWS).replace("Tenggah", "Tengah").encode("utf-8-sig"))
    page.goto(f"{live_server}/meetings/{meeting_id}/participants/import")
    page.set_input_files("input#file", str(path))
    page.click("#import-preview-button")
    page.wait_for_selector("#import-over-quota")
    _shoot(page, "import-preview-override")
    page.click("#import-override-button")  # without the tick: refused, nothing written
    page.wait_for_selector("#import-over-quota .invalid-feedback")
    assert _stored(live_app, meeting_id) == {}
    page.check("#override")
    page.fill("#override_reason", "Disetujui Kepala Bappeda: HSU mengirim tiga kepala bidang.")
    page.click("#import-override-button")
    page.wait_for_selector("text=5 peserta berhasil diimpor.")
    stored = _stored(live_app, meeting_id)
    assert stored["Ahmad Fauzan, S.E., M.M."] == "Disetujui Kepala Bappeda: HSU mengirim tiga kepala bidang."
    assert stored["Ir. H. Rahmadi, M.T."] is None and len(stored) == 5
