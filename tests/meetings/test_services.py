"""Meeting and agenda services: validation, lifecycle, time slots, ordering."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.meetings import services
from rakor.meetings.models import AgendaItem, Meeting, MeetingTransition, Topic
from rakor.meetings.services import AgendaItemData, MeetingData
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_final_minutes,
    make_meeting,
    make_user,
    topic_id,
)


def data(organizer, **overrides):
    fields = dict(title="Rakor Stunting", starts_at=datetime(2030, 3, 5, 8, 30),
                  ends_at=datetime(2030, 3, 5, 16, 0), venue="Aula Bappeda", city="Banjarbaru",
                  organizer_agency_id=organizer.id)
    fields.update(overrides)
    return MeetingData(**fields)


def refused(fn, *args, field=None, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.field == field, info.value.message
    return str(info.value.message)


def test_topics_are_seeded_by_the_migration(db):
    codes = set(db.session.scalars(select(Topic.code)))
    assert {"IPM", "KEMISKINAN", "STUNTING", "SPM", "KAWASAN_PERDESAAN"} <= codes
    poverty = db.session.scalar(select(Topic).where(Topic.code == "KEMISKINAN"))
    assert poverty.direction == "lower" and poverty.unit == "%" and poverty.is_indicator


def test_create_reads_local_time_in_the_meetings_zone_and_records_creation(db):
    user = make_user(role="committee")
    meeting = services.create_meeting(data(make_agency()), user)
    assert meeting.status == "draft"
    assert meeting.starts_at == datetime(2030, 3, 5, 0, 30, tzinfo=UTC)  # 08.30 WITA
    assert meeting.ends_at == datetime(2030, 3, 5, 8, 0, tzinfo=UTC)
    jakarta = services.create_meeting(data(make_agency(), timezone="Asia/Jakarta"), user)
    assert jakarta.starts_at == datetime(2030, 3, 5, 1, 30, tzinfo=UTC)  # 08.30 WIB
    history = db.session.scalars(select(MeetingTransition).where(MeetingTransition.meeting_id == meeting.id)).all()
    assert [(t.from_status, t.to_status, t.user_id) for t in history] == [(None, "draft", user.id)]


@pytest.mark.parametrize("overrides,field", [
    ({"ends_at": datetime(2030, 3, 5, 8, 0)}, "ends_at"),           # end before start
    ({"ends_at": datetime(2030, 3, 5, 8, 30)}, "ends_at"),          # zero length
    ({"ends_at": datetime(2030, 5, 5, 8, 0)}, "ends_at"),           # two months
    ({"timezone": "Asia/Banjarmasin"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"title": "   "}, "title"),
    ({"venue": ""}, "venue"),
    ({"kind": "party"}, "kind"),
    ({"chair_nip": "1234"}, "chair_nip"),
    ({"minute_taker_nip": "19800101200501100x"}, "minute_taker_nip"),
    ({"organizer_agency_id": 999999}, "organizer_agency_id"),
    ({"registration_opens_at": datetime(2030, 3, 1, 8, 0),
      "registration_closes_at": datetime(2030, 2, 1, 8, 0)}, "registration_closes_at"),
    ({"registration_closes_at": datetime(2030, 3, 6, 8, 0)}, "registration_closes_at"),
    ({"follow_up_of_id": 999999}, "follow_up_of_id"),
])
def test_bad_meeting_data_is_refused_and_nothing_is_stored(db, overrides, field):
    organizer = make_agency()
    if "organizer_agency_id" not in overrides:
        overrides["organizer_agency_id"] = organizer.id
    before = db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1))
    refused(services.create_meeting, data(organizer, **overrides), field=field)
    assert db.session.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1)) == before


def test_nip_keeps_leading_zeros(db):
    meeting = services.create_meeting(data(make_agency(), chair_nip="00980101 200501 1 001"))
    assert meeting.chair_nip == "009801012005011001"


def test_follow_up_must_be_earlier_and_not_draft(db):
    organizer = make_agency()
    earlier = make_meeting(organizer=organizer, status="held")
    draft = make_meeting(organizer=organizer, status="draft")
    later = make_meeting(organizer=organizer, status="scheduled",
                         starts_at=datetime(2031, 1, 1, tzinfo=UTC), ends_at=datetime(2031, 1, 2, tzinfo=UTC))
    follow = services.create_meeting(data(organizer, follow_up_of_id=earlier.id))
    assert follow.follow_up_of_id == earlier.id
    refused(services.create_meeting, data(organizer, follow_up_of_id=draft.id), field="follow_up_of_id")
    refused(services.create_meeting, data(organizer, follow_up_of_id=later.id), field="follow_up_of_id")
    # An earlier meeting cannot be moved after its follow-up.
    refused(services.update_meeting, earlier, data(organizer, starts_at=datetime(2030, 4, 1, 8, 0),
                                                   ends_at=datetime(2030, 4, 1, 9, 0)), field="starts_at")


def test_lifecycle_only_legal_transitions_and_each_is_recorded(db):
    user = make_user(role="committee")
    meeting = make_meeting(status="draft")
    with pytest.raises(DomainError):
        services.change_status(meeting, "held", user)         # draft -> held skips scheduling
    with pytest.raises(DomainError):
        services.change_status(meeting, "minutes_final", user)
    services.change_status(meeting, "scheduled", user)
    services.change_status(meeting, "held", user)             # the 2024 meeting has started
    with pytest.raises(DomainError):
        services.change_status(meeting, "cancelled", user, note="x")  # it took place
    with pytest.raises(DomainError):
        services.change_status(meeting, "minutes_final", user)  # the minutes are not final yet
    make_final_minutes(meeting, user)  # finalising them moves the meeting to "minutes final"
    for target in ("draft", "scheduled", "held", "cancelled"):
        with pytest.raises(DomainError):
            services.change_status(meeting, target, user, note="x")
    history = db.session.scalars(select(MeetingTransition).where(MeetingTransition.meeting_id == meeting.id)
                                 .order_by(MeetingTransition.id)).all()
    assert [(t.from_status, t.to_status) for t in history] == [
        ("draft", "scheduled"), ("scheduled", "held"), ("held", "minutes_final")]
    assert all(t.user_id == user.id and t.at is not None for t in history)


def test_cannot_mark_future_meeting_held_and_stale_page_is_refused(db):
    future = make_meeting(status="scheduled", starts_at=datetime(2099, 1, 1, tzinfo=UTC),
                          ends_at=datetime(2099, 1, 1, 8, tzinfo=UTC))
    assert "setelah dimulai" in refused(services.change_status, future, "held")
    meeting = make_meeting(status="scheduled")
    assert "baru saja diubah" in refused(services.change_status, meeting, "held", expected_from="draft")
    assert meeting.status == "scheduled"


def test_cancel_needs_a_reason_and_makes_the_meeting_read_only(db):
    organizer = make_agency()
    meeting = services.create_meeting(data(organizer), status="scheduled")
    refused(services.change_status, meeting, "cancelled", note="  ", field="note")
    services.change_status(meeting, "cancelled", note="Bertepatan dengan kunjungan kerja Gubernur")
    assert "dibatalkan" in refused(services.update_meeting, meeting, data(organizer, title="Baru"))
    assert "dibatalkan" in refused(services.add_agenda_item, meeting, AgendaItemData(title="Acara"))
    assert meeting.title == "Rakor Stunting"


def test_held_meeting_cannot_move_until_reopened_and_reopen_is_recorded(db):
    organizer = make_agency()
    user = make_user(role="committee")
    meeting = make_meeting(organizer=organizer, status="held")
    moved = data(organizer, starts_at=datetime(2024, 2, 8, 8, 30), ends_at=datetime(2024, 2, 8, 16, 0))
    assert "buka kembali" in refused(services.update_meeting, meeting, moved, field="starts_at")
    # Other details of a held meeting may still be corrected.
    services.update_meeting(meeting, data(organizer, title="Judul diperbaiki",
                                          starts_at=datetime(2024, 2, 1, 8, 30),
                                          ends_at=datetime(2024, 2, 1, 16, 0)))
    assert meeting.title == "Judul diperbaiki"
    refused(services.change_status, meeting, "scheduled", user, field="note")
    services.change_status(meeting, "scheduled", user, note="Rapat ditunda satu minggu")
    services.update_meeting(meeting, moved)
    assert meeting.starts_at == datetime(2024, 2, 8, 0, 30, tzinfo=UTC)
    last = db.session.scalars(select(MeetingTransition).where(MeetingTransition.meeting_id == meeting.id)
                              .order_by(MeetingTransition.id.desc())).first()
    assert (last.from_status, last.to_status, last.note) == ("held", "scheduled", "Rapat ditunda satu minggu")


def test_a_held_meeting_stored_with_seconds_takes_its_own_minute_back_as_no_move(db):
    """The edit form shows and sends times to the minute; a held meeting whose start has seconds
    (made by an import or the API) was refused any correction as "moved" (found by the
    committee-walk journey when the chair's details were filled in)."""
    organizer = make_agency()
    meeting = make_meeting(organizer=organizer, status="held", starts_at=datetime(2024, 2, 1, 0, 30, 42, tzinfo=UTC),
                           ends_at=datetime(2024, 2, 1, 8, 0, 17, tzinfo=UTC))
    services.update_meeting(meeting, data(organizer, title="Pimpinan rapat dilengkapi",
                                          starts_at=datetime(2024, 2, 1, 8, 30), ends_at=datetime(2024, 2, 1, 16, 0)))
    assert meeting.title == "Pimpinan rapat dilengkapi"
    assert meeting.starts_at == datetime(2024, 2, 1, 0, 30, 42, tzinfo=UTC)
    # A real move by a minute is still one.
    refused(services.update_meeting, meeting, data(organizer, starts_at=datetime(2024, 2, 1, 8, 31),
                                                   ends_at=datetime(2024, 2, 1, 16, 0)), field="starts_at")


def test_minutes_final_freezes_details_and_agenda(db):
    meeting = make_meeting(status="minutes_final")
    item = make_agenda_item(meeting)
    assert "sudah final" in refused(services.update_agenda_item, item, AgendaItemData(title="Ubah"))
    assert "sudah final" in refused(services.move_agenda_item, item, "up")


# --- agenda --------------------------------------------------------------------------------

def slot(h1, m1, h2, m2):
    return datetime(2024, 2, 1, h1, m1), datetime(2024, 2, 1, h2, m2)


def test_agenda_slots_inside_the_meeting_and_never_overlapping(db):
    meeting = make_meeting()  # 1 Feb 2024 08.30-16.00 WITA
    s, e = slot(8, 30, 9, 0)
    first = services.add_agenda_item(meeting, AgendaItemData(title="Pembukaan", starts_at=s, ends_at=e,
                                                             topic_id=topic_id("IPM")))
    assert first.position == 1 and first.starts_at == datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
    s, e = slot(9, 0, 10, 0)  # touching is fine
    services.add_agenda_item(meeting, AgendaItemData(title="Paparan", starts_at=s, ends_at=e))
    s, e = slot(7, 0, 8, 45)
    assert "(08.30–16.00 WITA)" in refused(services.add_agenda_item, meeting,
                                   AgendaItemData(title="Terlalu pagi", starts_at=s, ends_at=e),
                                   field="starts_at")
    s, e = slot(15, 0, 17, 0)
    refused(services.add_agenda_item, meeting, AgendaItemData(title="Terlalu lama", starts_at=s, ends_at=e),
            field="starts_at")
    s, e = slot(9, 30, 10, 30)
    message = refused(services.add_agenda_item, meeting,
                      AgendaItemData(title="Tabrakan", starts_at=s, ends_at=e), field="starts_at")
    assert "Paparan" in message and "09.00" in message
    s, e = slot(11, 0, 10, 0)
    refused(services.add_agenda_item, meeting, AgendaItemData(title="Terbalik", starts_at=s, ends_at=e),
            field="ends_at")
    refused(services.add_agenda_item, meeting, AgendaItemData(title="Separuh", starts_at=s), field="ends_at")
    refused(services.add_agenda_item, meeting, AgendaItemData(title="Topik", topic_id=999999), field="topic_id")
    # Editing an item does not clash with itself.
    s, e = slot(8, 30, 8, 50)
    services.update_agenda_item(first, AgendaItemData(title="Pembukaan", starts_at=s, ends_at=e))
    assert first.ends_at == datetime(2024, 2, 1, 0, 50, tzinfo=UTC)
    titles = db.session.scalars(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id)
                                .order_by(AgendaItem.position)).all()
    assert titles == ["Pembukaan", "Paparan"]


def test_meeting_cannot_shrink_away_from_its_agenda(db):
    organizer = make_agency()
    meeting = services.create_meeting(data(organizer, starts_at=datetime(2030, 3, 5, 8, 0)))
    services.add_agenda_item(meeting, AgendaItemData(title="Pagi", starts_at=datetime(2030, 3, 5, 8, 0),
                                                     ends_at=datetime(2030, 3, 5, 9, 0)))
    message = refused(services.update_meeting, meeting, data(organizer, starts_at=datetime(2030, 3, 5, 10, 0)),
                      field="starts_at")
    assert "Pagi" in message


def test_move_up_and_down_and_delete_renumbers(db):
    meeting = make_meeting()
    a, b, c = (services.add_agenda_item(meeting, AgendaItemData(title=t)) for t in "ABC")

    def order():
        return db.session.scalars(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id)
                                  .order_by(AgendaItem.position)).all()

    assert services.move_agenda_item(c, "up") is True
    assert order() == ["A", "C", "B"]
    assert services.move_agenda_item(a, "up") is False
    assert services.move_agenda_item(a, "down") is True
    assert order() == ["C", "A", "B"]
    refused(services.move_agenda_item, a, "sideways")
    services.delete_agenda_item(a)
    assert order() == ["C", "B"]
    positions = db.session.scalars(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)).all()
    assert positions == [1, 2]
