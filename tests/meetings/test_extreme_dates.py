"""Issue 8, defect 9: extreme dates answered 500. Year 1 or 9999 with an extreme zone gave an
OverflowError in to_utc, a meeting in 9998 broke its .ics for every viewer, and one ending
9999-12-31 broke the agenda form. Dates are now bounded to 2000-2100 (local) in every form
(BaseForm) and in the meeting services; a meeting at the bound works everywhere."""
from datetime import UTC, date, datetime

import icalendar
import pytest
from sqlalchemy import select

from rakor.core import dates
from rakor.core.errors import DomainError
from rakor.meetings import services
from rakor.meetings.models import AgendaItem, Meeting
from rakor.participants.models import Invitation
from tests.factories import make_agency, make_meeting, make_quota

OUT_OF_RANGE = "Masukkan tanggal antara tahun 2000 dan 2100."
TITLE = "Rakor Tanggal Ekstrem"


def form(organizer, **overrides):
    fields = {"kind": "rakor", "title": TITLE, "field": "", "organizer_agency_id": organizer.id,
              "timezone": "Asia/Makassar", "starts_at": "2030-03-05T08:30", "ends_at": "2030-03-05T16:00",
              "venue": "Aula Bappeda", "city": "", "chair_name": "", "chair_position": "",
              "chair_nip": "", "minute_taker_name": "", "minute_taker_nip": "", "description": "",
              "registration_opens_at": "", "registration_closes_at": "", "follow_up_of_id": ""}
    fields.update(overrides)
    return fields


EXTREME = [
    # The probe's cases: the zone pushes the UTC time past year 1 or year 9999.
    {"timezone": "Pacific/Kiritimati", "starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T08:00"},
    {"timezone": "Etc/GMT+12", "starts_at": "9999-12-31T08:00", "ends_at": "9999-12-31T23:59"},
    {"timezone": "Pacific/Kiritimati", "registration_opens_at": "0001-01-01T00:00"},
    {"timezone": "Etc/GMT+12", "registration_closes_at": "9999-12-31T23:59"},
    # Just outside the range.
    {"starts_at": "1999-12-31T08:00", "ends_at": "1999-12-31T16:00"},
    {"starts_at": "2101-01-01T08:00", "ends_at": "2101-01-01T16:00"},
]


@pytest.mark.parametrize("overrides", EXTREME)
def test_meeting_form_refuses_dates_outside_the_range_and_keeps_what_was_typed(client, db, login_as,
                                                                               overrides):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(organizer, **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert OUT_OF_RANGE in page and "is-invalid" in page
    for name, value in overrides.items():
        if name != "timezone":
            assert f'value="{value}"' in page
    assert db.session.scalar(select(Meeting).where(Meeting.title == TITLE)) is None


@pytest.mark.parametrize("overrides", EXTREME[:2])
def test_edit_form_refuses_them_too(client, db, login_as, overrides):
    login_as("committee")
    meeting = make_meeting(status="draft")
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/edit",
                           data=form(make_agency(), **overrides))
    assert response.status_code == 200 and OUT_OF_RANGE in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.starts_at.year == 2024


def _meeting_at_the_bound(client, db, login_as, timezone):
    """Created through the form: the last day of the range, ending a minute before midnight."""
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(
        organizer, timezone=timezone, starts_at="2100-12-31T08:00", ends_at="2100-12-31T23:59",
        registration_opens_at="2100-12-01T00:00", registration_closes_at="2100-12-31T07:00"))
    assert response.status_code == 302
    return db.session.scalar(select(Meeting).where(Meeting.title == TITLE))


@pytest.mark.parametrize("timezone", ["Asia/Makassar", "Etc/GMT+12", "Europe/Berlin"])
def test_a_meeting_at_the_bound_has_its_ics_and_agenda_form(client, db, login_as, timezone):
    meeting = _meeting_at_the_bound(client, db, login_as, timezone)
    agenda_form = client.get(f"/meetings/{meeting.id}/agenda/new")
    assert agenda_form.status_code == 200 and "2100" in agenda_form.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/agenda/new", data={
        "title": "Penutupan", "day": "2100-12-31", "start_time": "22:00", "end_time": "23:59",
        "topic_id": "", "free_topic": "", "presenter": "", "description": "", "conclusions": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id)) == "Penutupan"

    ics = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert ics.status_code == 200
    event = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtend").replace(tzinfo=None) == datetime(2100, 12, 31, 23, 59)
    assert "Penutupan" in str(event["description"])


def test_the_first_day_of_the_range_in_the_earliest_zone_is_accepted(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(
        organizer, timezone="Pacific/Kiritimati", starts_at="2000-01-01T00:00", ends_at="2000-01-01T08:00"))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == TITLE))
    assert meeting.starts_at == datetime(1999, 12, 31, 10, 0, tzinfo=UTC)


def test_a_meeting_stored_in_9998_before_the_bound_still_has_its_ics(client, db, login_as):
    meeting = make_meeting(starts_at=datetime(9998, 3, 1, 1, tzinfo=UTC),
                           ends_at=datetime(9998, 3, 1, 8, tzinfo=UTC), timezone="Europe/Berlin")
    login_as("committee")
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 200 and len(response.data) < 20_000
    assert "DTSTART;TZID=Europe/Berlin:99980301T020000" in response.get_data(as_text=True)


def test_invitation_expiry_is_bounded_by_the_base_form(client, db, login_as):
    meeting = make_meeting(starts_at=datetime(2030, 3, 5, 20, tzinfo=UTC),
                           ends_at=datetime(2030, 3, 6, 3, tzinfo=UTC), timezone="Etc/GMT+12")
    agency = make_agency()
    make_quota(meeting, agency)
    login_as("committee")
    response = client.post(f"/meetings/{meeting.id}/invitations",
                           data={"agency_id": agency.id, "contact_name": "", "contact_email": "",
                                 "expires_on": "9999-12-31"})
    assert response.status_code < 500 and OUT_OF_RANGE in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.id).where(Invitation.meeting_id == meeting.id)) is None


# --- the services: the CLI and imports are bounded too ---------------------------------------

def _data(organizer, **overrides):
    fields = {"title": TITLE, "venue": "Aula", "organizer_agency_id": organizer.id,
              "starts_at": datetime(2030, 3, 5, 8, 30), "ends_at": datetime(2030, 3, 5, 16, 0)}
    fields.update(overrides)
    return services.MeetingData(**fields)


@pytest.mark.parametrize("overrides,field", [
    ({"timezone": "Pacific/Kiritimati", "starts_at": datetime(1, 1, 1, 0, 0)}, "starts_at"),
    ({"timezone": "Etc/GMT+12", "ends_at": datetime(9999, 12, 31, 23, 59)}, "ends_at"),
    ({"ends_at": datetime(9999, 12, 31, 23, 0, tzinfo=UTC)}, "ends_at"),
    ({"registration_opens_at": datetime(1999, 12, 31, 23, 59)}, "registration_opens_at"),
    ({"timezone": "Etc/GMT+12", "registration_closes_at": datetime(9999, 12, 31, 23, 59)},
     "registration_closes_at"),
])
def test_services_refuse_dates_outside_the_range(db, overrides, field):
    organizer = make_agency()
    with pytest.raises(DomainError) as refused:
        services.create_meeting(_data(organizer, **overrides))
    assert refused.value.field == field and "2000" in str(refused.value.message)
    meeting = services.create_meeting(_data(organizer))
    with pytest.raises(DomainError) as refused:
        services.update_meeting(meeting, _data(organizer, **overrides))
    assert refused.value.field == field


@pytest.mark.parametrize("starts,ends,field", [
    (datetime(9999, 12, 31, 22, 0), datetime(9999, 12, 31, 23, 0), "starts_at"),
    (datetime(2030, 3, 5, 9, 0), datetime(9999, 12, 31, 23, 0), "ends_at"),
    (datetime(1, 1, 1, 0, 0), datetime(1, 1, 1, 1, 0), "starts_at"),
])
def test_agenda_service_refuses_dates_outside_the_range(db, starts, ends, field):
    meeting = make_meeting(timezone="Etc/GMT+12" if starts.year > 2000 else "Pacific/Kiritimati")
    with pytest.raises(DomainError) as refused:
        services.add_agenda_item(meeting, services.AgendaItemData(title="Acara", starts_at=starts,
                                                                 ends_at=ends))
    assert refused.value.field == field and "2000" in str(refused.value.message)


def test_the_range_is_inclusive_and_ignores_values_without_a_date():
    assert dates.is_supported(date(2000, 1, 1)) and dates.is_supported(datetime(2100, 12, 31, 23, 59))
    assert not dates.is_supported(date(1999, 12, 31)) and not dates.is_supported(date(2101, 1, 1))
    assert dates.is_supported(None) and dates.is_supported(datetime(2030, 1, 1).time())
