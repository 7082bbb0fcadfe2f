"""The meeting page as the committee uses it (issue 12, "Pages"): the everyday tools as tabs at
the top, a held meeting's agenda without per-item controls, the status history for the
organisers only."""
from datetime import UTC, datetime, timedelta

from rakor.meetings.models import MeetingDateChange, MeetingTransition
from tests.factories import make_agenda_item, make_meeting, make_participant, make_quota, make_user


def page_of(client, meeting, **args):
    response = client.get(f"/meetings/{meeting.id}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_committee_tools_are_tabs_above_the_agenda(client, db, login_as):
    meeting = make_meeting()
    make_agenda_item(meeting)
    login_as("committee")
    html = page_of(client, meeting)
    tabs = html.index('id="meeting-tabs"')
    assert tabs < html.index('id="agenda"') < html.index('id="participants-section"')
    bar = html[tabs:html.index("</ul>", tabs)]
    for key, path in (("participants", "participants"), ("quotas", "quotas"),
                      ("invitations", "invitations"), ("checkin", "checkin")):
        assert f'id="tab-{key}" href="/meetings/{meeting.id}/{path}"' in bar
    assert 'id="tab-overview"' in bar and 'aria-current="page"' in bar
    # The meeting's documents sit with the tabs, above the agenda too.
    documents = html.index('id="meeting-documents"')
    assert tabs < documents < html.index('id="agenda"')
    assert f'/meetings/{meeting.id}/documents/' in html[documents:html.index('id="agenda"')]


def test_the_participants_section_no_longer_repeats_the_tools_below_the_table(client, db, login_as):
    meeting = make_meeting()
    login_as("committee")
    html = page_of(client, meeting)
    section = html[html.index('id="participants-section"'):]
    section = section[:section.index("</section>")]
    for link in ("link-quotas", "link-invitations", "link-checkin", "link-import"):
        assert link not in section


def test_a_held_meeting_shows_its_agenda_without_item_controls_until_asked(client, db, login_as):
    meeting = make_meeting(status="held")
    for _ in range(3):
        make_agenda_item(meeting)
    login_as("committee")
    html = page_of(client, meeting)
    assert "agenda-actions" not in html and 'id="add-agenda-item"' not in html
    assert f'id="edit-agenda" href="/meetings/{meeting.id}?agenda=edit#agenda"' in html
    editing = page_of(client, meeting, agenda="edit")
    assert editing.count('class="d-flex flex-wrap gap-1 mt-2 agenda-actions"') == 3
    assert 'id="add-agenda-item"' in editing and 'id="agenda-done"' in editing


def test_a_scheduled_meeting_keeps_its_item_controls(client, db, login_as):
    meeting = make_meeting(status="scheduled")
    make_agenda_item(meeting)
    make_agenda_item(meeting)
    login_as("committee")
    html = page_of(client, meeting)
    assert html.count("agenda-actions") == 2 and 'id="edit-agenda"' not in html


def test_delegates_do_not_see_the_status_history(client, db, login_as):
    meeting = make_meeting(status="scheduled")
    agency = meeting.organizer
    make_quota(meeting, agency)
    make_participant(meeting, agency)
    db.session.add(MeetingTransition(meeting_id=meeting.id, from_status="draft", to_status="scheduled",
                                     note="Diundur karena bupati berhalangan"))
    db.session.flush()
    login_as("delegate", agency=agency)
    html = page_of(client, meeting)
    assert 'id="history"' not in html and "bupati berhalangan" not in html
    for role in ("committee", "leadership"):
        login_as(role)
        html = page_of(client, meeting)
        assert 'id="history"' in html and "bupati berhalangan" in html


def test_the_history_lists_status_changes_and_date_moves_newest_first(client, db, login_as):
    """One list (meetings/queries.meeting_history): newest first; at the same instant the move
    of the date before the status change; who made each, or "system" when no one did."""
    meeting = make_meeting(status="scheduled")
    secretary = make_user("committee", name="Sekretaris Rapat")
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    db.session.add_all([
        MeetingTransition(meeting_id=meeting.id, from_status=None, to_status="draft", at=at, note="Dibuat"),
        MeetingTransition(meeting_id=meeting.id, from_status="draft", to_status="scheduled",
                          at=at + timedelta(days=1), user_id=secretary.id, note="Dijadwalkan"),
        MeetingDateChange(meeting_id=meeting.id, from_starts_at=meeting.starts_at, from_ends_at=meeting.ends_at,
                          to_starts_at=meeting.starts_at + timedelta(days=7), to_ends_at=meeting.ends_at + timedelta(days=7),
                          timezone="Asia/Makassar", reason="Bertepatan dengan kunjungan kerja", at=at + timedelta(days=1),
                          user_id=secretary.id),
        MeetingDateChange(meeting_id=meeting.id, from_starts_at=meeting.starts_at, from_ends_at=meeting.ends_at,
                          to_starts_at=meeting.starts_at + timedelta(days=9), to_ends_at=meeting.ends_at + timedelta(days=9),
                          timezone="Asia/Makassar", reason="Ruang rapat dipakai", at=at + timedelta(days=3)),
    ])
    db.session.flush()
    login_as("committee")
    html = page_of(client, meeting)
    history = html[html.index('id="history"'):]
    history = history[:history.index("</section>")]
    items = history.split('<li class="list-group-item')[1:]
    assert len(items) == 4
    assert "Ruang rapat dipakai" in items[0] and "date-change" in items[0] and "sistem" in items[0].lower()
    assert "kunjungan kerja" in items[1] and "date-change" in items[1] and "Sekretaris Rapat" in items[1]
    assert "Dijadwalkan" in items[2] and "Sekretaris Rapat" in items[2]
    assert "Dibuat" in items[3] and "sistem" in items[3].lower()
