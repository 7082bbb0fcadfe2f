"""Browser journey of issue 12, "invitations that reach people": the committee creates links for
every agency and hands them over (copy, WhatsApp, e-mail; a warning before leaving with links
not handed over); the agency opens its link (committee contact, dress code, letter number, map,
calendar), registers a delegate, and the delegate's e-ticket shows the QR code.

Screenshots of the links page, the invitation page and the e-ticket at 1280 and 390 px go to
test-artifacts/ (look at them)."""
from datetime import timedelta
from urllib.parse import unquote

import pytest

from tests.e2e.conftest import ARTIFACTS, login

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def hybrid_meeting(live_app):
    """A scheduled hybrid meeting in three weeks, 3 agencies with seats, an agenda with a
    registration slot before the start."""
    from sqlalchemy import select

    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.meetings.models import AgendaItem, Meeting
    from rakor.participants.quotas import set_seats
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                     .where(Region.kemendagri_code == code, Agency.is_planning_agency))

        start = utcnow().replace(microsecond=0, second=0, minute=0) + timedelta(days=21)
        meeting = Meeting(title="Rakor Percepatan Penurunan Stunting Kalimantan Selatan", kind="rakor",
                          organizer_agency_id=agency("63").id, starts_at=start,
                          ends_at=start + timedelta(hours=4), venue="Aula Gawi Sabarataan Bappeda Provinsi",
                          city="Banjarbaru", status="scheduled", open_end=True,
                          contact_name="Sari Rahmawati, S.E.", contact_phone="+6281251234567",
                          dress_code="Batik lengan panjang", letter_number="005/412/Bappeda/2026",
                          online_url="https://zoom.us/j/81234567890")
        db.session.add(meeting)
        db.session.flush()
        db.session.add_all([
            AgendaItem(meeting_id=meeting.id, position=1, title="Paparan capaian stunting",
                       starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=2)),
            AgendaItem(meeting_id=meeting.id, position=2, title="Registrasi peserta",
                       starts_at=start - timedelta(minutes=30), ends_at=start),
        ])
        codes = ("63.01", "63.02", "63.03")
        for code in codes:
            set_seats(meeting, agency(code), 2)
        db.session.commit()
        ids = meeting.id, [agency(c).id for c in codes]
        db.session.remove()
    return ids


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1280"])


def test_committee_hands_links_over_and_the_agency_registers_with_an_e_ticket(
        page, new_context, live_server, live_app, hybrid_meeting):
    meeting_id, agency_ids = hybrid_meeting
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/meetings/{meeting_id}/invitations")
    page.click("form[action$='/invitations/all'] button")
    page.wait_for_selector("#links-form")
    rows = page.locator("[data-link-row]")
    assert rows.count() == 3
    assert page.locator("#links-pending").inner_text() == "3"
    shoot(page, "invitation-links")

    # Copy: the Clipboard API puts the link on the clipboard, and the row counts as handed over.
    first = rows.nth(0)
    link = first.locator(".invitation-url").input_value()
    first.locator("button.copy-link").click()
    first.locator(".link-state.text-bg-success").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.locator("#links-pending").inner_text() == "2"

    # WhatsApp: a wa.me link with the Indonesian message and the link in it.
    second = rows.nth(1)
    href = second.locator("a.share-whatsapp").get_attribute("href")
    assert href.startswith("https://wa.me/?text=")
    text = unquote(href.split("text=", 1)[1])
    second_link = second.locator(".invitation-url").input_value()
    assert second_link in text and "Rakor Percepatan Penurunan Stunting" in text
    assert "Aula Gawi Sabarataan" in text and "2 orang" in text and "selesai" in text

    # Leaving with links not handed over asks first.
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.click("#links-done")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.locator("#links-form").count() == 1
    page.remove_listener("dialog", on_dialog)

    # E-mail to a typed address: sent after commit, recorded, the page keeps all its links.
    second_id = second.get_attribute("data-invitation-id")
    second.locator("input[type=email]").fill("perencanaan@bappeda-tala.go.id")
    second.locator("button.send-email").click()
    page.wait_for_selector(f"[data-invitation-id='{second_id}'] .mail-state[data-status=sent]")
    assert page.locator("[data-link-row]").count() == 3
    assert page.locator(f"[data-invitation-id='{second_id}'][data-handled]").count() == 1
    with live_app.app_context():
        from sqlalchemy import select

        from rakor.extensions import db
        from rakor.mail.models import OutboundMail

        mail = db.session.scalar(select(OutboundMail).where(OutboundMail.object_id == int(second_id),
                                                            OutboundMail.kind == "invitation_link"))
        assert mail.status == "sent" and mail.to_address == "perencanaan@bappeda-tala.go.id"
        assert second_link in mail.text_body
        db.session.remove()

    # Download all: the file has the three links; afterwards nothing is left to warn about.
    with page.expect_download() as download:
        page.click("#download-csv")
    with open(download.value.path(), encoding="utf-8-sig") as f:
        content = f.read()
    assert content.count("/i/") == 3 and link in content
    assert page.locator("#links-pending").inner_text() == "0"

    # The agency's contact opens the link in another browser, on a phone.
    contact_context = new_context(locale="id-ID")
    contact = contact_context.new_page()
    contact.set_default_timeout(10000)
    try:
        contact.goto(link)
        assert "Sari Rahmawati" in contact.locator("#committee-contact").inner_text()
        assert contact.locator("#contact-whatsapp").get_attribute("href") == "https://wa.me/6281251234567"
        assert contact.locator("#dress-code").inner_text() == "Batik lengan panjang"
        assert contact.locator("#letter-number").inner_text() == "005/412/Bappeda/2026"
        assert contact.locator("#map-link").get_attribute("href").startswith(
            "https://www.google.com/maps/search/?api=1&query=Aula%20Gawi%20Sabarataan")
        assert contact.locator("#online-link").get_attribute("href") == "https://zoom.us/j/81234567890"
        assert "selesai" in contact.locator("#meeting-when").inner_text()
        agenda = contact.locator("#agenda").inner_text()
        assert agenda.index("Registrasi peserta") < agenda.index("Paparan capaian stunting")
        calendar = contact.request.get(live_server + contact.locator("#invitation-ics").get_attribute("href"))
        assert calendar.status == 200 and "BEGIN:VEVENT" in calendar.text()
        shoot(contact, "invitation-page")

        contact.fill("#delegate-form #name", "Ir. H. Rahmadi, M.T.")
        contact.fill("#delegate-form #position", "Kepala Bidang Perencanaan")
        contact.fill("#delegate-form #email", "rahmadi@bappeda-tala.go.id")
        contact.click("#register-delegate")
        contact.wait_for_selector("#delegates >> text=Ir. H. Rahmadi, M.T.")
        contact.click("#delegates a.delegate-ticket")
        contact.wait_for_selector("#ticket-qr svg")
        assert contact.locator("#ticket-name").inner_text() == "Ir. H. Rahmadi, M.T."
        box = contact.locator("#ticket-qr svg").bounding_box()
        assert box["width"] >= 150
        shoot(contact, "e-ticket")
    finally:
        contact_context.close()

    with live_app.app_context():
        from rakor.extensions import db
        from rakor.mail.models import OutboundMail

        confirmation = db.session.scalar(select(OutboundMail).where(
            OutboundMail.kind == "registration_confirmation",
            OutboundMail.to_address == "rahmadi@bappeda-tala.go.id"))
        assert confirmation.status == "sent" and "/t/" in confirmation.text_body
        db.session.remove()
