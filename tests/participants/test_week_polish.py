"""Small things of the secretariat's week (issue 18, item 8) that each cost a user time."""
from datetime import UTC, datetime

from tests.factories import make_meeting, make_participant, make_quota


def test_sub_pages_keep_the_overview_tab(client, login_as, province_meeting):
    login_as("committee")
    html = client.get(f"/meetings/{province_meeting.meeting.id}/participants").get_data(as_text=True)
    tabs = html.split('id="meeting-tabs"')[1].split("</ul>")[0]
    assert 'id="tab-overview"' in tabs and "Ringkasan" in tabs


def test_a_delegate_on_a_phone_sees_nip_position_and_phone_of_its_people(client, login_as, province_meeting):
    m, agency = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, agency)
    make_participant(m, agency, name="Rina", nip="198001012006042001", position="Kepala Bidang",
                     phone="+6281234567890")
    login_as("delegate", agency=agency)
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    details = html.split('participant-details">')[1].split("</div>")[0]
    assert "Kepala Bidang" in details and "19800101 200604 2 001" in details and "0812-3456-7890" in details


def test_the_follow_up_choice_shows_the_date_as_people_write_it(client, login_as, province_meeting):
    make_meeting(title="Rakor Awal", starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
                 ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    login_as("committee")
    html = client.get("/meetings/new").get_data(as_text=True)
    assert "1 Februari 2024 · Rakor Awal" in html and "2024-02-01 · Rakor Awal" not in html


def test_the_other_zone_box_shows_only_for_other(client, login_as, province_meeting):
    login_as("committee")
    html = client.get("/meetings/new").get_data(as_text=True)
    assert 'data-show-when="timezone=other"' in html


def test_the_sign_in_email_field_is_an_email_input(client, db):
    html = client.get("/login").get_data(as_text=True)
    field = next(part for part in html.split("<input") if 'name="email"' in part)
    assert 'type="email"' in field


def test_the_demo_committee_name_writes_the_degrees_properly():
    from rakor.demo import DEMO_USERS
    names = [u[1] for u in DEMO_USERS]
    assert "Angga Priyadi, S.T., M.Ec.Dev." in names
