"""iCalendar export, the `flask meetings` commands and the seed meeting of the demo."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from rakor import demo
from rakor.meetings import demo as meetings_demo
from rakor.meetings.models import AgendaItem, Meeting, MeetingTransition, Topic
from rakor.participants.models import SeatQuota
from rakor.regions.models import Agency
from tests.factories import make_agenda_item, make_meeting


def parse_event(body):
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_ics_has_zone_uid_venue_and_agenda(client, db, login_as):
    login_as("committee")
    meeting = make_meeting(title="Rakor PPM Kotabaru", venue="Aula Bappeda", city="Kotabaru",
                           description="Sinergi perencanaan")
    make_agenda_item(meeting, title="Pembukaan", presenter="Drs. H. Said Akhmad, MM",
                     starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 2, 1, 1, tzinfo=UTC))
    db.session.commit()
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar, event = parse_event(response.data)
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"  # BASE_URL's domain (the suite's)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2024, 2, 1, 8, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    assert start.utcoffset() == timedelta(hours=8) and end.astimezone(UTC).hour == 8
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Makassar"]
    assert zones[0].walk("STANDARD")[0]["TZOFFSETTO"].td == timedelta(hours=8)
    assert str(event["LOCATION"]) == "Aula Bappeda, Kotabaru"
    assert str(event["SUMMARY"]) == "Rakor PPM Kotabaru"
    description = str(event["DESCRIPTION"])
    assert "Sinergi perencanaan" in description
    assert "1. 08.30\u201309.00 WITA Pembukaan \u2014 Drs. H. Said Akhmad, MM" in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    # Stable UID: the same on a second download.
    assert parse_event(client.get(f"/meetings/{meeting.id}/calendar.ics").data)[1]["UID"] == event["UID"]


def test_ics_of_cancelled_meeting_says_cancelled(client, db, login_as):
    login_as("leadership")
    meeting = make_meeting(status="cancelled", timezone="Asia/Jayapura")
    db.session.commit()
    _calendar, event = parse_event(client.get(f"/meetings/{meeting.id}/calendar.ics").data)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["DTSTART"].params["TZID"] == "Asia/Jayapura"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2024, 2, 1, 0, 30, tzinfo=UTC)


def test_ics_of_missing_meeting_is_404(client, login_as):
    login_as("committee")
    assert client.get("/meetings/999999/calendar.ics").status_code == 404


# --- CLI ----------------------------------------------------------------------------------

@pytest.fixture
def kalsel(db):
    """South Kalimantan's regions and planning agencies, as the demo loads them."""
    demo.load_regions(demo.read_region_csv(demo.REGIONS_FILE.read_bytes()))
    demo.ensure_planning_agencies("63")
    db.session.flush()


def run(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    return result


def test_cli_create_prints_only_the_id_and_sets_quotas(app, db, kalsel):
    result = run(app, "meetings", "create", "--title", "Rakor CLI", "--start", "2030-05-02 08:30",
                 "--end", "2030-05-02 16:00", "--venue", "Aula", "--kind", "fgd", "--quota-per-agency", "4")
    assert result.exit_code == 0, result.output
    meeting_id = int(result.output.strip())
    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.kind == "fgd" and meeting.status == "scheduled"
    assert meeting.starts_at == datetime(2030, 5, 2, 0, 30, tzinfo=UTC)
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    assert organizer.name == "Bappeda Provinsi Kalimantan Selatan"
    quotas = db.session.scalars(select(SeatQuota.seats).where(SeatQuota.meeting_id == meeting_id)).all()
    assert quotas == [4] * 13
    history = db.session.execute(select(MeetingTransition.from_status, MeetingTransition.to_status)
                                 .where(MeetingTransition.meeting_id == meeting_id)
                                 .order_by(MeetingTransition.id)).all()
    assert [tuple(h) for h in history] == [(None, "draft"), ("draft", "scheduled")]


def test_cli_create_with_organizer_region_code_tz_and_draft(app, db, kalsel):
    result = run(app, "meetings", "create", "--title", "FGD Kotabaru", "--start", "2030-05-02 09:00",
                 "--end", "2030-05-02 12:00", "--venue", "Kotabaru", "--organizer", "63.02",
                 "--tz", "Asia/Jakarta", "--draft")
    assert result.exit_code == 0, result.output
    meeting = db.session.get(Meeting, int(result.output))
    assert db.session.get(Agency, meeting.organizer_agency_id).name == "Bappeda Kabupaten Kotabaru"
    assert meeting.status == "draft" and meeting.starts_at == datetime(2030, 5, 2, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("args,message", [
    (["--start", "2030-05-02 16:00", "--end", "2030-05-02 08:00"], "harus sesudah"),
    (["--start", "2 Mei 2030", "--end", "2030-05-02 08:00"], "--start must look like"),
    (["--start", "2030-05-02 08:00", "--end", "2030-05-02 16:00", "--tz", "Asia/Nowhere"], "unknown time zone"),
    (["--start", "2030-05-02 08:00", "--end", "2030-05-02 16:00", "--organizer", "77.77"], "no agency"),
    (["--start", "2030-05-02 08:00", "--end", "2030-05-02 16:00", "--quota-per-agency", "0"], "minimal 1"),
])
def test_cli_create_refuses_bad_input_and_creates_nothing(app, db, kalsel, args, message):
    before = db.session.scalar(select(func.count(Meeting.id)))
    result = run(app, "meetings", "create", "--title", "Rakor Gagal", "--venue", "Aula", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(Meeting.id))) == before


def test_cli_create_needs_organizer_when_not_exactly_one_provincial_agency(app, db):
    result = run(app, "meetings", "create", "--title", "X", "--venue", "Aula",
                 "--start", "2030-05-02 08:00", "--end", "2030-05-02 16:00")
    assert result.exit_code != 0 and "--organizer" in result.output


def test_cli_list_and_ics(app, db):
    meeting = make_meeting(title="Rakor\tdengan tab", kind="fgd", status="held",
                           starts_at=datetime(2024, 1, 31, 16, 30, tzinfo=UTC),  # 1 Feb 00.30 WITA
                           ends_at=datetime(2024, 2, 1, 8, tzinfo=UTC))
    result = run(app, "meetings", "list")
    assert result.exit_code == 0
    line = next(ln for ln in result.output.splitlines() if ln.startswith(f"{meeting.id}\t"))
    assert line.split("\t") == [str(meeting.id), "2024-02-01", "fgd", "Rakor dengan tab", "held"]
    result = run(app, "meetings", "ics", str(meeting.id))
    assert result.exit_code == 0
    _calendar, event = parse_event(result.stdout_bytes)
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"  # BASE_URL's domain (the suite's)
    assert run(app, "meetings", "ics", "999999").exit_code != 0


# --- demo ---------------------------------------------------------------------------------

@pytest.mark.demo
def test_demo_load_prints_the_seed_meeting_id_and_is_idempotent(app, db):
    first = run(app, "demo", "load")
    assert first.exit_code == 0, first.output
    meeting_id = int(first.output.strip().splitlines()[-1])
    second = run(app, "demo", "load")
    assert int(second.output.strip().splitlines()[-1]) == meeting_id
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.title == meetings_demo.TITLE)) == 1
    meeting = db.session.get(Meeting, meeting_id)
    # The minutes demo step finalises its minutes, which moves it on from "held".
    assert meeting.is_demo and meeting.status == "minutes_final" and meeting.kind == "rakor"
    assert meeting.starts_at == datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
    assert meeting.ends_at == datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
    assert meeting.chair_name == "Rahmiyanti Janoezir P., S.T., M.A."
    assert db.session.get(Agency, meeting.organizer_agency_id).name == "Bappeda Provinsi Kalimantan Selatan"
    items = db.session.execute(select(AgendaItem.title, AgendaItem.presenter, Topic.code)
                               .outerjoin(Topic, AgendaItem.topic_id == Topic.id)
                               .where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)).all()
    assert len(items) == 7
    assert "Said Akhmad" in items[0].presenter and "Angga Priyadi" in items[1].presenter
    assert items[1].code == "KEMISKINAN"
    assert [i.code for i in items[2:]] == ["IPM", "KEMISKINAN", "STUNTING", "SPM", "KAWASAN_PERDESAAN"]
    history = db.session.execute(select(MeetingTransition.to_status).where(MeetingTransition.meeting_id == meeting_id)
                                 .order_by(MeetingTransition.at)).scalars().all()
    assert history == ["draft", "scheduled", "held", "minutes_final"]


@pytest.mark.demo
def test_seed_meeting_page_renders(client, db, login_as):
    demo.load()
    login_as("leadership")
    db.session.commit()
    meeting = meetings_demo.find_seed_meeting()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Kamis, 1 Februari 2024 · 08.30–16.00 WITA" in page
    assert "Terlaksana" in page and "Drs. H. Said Akhmad, MM" in page
