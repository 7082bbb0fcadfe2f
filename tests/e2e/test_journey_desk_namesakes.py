"""The check-in desk tells two people of one name apart (issue 18, build 7): online, each row shows
the jabatan and the NIP; offline (rows drawn by desk-offline.js from the device's copy), the
NIP's last four digits, the full NIP staying on the server."""
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_journey_checkin_desk import _meeting_of_today
from tests.e2e.test_journey_checkin_offline import _open_desk


def _with_nip(live_app, meeting_id):
    from rakor.extensions import db
    from rakor.participants.models import Participant

    with live_app.app_context():
        row = db.session.execute(
            select(Participant.name, Participant.nip)
            .where(Participant.meeting_id == meeting_id, Participant.status == "registered",
                   Participant.nip.is_not(None))
            .order_by(Participant.sort_name, Participant.id)).first()
        db.session.remove()
    return row


def test_the_desk_shows_the_nip_online_and_its_last_digits_offline(new_context, live_server, live_app):
    meeting_id = _meeting_of_today(live_app)
    name, nip = _with_nip(live_app, meeting_id)
    context = new_context()
    page = _open_desk(context, live_server, meeting_id)
    page.locator("#checkin-search").fill(name)
    row = page.locator(".checkin-row", has_text=name).first
    expect(row.locator(".checkin-nip")).to_have_text(f"NIP {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}")
    context.set_offline(True)
    expect(page.locator("#desk-connection")).to_have_text("Luring")
    page.reload()
    expect(page.locator("#desk-connection")).to_have_text("Luring")
    page.locator("#checkin-search").fill(name)
    row = page.locator(".checkin-row", has_text=name).first
    expect(row.locator(".checkin-nip")).to_have_text(f"NIP …{nip[-4:]}")
    context.set_offline(False)
