"""Issue 12: the agenda follows time. Items with a time slot are always in time order (the
arrows only order items without one, and the service refuses to move a timed item); a
pre-meeting slot on the same day is allowed; an open-ended meeting shows "selesai"."""
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.meetings import ics, services
from rakor.meetings.models import AgendaItem
from rakor.meetings.queries import agenda_of
from rakor.meetings.services import AgendaItemData
from tests.factories import make_agenda_item, make_meeting


def html_of(response):
    return response.get_data(as_text=True)


def local(h, m):
    return datetime(2024, 2, 1, h, m)  # WITA, the day of make_meeting()


def titles(meeting):
    return [i.title for i in agenda_of(meeting.id)]


def test_a_timed_item_cannot_be_moved_out_of_time_order(db):
    meeting = make_meeting()  # 08.30-16.00 WITA
    morning = services.add_agenda_item(meeting, AgendaItemData("10.30–12.00", local(10, 30), local(12, 0)))
    noon = services.add_agenda_item(meeting, AgendaItemData("12.00–13.00", local(12, 0), local(13, 0)))
    with pytest.raises(DomainError):
        services.move_agenda_item(noon, "up")
    assert titles(meeting) == ["10.30–12.00", "12.00–13.00"]
    assert (morning.position, noon.position) == (1, 2)


def test_arrows_order_only_items_without_a_slot_which_follow_the_timed_ones(db):
    meeting = make_meeting()
    a = services.add_agenda_item(meeting, AgendaItemData("Tanpa jam A"))
    b = services.add_agenda_item(meeting, AgendaItemData("Tanpa jam B"))
    services.add_agenda_item(meeting, AgendaItemData("Siang", local(12, 0), local(13, 0)))
    services.add_agenda_item(meeting, AgendaItemData("Pagi", local(9, 0), local(10, 0)))
    assert titles(meeting) == ["Pagi", "Siang", "Tanpa jam A", "Tanpa jam B"]
    assert services.move_agenda_item(a, "up") is False  # first of the untimed items
    assert services.move_agenda_item(b, "up") is True
    assert titles(meeting) == ["Pagi", "Siang", "Tanpa jam B", "Tanpa jam A"]
    positions = db.session.execute(select(AgendaItem.title, AgendaItem.position)
                                   .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()
    assert [tuple(r) for r in positions] == [("Pagi", 1), ("Siang", 2), ("Tanpa jam B", 3), ("Tanpa jam A", 4)]


def test_changing_a_time_reorders(db):
    meeting = make_meeting()
    first = services.add_agenda_item(meeting, AgendaItemData("Satu", local(9, 0), local(10, 0)))
    services.add_agenda_item(meeting, AgendaItemData("Dua", local(10, 0), local(11, 0)))
    services.update_agenda_item(first, AgendaItemData("Satu", local(11, 0), local(12, 0)))
    assert titles(meeting) == ["Dua", "Satu"]


def test_the_meeting_page_hides_arrows_on_timed_items(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    # Stored out of order (as the old arrows left them): the page still shows time order.
    make_agenda_item(meeting, title="Siang", starts_at=datetime(2024, 2, 1, 4, 0, tzinfo=UTC),
                     ends_at=datetime(2024, 2, 1, 5, 0, tzinfo=UTC))
    make_agenda_item(meeting, title="Pagi", starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC),
                     ends_at=datetime(2024, 2, 1, 2, 0, tzinfo=UTC))
    make_agenda_item(meeting, title="Tanpa jam 1")
    make_agenda_item(meeting, title="Tanpa jam 2")
    db.session.commit()
    html = html_of(client.get(f"/meetings/{meeting.id}"))
    agenda = html[html.index('id="agenda-table"'):]
    assert agenda.index("Pagi") < agenda.index("Siang") < agenda.index("Tanpa jam 1") < agenda.index("Tanpa jam 2")
    assert agenda.count("move-up") == 1 and agenda.count("move-down") == 1
    timed = agenda[:agenda.index("Tanpa jam 1")]
    assert "move-up" not in timed and "move-down" not in timed
    # And the refusal through the route leaves the order alone.
    siang = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Siang"))
    client.post(f"/meetings/{meeting.id}/agenda/{siang.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert titles(meeting)[:2] == ["Pagi", "Siang"]


def test_ics_lists_the_agenda_in_time_order(db):
    meeting = make_meeting()
    make_agenda_item(meeting, title="Siang", starts_at=datetime(2024, 2, 1, 4, 0, tzinfo=UTC),
                     ends_at=datetime(2024, 2, 1, 5, 0, tzinfo=UTC))
    make_agenda_item(meeting, title="Pagi", starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC),
                     ends_at=datetime(2024, 2, 1, 2, 0, tzinfo=UTC))
    body = ics.meeting_calendar(meeting, agenda_of(meeting.id)).decode().replace("\r\n ", "")
    assert body.index("1. 09.00") < body.index("2. 12.00")


def test_a_pre_meeting_slot_on_the_same_day_is_allowed(db):
    meeting = make_meeting(starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC))  # 09.00 WITA
    registration = services.add_agenda_item(meeting, AgendaItemData("Registrasi", local(8, 30), local(9, 0)))
    assert registration.starts_at == datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
    assert titles(meeting) == ["Registrasi"]
    # Across the start, or on the day before, it is not.
    for s, e in ((local(8, 30), local(9, 30)), (datetime(2024, 1, 31, 20, 0), datetime(2024, 1, 31, 21, 0))):
        with pytest.raises(DomainError) as refused:
            services.add_agenda_item(meeting, AgendaItemData("Salah", s, e))
        assert refused.value.field == "starts_at"


def test_open_end_allows_items_after_the_nominal_end_and_shows_selesai(app, client, db, login_as):
    meeting = make_meeting(open_end=True)  # nominal end 16.00
    services.add_agenda_item(meeting, AgendaItemData("Diskusi lanjutan", local(16, 0), local(17, 30)))
    closed = make_meeting()
    with pytest.raises(DomainError):
        services.add_agenda_item(closed, AgendaItemData("Lewat", local(16, 0), local(17, 30)))
    login_as("committee")
    db.session.commit()
    html = html_of(client.get(f"/meetings/{meeting.id}"))
    assert "08.30 – selesai WITA" in html
    body = ics.meeting_calendar(meeting).decode().replace("\r\n ", "")
    assert "DTEND;TZID=Asia/Makassar:20240201T160000" in body and "08.30 – selesai WITA" in body
    with app.test_request_context(), force_locale("id"):
        from rakor.participants.mails import whatsapp_text
        from tests.factories import make_agency

        text = whatsapp_text(meeting, make_agency(), "https://rakor.test/i/x", seats=2)
    assert "08.30 – selesai WITA" in text
