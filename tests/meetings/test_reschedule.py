"""Moving a meeting ("rapat diundur"): the agenda moves with it at the same offsets, the plan is
shown before anything is saved, the move is kept in the meeting's history and raises the .ics
SEQUENCE (same UID), and what cannot move says why."""
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db as _db
from rakor.meetings import reschedule, services
from rakor.meetings.models import AgendaItem, Meeting, MeetingDateChange
from tests.factories import make_agenda_item, make_meeting, make_user

START = datetime(2030, 3, 5, 0, 30, tzinfo=UTC)   # Tuesday 08.30 WITA


@pytest.fixture
def meeting(db):
    m = make_meeting(starts_at=START, ends_at=START + timedelta(hours=7, minutes=30),
                     registration_opens_at=START - timedelta(days=20),
                     registration_closes_at=START - timedelta(days=2))
    make_agenda_item(m, title="Registrasi", starts_at=START - timedelta(minutes=30), ends_at=START)
    make_agenda_item(m, title="Pembukaan", starts_at=START, ends_at=START + timedelta(hours=1))
    make_agenda_item(m, title="Diskusi panel", starts_at=START + timedelta(hours=1),
                     ends_at=START + timedelta(hours=4))
    make_agenda_item(m, title="Lain-lain")  # no time slot: stays as it is
    return m


def _items(meeting_id):
    return {i.title: (i.starts_at, i.ends_at) for i in _db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))}


def test_the_plan_moves_every_timed_item_by_the_same_amount_and_writes_nothing(meeting):
    before = _items(meeting.id)
    # Postponed by six days, to Monday 09.00-17.00 WITA: half an hour later in the day too.
    plan = reschedule.plan_reschedule(meeting, datetime(2030, 3, 11, 9, 0), datetime(2030, 3, 11, 17, 0))
    shift = timedelta(days=6, minutes=30)
    assert plan.shift == shift
    assert [(m.title, m.to_starts_at - m.from_starts_at) for m in plan.items] == [
        ("Registrasi", shift), ("Pembukaan", shift), ("Diskusi panel", shift)]
    assert plan.registration_closes_at == (START - timedelta(days=2), START - timedelta(days=2) + shift)
    assert _items(meeting.id) == before and meeting.starts_at == START  # nothing written


def test_reschedule_moves_meeting_agenda_and_registration_and_keeps_the_history(meeting):
    user = make_user(role="committee")
    change = reschedule.reschedule(meeting, datetime(2030, 3, 11, 9, 0), datetime(2030, 3, 11, 17, 0),
                                   user=user, reason="Bertepatan dengan kunjungan Gubernur")
    shift = timedelta(days=6, minutes=30)
    fresh = _db.session.get(Meeting, meeting.id)
    assert fresh.starts_at == START + shift and fresh.ends_at == datetime(2030, 3, 11, 9, 0, tzinfo=UTC)
    items = _items(meeting.id)
    assert items["Registrasi"] == (START - timedelta(minutes=30) + shift, START + shift)
    assert items["Diskusi panel"] == (START + timedelta(hours=1) + shift, START + timedelta(hours=4) + shift)
    assert items["Lain-lain"] == (None, None)
    assert fresh.registration_closes_at == START - timedelta(days=2) + shift
    assert (change.from_starts_at, change.to_starts_at, change.agenda_items_moved, change.reason,
            change.user_id) == (START, START + shift, 3, "Bertepatan dengan kunjungan Gubernur", user.id)


def test_keeping_the_registration_window_is_refused_when_it_would_close_after_the_meeting(meeting):
    # Brought forward by three days: a window kept as it is would close after the new end.
    with pytest.raises(DomainError) as info:
        reschedule.plan_reschedule(meeting, datetime(2030, 3, 1, 8, 30), datetime(2030, 3, 1, 16, 0),
                                   shift_registration=False, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert info.value.field == "shift_registration"


@pytest.mark.parametrize("starts,ends,field", [
    (datetime(2030, 3, 11, 9, 0), datetime(2030, 3, 11, 10, 0), "ends_at"),   # too short for the panel
    (datetime(2030, 3, 11, 9, 0), datetime(2030, 3, 11, 8, 0), "ends_at"),
    (datetime(2030, 3, 5, 8, 30), datetime(2030, 3, 5, 16, 0), "starts_at"),  # the same time
    (datetime(2020, 3, 5, 8, 30), datetime(2020, 3, 5, 16, 0), "starts_at"),  # already passed
    (datetime(2030, 3, 11, 9, 0), datetime(2030, 5, 11, 9, 0), "ends_at"),   # over 31 days
])
def test_a_move_that_cannot_be_made_names_the_field(meeting, starts, ends, field):
    with pytest.raises(DomainError) as info:
        reschedule.reschedule(meeting, starts, ends)
    assert info.value.field == field
    assert _db.session.scalar(select(MeetingDateChange.id)) is None


def test_a_held_cancelled_or_final_meeting_does_not_move(db):
    for status in ("held", "minutes_final", "cancelled"):
        m = make_meeting(status=status, starts_at=START, ends_at=START + timedelta(hours=7))
        with pytest.raises(DomainError):
            reschedule.reschedule(m, datetime(2030, 4, 1, 8, 30), datetime(2030, 4, 1, 16, 0))


def test_a_stale_plan_is_refused(meeting):
    with pytest.raises(DomainError):
        reschedule.reschedule(meeting, datetime(2030, 3, 11, 9, 0), datetime(2030, 3, 11, 17, 0),
                              expected_starts_at=START - timedelta(days=1))


def test_an_edit_that_changes_the_dates_is_in_the_history_too(db):
    m = make_meeting(starts_at=START, ends_at=START + timedelta(hours=7))
    data = services.MeetingData(title=m.title, starts_at=datetime(2030, 3, 6, 8, 30),
                                ends_at=datetime(2030, 3, 6, 15, 30), venue=m.venue,
                                organizer_agency_id=m.organizer_agency_id)
    services.update_meeting(m, data)
    changes = _db.session.scalars(select(MeetingDateChange)).all()
    assert [(c.from_starts_at, c.to_starts_at) for c in changes] == [(START, START + timedelta(days=1))]


def _ics(client, meeting_id):
    return Calendar.from_ical(client.get(f"/meetings/{meeting_id}/calendar.ics").data).walk("VEVENT")[0]


def test_pages_show_the_plan_then_save_and_the_ics_sequence_rises(client, login_as, meeting):
    login_as("committee")
    page = client.get(f"/meetings/{meeting.id}")
    assert f'/meetings/{meeting.id}/reschedule' in page.get_data(as_text=True)
    before = _ics(client, meeting.id)
    form = {"starts_at": "11-03-2030 09.00", "ends_at": "11-03-2030 17.00",
            "shift_registration": "y", "reason": "Diundur", "expected": START.isoformat()}
    shown = client.post(f"/meetings/{meeting.id}/reschedule", data=form)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="reschedule-plan"' in html
    assert html.count('class="plan-item"') == 3 and "Senin, 11 Maret 2030" in html
    assert _db.session.get(Meeting, meeting.id).starts_at == START  # shown, not saved
    saved = client.post(f"/meetings/{meeting.id}/reschedule", data={**form, "confirm": "yes"})
    assert saved.status_code == 302 and f"/meetings/{meeting.id}/moved/" in saved.headers["Location"]
    after = _ics(client, meeting.id)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before.get("SEQUENCE", 0)) + 1
    assert after.decoded("DTSTART") == datetime(2030, 3, 11, 1, 0, tzinfo=UTC)
    view = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'class="list-group-item date-change"' in view and "Diundur" in view


def test_a_refused_move_keeps_what_was_typed(client, login_as, meeting):
    login_as("committee")
    response = client.post(f"/meetings/{meeting.id}/reschedule",
                           data={"starts_at": "11-03-2030 09.00", "ends_at": "11-03-2030 10.00",
                                 "reason": "Alasan saya"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Diskusi panel" in html and "Alasan saya" in html
    assert 'value="11-03-2030 10.00"' in html


def test_only_the_committee_moves_a_meeting(client, login_as, meeting):
    for role in ("leadership", "admin"):
        login_as(role)
        assert client.get(f"/meetings/{meeting.id}/reschedule").status_code == 403


def test_a_move_onto_a_holiday_or_a_sunday_is_pointed_out(client, login_as, meeting):
    login_as("committee")
    html = client.post(f"/meetings/{meeting.id}/reschedule",
                       data={"starts_at": "25-12-2030 08.30", "ends_at": "25-12-2030 16.00",
                             "shift_registration": "y"}).get_data(as_text=True)
    assert 'id="day-note"' in html and "libur" in html and "Natal" in html


def test_saving_a_meeting_on_a_sunday_warns_but_saves(client, login_as, db):
    from tests.factories import make_agency
    organizer = make_agency()
    _db.session.commit()
    login_as("committee")
    response = client.post("/meetings/new", data={
        "kind": "rakor", "title": "FGD Minggu", "organizer_agency_id": organizer.id, "timezone": "Asia/Makassar",
        "starts_at": "03-03-2030 08.30", "ends_at": "03-03-2030 12.00", "venue": "Aula"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "FGD Minggu" in html and "hari Minggu" in html
