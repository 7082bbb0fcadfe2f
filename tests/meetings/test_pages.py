"""Meeting pages through the HTTP client: forms, lifecycle, agenda builder, lists, access."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from rakor.meetings.models import AgendaItem, Meeting, MeetingTransition
from tests.factories import make_agency, make_agenda_item, make_meeting, make_quota, topic_id


def form(organizer, **overrides):
    fields = {"kind": "rakor", "title": "Rakor Penurunan Stunting 2030", "field": "PPM",
              "organizer_agency_id": organizer.id, "timezone": "Asia/Makassar",
              "starts_at": "2030-03-05T08:30", "ends_at": "2030-03-05T16:00",
              "venue": "Aula Bappeda", "city": "Banjarbaru", "chair_name": "Dr. Rahmi",
              "chair_position": "Kabid PPM", "chair_nip": "198001012005011001",
              "minute_taker_name": "", "minute_taker_nip": "", "description": "Uji",
              "registration_opens_at": "", "registration_closes_at": "", "follow_up_of_id": ""}
    fields.update(overrides)
    return fields


def html_of(response):
    return response.get_data(as_text=True)


def test_committee_creates_meeting_and_sees_it_in_local_time(client, db, login_as):
    user = login_as("committee")
    organizer = make_agency()
    db.session.commit()
    assert client.get("/meetings/new").status_code == 200
    response = client.post("/meetings/new", data=form(organizer))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Penurunan Stunting 2030"))
    assert response.location == f"/meetings/{meeting.id}"
    assert meeting.starts_at == datetime(2030, 3, 5, 0, 30, tzinfo=UTC)
    assert meeting.status == "draft" and meeting.created_by_id == user.id
    page = html_of(client.get(f"/meetings/{meeting.id}"))
    assert "Selasa, 5 Maret 2030 · 08.30–16.00 WITA" in page
    assert "Aula Bappeda, Banjarbaru" in page and "NIP 19800101 200501 1 001" in page
    assert "Draf" in page and "Jadwalkan" in page


@pytest.mark.parametrize("overrides,message", [
    ({"ends_at": "2030-03-05T07:00"}, "Waktu selesai rapat harus sesudah waktu mulai."),
    ({"timezone": "Mars/Olympus"}, "Zona waktu Mars/Olympus tidak dikenal"),
    ({"starts_at": "kemarin"}, None),
    ({"chair_nip": "12345"}, "NIP terdiri dari tepat 18 angka."),
    ({"organizer_agency_id": "abc"}, None),
    ({"registration_opens_at": "2030-03-01T08:00", "registration_closes_at": "2030-02-01T08:00"},
     "Pendaftaran harus ditutup sesudah dibuka."),
])
def test_bad_meeting_input_is_refused_in_indonesian_and_keeps_what_was_typed(client, db, login_as,
                                                                             overrides, message):
    login_as("committee")
    organizer = make_agency()
    db.session.commit()
    response = client.post("/meetings/new", data=form(organizer, **overrides))
    assert response.status_code == 200
    page = html_of(response)
    assert "is-invalid" in page
    if message:
        assert message in page
    assert 'value="Rakor Penurunan Stunting 2030"' in page and 'value="Aula Bappeda"' in page
    assert db.session.scalar(select(Meeting).where(Meeting.title == "Rakor Penurunan Stunting 2030")) is None


def test_edit_keeps_local_times_and_follow_up_choice(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    earlier = make_meeting(organizer=organizer, status="held", title="Rakor Awal")
    meeting = make_meeting(organizer=organizer, status="scheduled",
                           starts_at=datetime(2030, 3, 5, 0, 30, tzinfo=UTC),
                           ends_at=datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    db.session.commit()
    page = html_of(client.get(f"/meetings/{meeting.id}/edit"))
    assert 'value="05-03-2030 08.30"' in page and 'value="05-03-2030 16.00"' in page  # the app's format (issue 12)
    response = client.post(f"/meetings/{meeting.id}/edit", data=form(
        organizer, title="Rakor Lanjutan", follow_up_of_id=earlier.id, starts_at="2030-03-05T09:00"))
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.title == "Rakor Lanjutan" and meeting.follow_up_of_id == earlier.id
    assert meeting.starts_at == datetime(2030, 3, 5, 1, 0, tzinfo=UTC)


def test_lifecycle_buttons_post_only_and_history_shows_who(client, db, login_as):
    user = login_as("committee", name="Angga Priyadi")
    meeting = make_meeting(status="draft")
    db.session.commit()
    url = f"/meetings/{meeting.id}/status"
    assert client.get(url).status_code == 405
    page = html_of(client.get(f"/meetings/{meeting.id}"))
    assert 'id="transition-scheduled"' in page and 'id="transition-held"' not in page
    # An illegal jump (draft -> minutes final) is refused and changes nothing.
    html = html_of(client.post(url, data={"to_status": "minutes_final", "expected": "draft"},
                               follow_redirects=True))
    assert "tidak dapat diubah dari status ini" in html
    client.post(url, data={"to_status": "scheduled", "expected": "draft"})
    client.post(url, data={"to_status": "held", "expected": "scheduled"})
    # Reopen without a reason: refused.
    html = html_of(client.post(url, data={"to_status": "scheduled", "expected": "held", "note": ""},
                               follow_redirects=True))
    assert "Isi alasannya" in html
    html = html_of(client.post(url, data={"to_status": "scheduled", "expected": "held",
                                          "note": "Salah tandai"}, follow_redirects=True))
    assert "Rapat dibuka kembali." in html and "dibuka kembali</span>" in html
    assert "Salah tandai" in html and "Angga Priyadi" in html
    # Unknown status value: a message, not a 500.
    html = html_of(client.post(url, data={"to_status": "exploded"}, follow_redirects=True))
    assert "tidak dapat diubah" in html
    rows = db.session.execute(select(MeetingTransition.from_status, MeetingTransition.to_status,
                                     MeetingTransition.user_id)
                              .where(MeetingTransition.meeting_id == meeting.id)
                              .order_by(MeetingTransition.id)).all()
    assert [tuple(r) for r in rows] == [("draft", "scheduled", user.id), ("scheduled", "held", user.id),
                                        ("held", "scheduled", user.id)]


def test_cancelled_meeting_is_read_only(client, db, login_as):
    login_as("committee")
    meeting = make_meeting(status="cancelled")
    item = make_agenda_item(meeting)
    db.session.commit()
    page = html_of(client.get(f"/meetings/{meeting.id}"))
    assert "Rapat ini dibatalkan" in page
    assert 'id="edit-meeting"' not in page and 'id="add-agenda-item"' not in page
    assert 'id="upload-material"' not in page and "transition-" not in page
    for url in (f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/agenda/new",
                f"/meetings/{meeting.id}/agenda/{item.id}/edit", f"/meetings/{meeting.id}/materials/new"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/meetings/{meeting.id}/agenda/{item.id}/delete").status_code == 403
    assert db.session.get(AgendaItem, item.id) is not None


# --- agenda builder -----------------------------------------------------------------------

def agenda_form(**overrides):
    fields = {"title": "Paparan data kemiskinan", "day": "2024-02-01", "start_time": "09:00",
              "end_time": "10:00", "topic_id": "", "free_topic": "", "presenter": "Angga Priyadi",
              "description": "", "conclusions": ""}
    fields.update(overrides)
    return fields


def test_agenda_builder_add_edit_move_delete(client, db, login_as):
    login_as("committee")
    meeting = make_meeting(status="scheduled")
    db.session.commit()
    base = f"/meetings/{meeting.id}/agenda"
    assert client.post(f"{base}/new", data=agenda_form(title="Pembukaan", start_time="08:30",
                                                       end_time="09:00")).status_code == 302
    assert client.post(f"{base}/new", data=agenda_form(topic_id=topic_id("KEMISKINAN"))).status_code == 302
    assert client.post(f"{base}/new", data=agenda_form(title="Diskusi", start_time="", end_time="",
                                                       free_topic="Data by name by address")).status_code == 302
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)).all()
    assert [i.title for i in items] == ["Pembukaan", "Paparan data kemiskinan", "Diskusi"]
    assert items[1].starts_at == datetime(2024, 2, 1, 1, 0, tzinfo=UTC)
    page = html_of(client.get(f"/meetings/{meeting.id}"))
    assert "08.30–09.00" in page and "Kemiskinan (persentase penduduk miskin)" in page
    assert "Data by name by address" in page
    # Move the last one up, then the first one down: timed items keep their time order (issue 12,
    # this test asserted the old defect: the untimed "Diskusi" jumped above 08.30).
    assert client.get(f"{base}/{items[2].id}/move").status_code == 405
    client.post(f"{base}/{items[2].id}/move", data={"direction": "up"})
    client.post(f"{base}/{items[0].id}/move", data={"direction": "down"})
    db.session.expire_all()
    order = db.session.scalars(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)).all()
    assert order == ["Pembukaan", "Paparan data kemiskinan", "Diskusi"]
    # Edit keeps its own slot without clashing with itself.
    page = html_of(client.get(f"{base}/{items[1].id}/edit"))
    assert 'value="09.00"' in page and 'value="10.00"' in page  # 24-hour, the app's format (issue 12)
    assert client.post(f"{base}/{items[1].id}/edit",
                       data=agenda_form(title="Paparan BPS", end_time="10:30")).status_code == 302
    assert client.get(f"{base}/{items[0].id}/delete").status_code == 405
    assert client.post(f"{base}/{items[0].id}/delete").status_code == 302
    db.session.expire_all()
    left = db.session.execute(select(AgendaItem.title, AgendaItem.position)
                              .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()
    assert [tuple(r) for r in left] == [("Paparan BPS", 1), ("Diskusi", 2)]


@pytest.mark.parametrize("overrides,message", [
    # 07.00–08.00 before an 08.30 start is now a pre-meeting slot (issue 12); one across the start is not.
    ({"start_time": "07:00", "end_time": "09:00"}, "Waktu acara harus berada dalam waktu rapat (08.30–16.00 WITA)"),
    ({"start_time": "15:30", "end_time": "16:30"}, "Waktu acara harus berada dalam waktu rapat"),
    ({"start_time": "09:30", "end_time": "10:30"}, "Waktu acara bertumpang tindih dengan “Pembukaan” (09.00–10.00 WITA)."),
    ({"start_time": "11:00", "end_time": "10:00"}, "Jam selesai acara harus sesudah jam mulai."),
    ({"start_time": "11:00", "end_time": ""}, "Isi jam mulai dan jam selesai acara"),
    ({"start_time": "25:99"}, None),
    ({"day": "2024-02-02"}, None),
    ({"topic_id": "999999"}, None),
    ({"title": ""}, None),
])
def test_bad_agenda_input_is_refused_and_kept(client, db, login_as, overrides, message):
    login_as("committee")
    meeting = make_meeting(status="scheduled")
    make_agenda_item(meeting, title="Pembukaan", starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC),
                     ends_at=datetime(2024, 2, 1, 2, 0, tzinfo=UTC))
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/agenda/new",
                           data=agenda_form(title="Acara Baru Uji", **overrides) if "title" not in overrides
                           else agenda_form(**overrides))
    assert response.status_code == 200
    page = html_of(response)
    assert "is-invalid" in page or "alert-danger" in page
    if message:
        assert message in page
    assert 'value="Angga Priyadi"' in page
    count = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id,
                                                          AgendaItem.title != "Pembukaan"))
    assert count is None


def test_another_meetings_agenda_item_through_a_crafted_url_is_404(client, db, login_as):
    login_as("committee")
    mine, other = make_meeting(), make_meeting()
    foreign = make_agenda_item(other, title="Milik rapat lain")
    db.session.commit()
    base = f"/meetings/{mine.id}/agenda/{foreign.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/edit", data=agenda_form(title="Dibajak")).status_code == 404
    assert client.post(f"{base}/move", data={"direction": "up"}).status_code == 404
    assert client.post(f"{base}/delete").status_code == 404
    assert client.get(f"/meetings/{mine.id}/agenda/99999999999999999999/edit").status_code == 404
    assert client.get("/meetings/99999999999999999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(AgendaItem, foreign.id).title == "Milik rapat lain"


# --- access -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "leadership"])
def test_admin_and_leadership_read_but_do_not_edit(client, db, login_as, role):
    login_as(role)
    meeting = make_meeting(status="draft", title="Rapat Rahasia Draf")
    item = make_agenda_item(meeting)
    db.session.commit()
    page = html_of(client.get(f"/meetings/{meeting.id}"))
    assert "Rapat Rahasia Draf" in page and 'id="edit-meeting"' not in page and "transition-" not in page
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.get("/meetings/new").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/agenda/{item.id}/delete").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/status", data={"to_status": "scheduled"}).status_code == 403


def test_delegate_sees_only_meetings_its_agency_is_invited_to(client, db, login_as):
    agency = make_agency()
    delegate = login_as("delegate", agency=agency)
    invited = make_meeting(title="Rakor Diundang", status="scheduled",
                           starts_at=datetime.now(UTC) + timedelta(days=3),
                           ends_at=datetime.now(UTC) + timedelta(days=3, hours=6))
    make_quota(invited, delegate.agency)
    draft = make_meeting(title="Rakor Draf Diundang", status="draft")
    make_quota(draft, delegate.agency)
    other = make_meeting(title="Rakor Lain", status="scheduled")
    db.session.commit()
    assert client.get(f"/meetings/{invited.id}").status_code == 200
    assert client.get(f"/meetings/{invited.id}/calendar.ics").status_code == 200
    assert client.get(f"/meetings/{draft.id}").status_code == 403
    assert client.get(f"/meetings/{other.id}").status_code == 403
    assert client.get(f"/meetings/{other.id}/calendar.ics").status_code == 403
    page = html_of(client.get("/meetings/?scope=all"))
    assert "Rakor Diundang" in page and "Rakor Draf Diundang" not in page and "Rakor Lain" not in page
    assert 'id="new-meeting"' not in page
    dashboard = html_of(client.get("/"))
    assert "Rapat yang akan datang" in dashboard and "Rakor Diundang" in dashboard
    assert 'id="nav-meetings"' in dashboard


# --- lists and calendar -------------------------------------------------------------------

def test_lists_upcoming_past_and_filters(client, db, login_as):
    login_as("leadership")
    now = datetime.now(UTC)
    org_a, org_b = make_agency(name="Bappeda Filter A"), make_agency(name="Bappeda Filter B")
    make_meeting(title="Rakor Masa Depan", organizer=org_a, starts_at=now + timedelta(days=10),
                 ends_at=now + timedelta(days=10, hours=8))
    make_meeting(title="FGD Masa Depan", kind="fgd", organizer=org_b, starts_at=now + timedelta(days=20),
                 ends_at=now + timedelta(days=20, hours=3), venue="Hotel Rattan Inn")
    make_meeting(title="Rakor Tahun 2023", organizer=org_a, starts_at=datetime(2023, 6, 1, 1, tzinfo=UTC),
                 ends_at=datetime(2023, 6, 1, 8, tzinfo=UTC))
    db.session.commit()

    def titles(query):
        page = html_of(client.get("/meetings/" + query))
        return {t for t in ("Rakor Masa Depan", "FGD Masa Depan", "Rakor Tahun 2023") if t in page}

    assert titles("") == {"Rakor Masa Depan", "FGD Masa Depan"}
    assert titles("?scope=past") == {"Rakor Tahun 2023"}
    assert titles("?scope=all&kind=fgd") == {"FGD Masa Depan"}
    assert titles(f"?scope=all&organizer={org_a.id}") == {"Rakor Masa Depan", "Rakor Tahun 2023"}
    assert titles("?scope=all&year=2023") == {"Rakor Tahun 2023"}
    assert titles("?scope=all&q=rattan") == {"FGD Masa Depan"}
    assert titles("?scope=all&q=%25") == set()  # a literal %, not a wildcard
    # Nonsense filters are ignored, never a 500.
    for query in ("?scope=x&kind=y&organizer=z&year=99999999999&page=abc",
                  "?organizer=99999999999999999999", "?page=-5"):
        assert client.get("/meetings/" + query).status_code == 200
    page = html_of(client.get("/meetings/?scope=past"))
    assert "Juni 2023" in page  # grouped by month


def test_pagination(client, db, login_as):
    login_as("committee")
    organizer = make_agency()
    for n in range(25):
        make_meeting(title=f"Rakor Halaman {n:02d}", organizer=organizer,
                     starts_at=datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=n),
                     ends_at=datetime(2022, 1, 1, 8, tzinfo=UTC) + timedelta(days=n))
    db.session.commit()
    first = html_of(client.get(f"/meetings/?scope=past&organizer={organizer.id}"))
    second = html_of(client.get(f"/meetings/?scope=past&organizer={organizer.id}&page=2"))
    assert len(re.findall("Rakor Halaman", first)) == 20 and len(re.findall("Rakor Halaman", second)) == 5
    assert "Rakor Halaman 24" in first and "Rakor Halaman 00" in second


def test_month_calendar(client, db, login_as):
    login_as("committee")
    make_meeting(title="Rakor Kotabaru Kalender")  # 1 Feb 2024
    db.session.commit()
    page = html_of(client.get("/meetings/calendar?month=2024-02"))
    assert "Februari 2024" in page and "08.30 Rakor Kotabaru Kalender" in page
    assert "2024-01" in page and "2024-03" in page  # previous / next links
    for bad in ("2024-13", "abc", "99999-01", ""):
        assert client.get(f"/meetings/calendar?month={bad}").status_code == 200


def test_no_meeting_page_references_an_external_url(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    item = make_agenda_item(meeting)
    db.session.commit()
    for url in ("/meetings/", "/meetings/calendar", "/meetings/new", f"/meetings/{meeting.id}",
                f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/agenda/new",
                f"/meetings/{meeting.id}/agenda/{item.id}/edit", f"/meetings/{meeting.id}/materials/new"):
        response = client.get(url)
        assert response.status_code == 200, url
        external = re.findall(r'(?:src|href|action)\s*=\s*"((?:https?:)?//[^"]*)"', html_of(response))
        assert external == [], f"{url}: {external}"


def test_follow_up_section_shows_the_earlier_meetings_topics_and_conclusions(client, db, login_as):
    login_as("committee")
    earlier = make_meeting(title="Rakor Kotabaru 2024", status="held")
    make_agenda_item(earlier, title="Paparan data kemiskinan", topic_id=topic_id("KEMISKINAN"),
                     conclusions="Intervensi berbasis data by name by address")
    later = make_meeting(title="Rakor Tindak Lanjut", follow_up_of_id=earlier.id,
                         starts_at=datetime(2024, 8, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 8, 1, 8, tzinfo=UTC))
    db.session.commit()
    page = html_of(client.get(f"/meetings/{later.id}"))
    assert 'id="follow-up"' in page and "Tindak lanjut rapat sebelumnya" in page
    assert f'href="/meetings/{earlier.id}"' in page
    assert "Intervensi berbasis data by name by address" in page
    assert "Kemiskinan (persentase penduduk miskin)" in page
    # Commitments exist now: their block replaces the old "will be listed here" placeholder.
    assert 'id="commitments-pending"' not in page
    assert "Tidak ada kesepakatan yang disepakati dalam rapat tersebut." in page
    assert 'id="follow-up"' not in html_of(client.get(f"/meetings/{earlier.id}"))


def test_follow_up_section_takes_blocks_from_later_features(client, db, login_as, app):
    from rakor.meetings import hooks

    def commitments_block(earlier, meeting, user):
        return {"n": 3}

    login_as("committee")
    earlier = make_meeting(status="held")
    later = make_meeting(follow_up_of_id=earlier.id, starts_at=datetime(2024, 8, 1, 0, 30, tzinfo=UTC),
                         ends_at=datetime(2024, 8, 1, 8, tzinfo=UTC))
    db.session.commit()
    from jinja2 import ChoiceLoader, DictLoader

    original = app.jinja_loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"meetings/_test_block.html":
                                                     '<p id="block">{{ block.n }} kesepakatan</p>'}),
                                         app.jinja_env.loader])
    saved = hooks.follow_up_blocks.get("commitments")
    hooks.follow_up_blocks.register("commitments", template="meetings/_test_block.html", loader=commitments_block)
    try:
        page = html_of(client.get(f"/meetings/{later.id}"))
    finally:
        hooks.follow_up_blocks.register("commitments", template=saved.template, loader=saved.loader,
                                        order=saved.order)
        app.jinja_env.loader = original
    assert '<p id="block">3 kesepakatan</p>' in page and 'id="commitments-pending"' not in page


def test_empty_upcoming_list_points_to_past_meetings(client, db, login_as):
    login_as("committee")
    make_meeting(title="Rakor Lama", starts_at=datetime(2023, 6, 1, 1, tzinfo=UTC),
                 ends_at=datetime(2023, 6, 1, 8, tzinfo=UTC))
    db.session.commit()
    page = html_of(client.get("/meetings/"))
    assert "Tidak ada rapat" in page and 'href="/meetings/?scope=past"' in page
    assert "Lihat rapat yang telah berlalu" in page
