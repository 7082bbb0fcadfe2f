"""Browser journey: correcting final minutes with text pasted from elsewhere. The minute-taker
opens the final version, pastes a correction that carries a zero-width space (as text copied from
a web page or Word does), gives the reason and saves; the page says the minutes were saved and
does not also claim that unsaved text was put back (the server removes such characters, and the
browser's kept copy used to count that as a difference)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import login

TZ = ZoneInfo("Asia/Makassar")


@pytest.fixture(scope="module")
def final_meeting(live_app):
    from sqlalchemy import select

    from rakor.auth.models import User
    from rakor.extensions import db
    from rakor.meetings.models import AgendaItem, Meeting
    from rakor.regions.models import Agency, Region
    from tests.factories.minutes import make_final_minutes

    with live_app.app_context():
        organizer = db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                      .where(Region.kemendagri_code == "63", Agency.is_planning_agency))
        meeting = Meeting(
            title="Rakor uji koreksi notulen", kind="rakor", organizer_agency_id=organizer.id, status="held",
            starts_at=datetime(2024, 4, 18, 9, 0, tzinfo=TZ), ends_at=datetime(2024, 4, 18, 12, 0, tzinfo=TZ),
            venue="Aula Bappeda Provinsi", city="Banjarbaru", timezone="Asia/Makassar",
            chair_name="Rahmiyanti Janoezir P., S.T., M.A.", chair_position="Kepala Bidang PPM",
            chair_nip="197501012000032001", minute_taker_name="Angga Priyadi, S.T., M.Ec.Dev.",
            minute_taker_nip="198601012010011001")
        db.session.add(meeting)
        db.session.flush()
        db.session.add(AgendaItem(meeting_id=meeting.id, position=1, title="Evaluasi triwulan I"))
        committee = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
        make_final_minutes(meeting, committee, opening="Rapat dibuka pukul 09.00 WITA.")
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def test_a_saved_correction_is_not_announced_as_text_put_back(new_context, live_server, final_meeting):
    page = new_context().new_page()
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    edit_url = f"{live_server}/meetings/{final_meeting}/minutes/edit"
    page.goto(edit_url)
    page.fill("#minutes-form [name=reason]", "Koreksi jam pembukaan")
    page.fill("#minutes-form [name=opening]", "Rapat dibuka pukul\u200b 09.15 WITA.")
    page.click("#save-minutes")
    page.wait_for_load_state()
    page.goto(edit_url)  # the page drawn again, as after the save's redirect
    assert page.input_value("#minutes-form [name=opening]") == "Rapat dibuka pukul 09.15 WITA."
    assert page.locator("#minutes-restored").is_hidden()
