"""The meeting's time zone is chosen as WIB / WITA / WIT, or "other" with an IANA name (issue 12)."""
from sqlalchemy import select

from rakor.meetings.models import Meeting
from tests.factories import make_agency, make_meeting


def form(organizer, **overrides):
    fields = {"kind": "rakor", "title": "Rakor Zona", "organizer_agency_id": organizer.id,
              "timezone": "Asia/Makassar", "starts_at": "05-03-2030 08.30", "ends_at": "05-03-2030 16.00",
              "venue": "Aula", "city": "", "field": "", "chair_name": "", "chair_position": "",
              "chair_nip": "", "minute_taker_name": "", "minute_taker_nip": "", "description": "",
              "registration_opens_at": "", "registration_closes_at": "", "follow_up_of_id": ""}
    return {**fields, **overrides}


def test_the_form_offers_wib_wita_wit_and_other(client, db, login_as):
    login_as("committee")
    html = client.get("/meetings/new").get_data(as_text=True)
    select_html = html[html.index('<select class="form-select" id="timezone"'):]
    select_html = select_html[:select_html.index("</select>")]
    for value, label in (("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"),
                         ("other", "Lainnya")):
        assert f'value="{value}"' in select_html and label in select_html
    assert '<option value="Asia/Makassar" selected>' in select_html
    assert 'name="timezone_other"' in html
    assert 'placeholder="hh-bb-tttt jj.mm"' in html and 'type="datetime-local"' not in html


def test_wit_from_the_select_and_times_in_the_apps_format(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    assert client.post("/meetings/new", data=form(organizer, timezone="Asia/Jayapura")).status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Zona"))
    assert meeting.timezone == "Asia/Jayapura" and meeting.starts_at.hour == 23  # 08.30 WIT = 23.30 UTC


def test_other_takes_the_typed_iana_name_and_the_edit_form_shows_it(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(organizer, timezone="other", timezone_other=" Asia/Singapore "))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Zona"))
    assert meeting.timezone == "Asia/Singapore"
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert '<option value="other" selected>' in html and 'value="Asia/Singapore"' in html


def test_other_without_a_name_or_with_a_wrong_one_is_refused(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    html = client.post("/meetings/new", data=form(organizer, timezone="other", timezone_other="")).get_data(as_text=True)
    assert "is-invalid" in html
    html = client.post("/meetings/new", data=form(organizer, timezone="other",
                                                  timezone_other="Mars/Olympus")).get_data(as_text=True)
    assert "Zona waktu Mars/Olympus tidak dikenal" in html
    assert db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Zona")) is None


def test_a_meeting_in_a_listed_zone_shows_it_selected_on_edit(client, db, login_as):
    login_as("committee")
    meeting = make_meeting(timezone="Asia/Jakarta")
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert '<option value="Asia/Jakarta" selected>' in html and 'name="timezone_other" value=""' in html
