"""Browser journeys of the secretariat's week (issue 18): the committee moves a meeting with its
agenda and tells every invited agency; agrees a room's worth of commitments at once and returns
one, which the delegate fixes and sends back with "Simpan dan ajukan"; leadership reads the
dashboard by regency and downloads the monitoring report of its filters (the year's meetings).

Stable selectors: #reschedule-meeting, #reschedule-form, #show-plan, #reschedule-plan, .plan-item,
#save-reschedule, #notice-email, #notified, #pick-all-submitted, #bulk-agree, #bulk-return,
#bulk-note, #save-and-submit, #progress-matrix, #matrix-province, #dashboard-filters,
#download-monitoring-scope, #download-monitoring-scope-xlsx."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.e2e.conftest import login
from tests.helpers import pdf_text

TZ = ZoneInfo("Asia/Makassar")


def _agency(db, code):
    from rakor.regions.models import Agency, Region
    return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                             .where(Region.kemendagri_code == code, Agency.is_planning_agency))


@pytest.fixture(scope="module")
def future_meeting(live_app):
    """A scheduled meeting in three weeks with a timed agenda, two invited regencies and two
    registered delegates with e-mail addresses."""
    from rakor.extensions import db
    from rakor.meetings.models import AgendaItem, Meeting
    from rakor.participants.models import Participant
    from rakor.participants.quotas import set_seats

    with live_app.app_context():
        day = (datetime.now(TZ) + timedelta(days=21)).date()
        start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)
        meeting = Meeting(title="FGD Percepatan Penurunan Kemiskinan (uji jadwal ulang)", kind="fgd",
                          status="scheduled", organizer_agency_id=_agency(db, "63").id, venue="Aula Bappeda",
                          city="Banjarbaru", timezone="Asia/Makassar", starts_at=start,
                          ends_at=start + timedelta(hours=4))
        db.session.add(meeting)
        db.session.flush()
        for position, (title, begin, hours) in enumerate((("Pembukaan", 0, 1), ("Diskusi kelompok", 1, 2)), start=1):
            db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title,
                                      starts_at=start + timedelta(hours=begin),
                                      ends_at=start + timedelta(hours=begin + hours)))
        for n, code in enumerate(("63.02", "63.72")):
            set_seats(meeting, _agency(db, code), 3)
            db.session.add(Participant(meeting_id=meeting.id, agency_id=_agency(db, code).id,
                                       name=f"Delegasi Uji {n}", email=f"delegasi{n}@uji-jadwal.go.id",
                                       checkin_code=f"uji-jadwal-{n}"))
        db.session.commit()
        ids = meeting.id, start
        db.session.remove()
    return ids


def test_the_committee_moves_a_meeting_with_its_agenda_and_tells_the_agencies(new_context, live_server, live_app,
                                                                             future_meeting):
    meeting_id, start = future_meeting
    page = new_context().new_page()
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/meetings/{meeting_id}")
    page.click("#reschedule-meeting")
    later = start + timedelta(days=7, hours=1)
    page.fill("#reschedule-form [name=starts_at]", later.strftime("%d-%m-%Y %H.%M"))
    page.fill("#reschedule-form [name=ends_at]", (later + timedelta(hours=4)).strftime("%d-%m-%Y %H.%M"))
    page.fill("#reschedule-form [name=reason]", "Bertepatan dengan kunjungan kerja Gubernur")
    page.click("#show-plan")
    page.wait_for_selector("#reschedule-plan")
    assert page.locator(".plan-item").count() == 2
    assert "10.00" in page.inner_text("#reschedule-plan")  # Pembukaan 09.00 -> 10.00 a week later
    page.click("#save-reschedule")
    page.wait_for_selector("#notice-email")
    assert page.locator("#notice-recipients tbody tr").count() == 2
    page.click("#notice-email button[type=submit]")
    page.wait_for_selector("#notified")

    from rakor.extensions import db
    from rakor.mail.models import OutboundMail
    from rakor.meetings.models import AgendaItem, Meeting
    with live_app.app_context():
        moved = db.session.get(Meeting, meeting_id)
        opening = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                             AgendaItem.title == "Pembukaan"))
        assert moved.starts_at == later and opening.starts_at == later
        sent = db.session.scalars(select(OutboundMail.to_address).where(
            OutboundMail.meeting_id == meeting_id, OutboundMail.kind == "meeting_date_change")).all()
        assert sorted(sent) == ["delegasi0@uji-jadwal.go.id", "delegasi1@uji-jadwal.go.id"]
        db.session.remove()
    page.goto(f"{live_server}/meetings/{meeting_id}")
    assert "Bertepatan dengan kunjungan kerja Gubernur" in page.inner_text("#history")


@pytest.fixture(scope="module")
def submitted(live_app):
    """A held meeting with four commitments of Kotabaru submitted to the committee."""
    from decimal import Decimal

    from rakor.auth.models import User
    from rakor.commitments import services
    from rakor.commitments.services import CommitmentData
    from rakor.extensions import db
    from rakor.meetings.models import Meeting, Topic
    from rakor.participants.quotas import set_seats

    with live_app.app_context():
        meeting = Meeting(title="Rakor Kesepakatan (uji putusan sekaligus)", kind="rakor", status="held",
                          organizer_agency_id=_agency(db, "63").id, venue="Aula", city="Banjarbaru",
                          starts_at=datetime(2024, 2, 8, 8, 30, tzinfo=TZ), ends_at=datetime(2024, 2, 8, 16, 0, tzinfo=TZ))
        db.session.add(meeting)
        db.session.flush()
        kotabaru = _agency(db, "63.02")
        set_seats(meeting, kotabaru, 4)
        delegate = db.session.scalar(select(User).where(User.email == "delegasi.kotabaru@demo.rakor.id"))
        stunting = db.session.scalar(select(Topic.id).where(Topic.code == "STUNTING"))
        refs = []
        for n in range(4):
            c = services.create_commitment(meeting, CommitmentData(
                title=f"Rencana aksi uji {n + 1}", agency_id=kotabaru.id, indicator_id=stunting,
                target_value=Decimal("14.5"), target_date=datetime(2024, 12, 31).date(),
                programme_code="1.02.02"), delegate, submit=True, confirm_direction=True)
            refs.append(c.reference)
        db.session.commit()
        ids = meeting.id, refs
        db.session.remove()
    return ids


def test_bulk_agree_then_a_returned_commitment_is_fixed_and_submitted_in_one_step(new_context, live_server,
                                                                                  submitted):
    meeting_id, refs = submitted
    committee = new_context().new_page()
    login(committee, live_server, "panitia@demo.rakor.id")
    committee.wait_for_url(f"{live_server}/")
    committee.goto(f"{live_server}/meetings/{meeting_id}/commitments")
    # The first one goes back with a reason; the other three are agreed at once.
    committee.check(f"[data-reference='{refs[0]}'] .bulk-pick")
    committee.fill("#bulk-note", "Lengkapi lokasi desa lokus")
    committee.click("#bulk-return")
    committee.wait_for_selector(f"[data-reference='{refs[0]}'] [data-status=returned]")
    committee.click("#pick-all-submitted")
    committee.click("#bulk-agree")
    for ref in refs[1:]:
        committee.wait_for_selector(f"[data-reference='{ref}'] [data-status=agreed]")
    assert "Disepakati" in committee.inner_text("main")

    delegate = new_context().new_page()
    login(delegate, live_server, "delegasi.kotabaru@demo.rakor.id")
    delegate.wait_for_url(f"{live_server}/")
    delegate.goto(f"{live_server}/meetings/{meeting_id}/commitments?status=returned")
    delegate.click(f"[data-reference='{refs[0]}'] a")
    assert "Lengkapi lokasi desa lokus" in delegate.inner_text("#review-note")
    delegate.click("#edit-commitment")
    delegate.fill("#commitment-form [name=title]", "Rencana aksi uji 1 (desa lokus: 12 desa)")
    delegate.click("#save-and-submit")
    delegate.wait_for_selector("[data-status=submitted]")
    history = delegate.inner_text("#history")
    assert "Diajukan" in history and "Dikembalikan" in history


def test_leadership_reads_the_dashboard_by_regency(new_context, live_server):
    page = new_context(accept_downloads=True).new_page()
    login(page, live_server, "pimpinan@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.click("#nav-progress")
    page.wait_for_selector("#progress-matrix")
    assert page.locator("#matrix-province").count() == 1
    regencies = page.locator("#progress-matrix tbody tr[data-region^='63.']").count()
    assert regencies >= 2  # the demo's regencies with agreed commitments, under the province row

    # The report of what the dashboard shows: the demo meeting's year, the whole province.
    page.select_option("select[name=year]", "2024")
    page.click("#dashboard-filters button")
    page.wait_for_selector("#download-monitoring-scope")
    assert "2024" in page.inner_text("#download-monitoring-scope")
    regency_names = page.locator("#progress-matrix tbody tr[data-region^='63.'] th").all_inner_texts()
    with page.expect_download() as download:
        page.click("#download-monitoring-scope")
    assert download.value.suggested_filename == "laporan-monitoring-2024-provinsi-kalimantan-selatan.pdf"
    text = pdf_text(download.value.path().read_bytes())
    assert "LAPORAN MONITORING RENCANA AKSI TAHUN 2024" in text and "Provinsi Kalimantan Selatan" in text
    assert "Rapat Koordinasi Perencanaan Pembangunan Daerah" in text.split("Rapat yang dicakup")[1]
    matrix = text.split("Capaian Kinerja per Wilayah")[1].split("Capaian Kinerja per Topik")[0]
    assert regency_names and all(name.strip() in matrix for name in regency_names), regency_names
    with page.expect_download() as workbook:
        page.click("#download-monitoring-scope-xlsx")
    assert workbook.value.suggested_filename.endswith(".xlsx")
