"""Browser journeys of participant registration:
(a) an agency's contact registers its delegation through the invitation link the committee
    made, until the quota is full;
(b) the committee checks people in at the desk (search, one click, "Hadir").

Stable selectors used here (and by other journeys): #checkin-search, #checkin-search-button,
button.checkin-button, .checkin-present, #checkin-totals [data-total=checked-in],
#invitation-form, .invitation-url, #delegate-form, #register-delegate, #remaining-seats."""
from datetime import timedelta

import pytest

from tests.e2e.conftest import login


@pytest.fixture(scope="module")
def open_meeting(live_app):
    """A scheduled meeting in two weeks with 2 seats for Bappeda Kabupaten Tanah Laut."""
    from sqlalchemy import select

    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.participants.quotas import set_seats
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                     .where(Region.kemendagri_code == code, Agency.is_planning_agency))

        start = utcnow().replace(microsecond=0, second=0) + timedelta(days=14)
        meeting = Meeting(title="FGD Data Kemiskinan By Name By Address", kind="fgd",
                          organizer_agency_id=agency("63").id, starts_at=start,
                          ends_at=start + timedelta(hours=4), venue="Aula Bappeda Provinsi",
                          city="Banjarbaru", status="scheduled")
        db.session.add(meeting)
        db.session.flush()
        tanah_laut = agency("63.01")
        set_seats(meeting, tanah_laut, 2)
        db.session.commit()
        ids = meeting.id, tanah_laut.id, tanah_laut.name
        db.session.remove()
    return ids


def test_agency_contact_registers_its_delegation_through_the_invitation_link_until_full(
        page, new_context, live_server, open_meeting):
    meeting_id, agency_id, agency_name = open_meeting
    # The committee makes the link.
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/meetings/{meeting_id}/invitations")
    page.select_option("#invitation-form select[name=agency_id]", str(agency_id))
    page.fill("#invitation-form input[name=contact_name]", "Ibu Rina Marlina")
    page.click("#create-invitation")
    link = page.locator(".invitation-url").first.input_value()
    assert "/i/" in link

    # The agency's contact opens it without an account, in another browser.
    contact_context = new_context(locale="id-ID")
    contact = contact_context.new_page()
    contact.set_default_timeout(10000)
    try:
        contact.goto(link)
        assert contact.locator("#meeting-title").inner_text() == "FGD Data Kemiskinan By Name By Address"
        assert contact.locator("#invited-agency").inner_text() == agency_name
        assert "sisa: 2" in contact.locator("#remaining-seats").inner_text()
        for name, nip in (("Ir. H. Rahmadi, M.T.", "197501012000031001"),
                          ("Noor Hidayati, S.T., M.Si.", "")):
            contact.fill("#delegate-form #name", name)
            contact.fill("#delegate-form #nip", nip)
            contact.fill("#delegate-form #position", "Perencana Ahli Muda")
            contact.fill("#delegate-form #phone", "0812-5123-4567" if nip else "")
            contact.click("#register-delegate")
            contact.wait_for_selector(f"#delegates >> text={name}")
        assert "sisa: 0" in contact.locator("#remaining-seats").inner_text()
        assert contact.locator("#delegate-form").count() == 0
        assert "Kuota penuh" in contact.locator("#registration-state").inner_text()
        # Nothing about other agencies on the page.
        assert "Kotabaru" not in contact.content()
    finally:
        contact_context.close()

    # The committee sees the two delegates in its list.
    page.goto(f"{live_server}/meetings/{meeting_id}/participants")
    table = page.locator("#participants-table").inner_text()
    assert "Ir. H. Rahmadi, M.T." in table and "Noor Hidayati, S.T., M.Si." in table


def test_committee_checks_people_in_at_the_desk(page, live_server, live_app):
    from rakor.meetings.demo import find_seed_meeting

    with live_app.app_context():
        meeting_id = find_seed_meeting().id
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server}/meetings/{meeting_id}/checkin")
    before = int(page.locator("#checkin-totals [data-total=checked-in]").inner_text())
    page.fill("#checkin-search", "Siti Aminah")
    page.click("#checkin-search-button")
    row = page.locator(".checkin-row", has_text="Siti Aminah, S.Kom.")
    row.locator("button.checkin-button").click()
    row.locator(".checkin-present").wait_for()
    assert row.locator(".checkin-present").inner_text().startswith("Hadir")
    assert int(page.locator("#checkin-totals [data-total=checked-in]").inner_text()) == before + 1
    # It is stored: after a reload the row shows "Hadir" and no button.
    page.reload()
    row = page.locator(".checkin-row", has_text="Siti Aminah, S.Kom.")
    assert row.locator(".checkin-present").inner_text().startswith("Hadir")
    assert row.locator("button.checkin-button").count() == 0
