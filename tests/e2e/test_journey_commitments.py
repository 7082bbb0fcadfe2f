"""Browser journey of commitments: a delegate on a 390 px phone submits two commitments for its
agency at the seed meeting; the committee returns one and agrees the other; the delegate fixes
and resubmits; leadership downloads the agreement record (berita acara kesepakatan).

Stable selectors: #new-commitment, #commitment-form, #save-and-submit, #save-commitment,
#return-note, #return-commitment, #agree-commitment, #edit-commitment, #submit-commitment,
#reference, [data-status]."""
import io

from pypdf import PdfReader

from tests.e2e.conftest import login

PHONE = {"width": 390, "height": 844}


def _seed_meeting_id(live_app):
    """A held meeting like the seed one, with Kotabaru invited. (The seed meeting itself has final
    minutes in the demo, which closes it to new commitments.)"""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.participants.quotas import set_seats
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                     .where(Region.kemendagri_code == code, Agency.is_planning_agency))

        tz = ZoneInfo("Asia/Makassar")
        meeting = Meeting(title="Rakor Kesepakatan Program (uji perjalanan)", kind="rakor", status="held",
                          organizer_agency_id=agency("63").id, venue="Kotabaru", city="Kabupaten Kotabaru",
                          starts_at=datetime(2024, 2, 8, 8, 30, tzinfo=tz),
                          ends_at=datetime(2024, 2, 8, 16, 0, tzinfo=tz))
        db.session.add(meeting)
        db.session.flush()
        set_seats(meeting, agency("63.02"), 4)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _submit(page, base, meeting_id, title, budget):
    page.goto(f"{base}/meetings/{meeting_id}/commitments")
    page.click("#new-commitment")
    page.fill("#commitment-form [name=title]", title)
    page.select_option("#commitment-form [name=indicator_id]", label="Stunting (prevalensi balita stunting) (%)")
    # The region's official (here: demo) baseline is filled in by the page.
    assert page.input_value("#commitment-form [name=baseline_value]") != ""
    page.fill("#commitment-form [name=target_value]", "14,5")
    page.fill("#commitment-form [name=target_date]", "2024-12-31")
    page.fill("#commitment-form [name=programme_code]", "1.02.02")
    page.fill("#commitment-form [name=responsible_office]", "Dinas Kesehatan Kabupaten Kotabaru")
    page.fill("#commitment-form [name=budget]", budget)
    page.select_option("#commitment-form [name=funding_source]", "apbd")
    page.click("#save-and-submit")
    page.wait_for_selector("#reference")
    return page.inner_text("#reference")


def test_delegate_submits_committee_decides_delegate_fixes_leadership_downloads(new_context, live_server, live_app):
    meeting_id = _seed_meeting_id(live_app)
    phone = new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    delegate = phone.new_page()
    login(delegate, live_server, "delegasi.kotabaru@demo.rakor.id")
    delegate.wait_for_url(f"{live_server}/")
    first = _submit(delegate, live_server, meeting_id, "Posyandu prima di 12 desa lokus", "1,25 M")
    second = _submit(delegate, live_server, meeting_id, "Pemberian makanan tambahan ibu hamil KEK", "750 jt")
    assert first != second and first.startswith("RK-2024-") and "-63.02-" in first
    # Nothing on the phone page is wider than the screen.
    assert delegate.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    committee_ctx = new_context(locale="id-ID")
    committee = committee_ctx.new_page()
    login(committee, live_server, "panitia@demo.rakor.id")
    committee.wait_for_url(f"{live_server}/")
    committee.goto(f"{live_server}/meetings/{meeting_id}/commitments?status=submitted")
    committee.click(f"[data-reference='{first}'] a")
    committee.fill("#return-note", "Sebutkan jumlah posyandu per desa")
    committee.click("#return-commitment")
    committee.wait_for_selector("#review-note")
    committee.goto(f"{live_server}/meetings/{meeting_id}/commitments?status=submitted")
    committee.click(f"[data-reference='{second}'] a")
    committee.click("#agree-commitment")
    committee.wait_for_selector("[data-status=agreed]")

    delegate.goto(f"{live_server}/meetings/{meeting_id}/commitments?status=returned")
    delegate.click(f"[data-reference='{first}'] a")
    assert "Sebutkan jumlah posyandu" in delegate.inner_text("#review-note")
    delegate.click("#edit-commitment")
    delegate.fill("#commitment-form [name=title]", "Posyandu prima di 12 desa lokus (2 posyandu per desa)")
    delegate.click("#save-commitment")
    delegate.click("#submit-commitment")
    delegate.wait_for_selector("[data-status=submitted]")
    assert "2 posyandu per desa" in delegate.inner_text("#history")
    phone.close()

    committee_ctx.close()
    leadership_ctx = new_context(locale="id-ID", accept_downloads=True)
    leadership = leadership_ctx.new_page()
    login(leadership, live_server, "pimpinan@demo.rakor.id")
    leadership.wait_for_url(f"{live_server}/")
    leadership.goto(f"{live_server}/meetings/{meeting_id}/commitments")
    with leadership.expect_download() as download:
        leadership.click("#download-agreement")
    pdf = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "BERITA ACARA KESEPAKATAN" in text and second in text and first not in text
    leadership_ctx.close()
