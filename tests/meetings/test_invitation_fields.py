"""The meeting's fields for its invitation: committee contact (a WhatsApp number, normalised
like participants' phones), dress code, letter number, an https-only online link, open end."""
from datetime import datetime

import pytest

from rakor.core.errors import DomainError
from rakor.meetings import services
from rakor.meetings.services import MeetingData
from tests.factories import make_agency


def data(organizer, **overrides):
    fields = dict(title="Rakor Stunting", starts_at=datetime(2030, 3, 5, 9, 0),
                  ends_at=datetime(2030, 3, 5, 12, 0), venue="Aula Bappeda", city="Banjarbaru",
                  organizer_agency_id=organizer.id)
    fields.update(overrides)
    return MeetingData(**fields)


def test_invitation_fields_are_cleaned_and_stored(db):
    meeting = services.create_meeting(data(
        make_agency(), contact_name="  Bu Sari ", contact_phone="0812-3456-7890", dress_code="PDH",
        letter_number="005/123/Bappeda/2030", online_url="https://meet.google.com/abc-defg-hij", open_end=True))
    assert (meeting.contact_name, meeting.contact_phone) == ("Bu Sari", "+6281234567890")
    assert (meeting.dress_code, meeting.letter_number) == ("PDH", "005/123/Bappeda/2030")
    assert meeting.online_url == "https://meet.google.com/abc-defg-hij" and meeting.open_end is True


@pytest.mark.parametrize("overrides,field", [
    ({"contact_phone": "12"}, "contact_phone"),
    ({"online_url": "http://zoom.us/j/1"}, "online_url"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"online_url": "https://"}, "online_url"),
    ({"online_url": "https://user@zoom.us/j/1"}, "online_url"),
    ({"online_url": "https://zoom.us/j/1 extra"}, "online_url"),
    ({"letter_number": "x" * 101}, "letter_number"),
])
def test_bad_invitation_fields_are_refused_on_their_field(db, overrides, field):
    with pytest.raises(DomainError) as refused:
        services.create_meeting(data(make_agency(), **overrides))
    assert refused.value.field == field


def test_the_form_saves_and_shows_them(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    form = {"kind": "rakor", "title": "Rakor Hibrida", "organizer_agency_id": organizer.id,
            "timezone": "Asia/Makassar", "starts_at": "2030-03-05T09:00", "ends_at": "2030-03-05T12:00",
            "venue": "Aula Bappeda", "city": "Banjarbaru", "open_end": "y", "contact_name": "Bu Sari",
            "contact_phone": "+62 812 3456 7890", "dress_code": "Batik", "letter_number": "005/9/2030",
            "online_url": "https://zoom.us/j/123"}
    response = client.post("/meetings/new", data=form)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "09.00 – selesai WITA" in html and "005/9/2030" in html and "Batik" in html
    assert 'href="https://wa.me/6281234567890"' in html and "0812-3456-7890" in html
    assert 'href="https://zoom.us/j/123"' in html
    bad = client.post("/meetings/new", data={**form, "online_url": "http://zoom.us/j/123"})
    assert bad.status_code == 200 and "https://" in bad.get_data(as_text=True)
