"""Seat quotas page and the participants section of the meeting page."""
import pytest
from flask import render_template, url_for
from sqlalchemy import select

from rakor.extensions import db as _db
from rakor.meetings import hooks
from rakor.participants.models import SeatQuota
from rakor.participants.views import meeting_section
from tests.factories import make_agency, make_participant, make_quota, make_user


def seats(meeting):
    return {q.agency_id: q.seats for q in _db.session.scalars(
        select(SeatQuota).where(SeatQuota.meeting_id == meeting.id))}


def test_bulk_quota_for_every_planning_agency_of_the_province_then_adjust_and_remove(
        client, login_as, province_meeting):
    m, (a1, a2, a3) = province_meeting.meeting, province_meeting.agencies
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/quotas/province", data={"seats": "4"})
    assert response.status_code == 302
    assert seats(m) == {a1.id: 4, a2.id: 4, a3.id: 4}  # not the provincial organizer
    html = client.get(f"/meetings/{m.id}/quotas").get_data(as_text=True)
    assert "3 instansi kini masing-masing memiliki 4 kursi." in html
    assert all(a.name in html for a in (a1, a2, a3))
    assert client.post(f"/meetings/{m.id}/quotas/set",
                       data={"agency_id": a2.id, "seats": "6", "row": "1"}).status_code == 302
    assert client.post(f"/meetings/{m.id}/quotas/{a3.id}/remove").status_code == 302
    assert seats(m) == {a1.id: 4, a2.id: 6}
    # An agency outside the province can be given seats one by one.
    guest = make_agency(name="Dinas Kesehatan Provinsi Uji")
    assert client.post(f"/meetings/{m.id}/quotas/set", data={"agency_id": guest.id, "seats": "2"}).status_code == 302
    assert seats(m)[guest.id] == 2


@pytest.mark.parametrize("typed,message", [
    ("0", "Jumlah kursi minimal 1."),
    ("-3", "Jumlah kursi minimal 1."),
    ("abc", "Jumlah kursi harus berupa bilangan bulat."),
    ("4.5", "Jumlah kursi harus berupa bilangan bulat."),
])
def test_bad_seat_numbers_are_refused_with_indonesian_messages(client, login_as, province_meeting, typed, message):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=4)
    login_as("committee")
    for url, data in ((f"/meetings/{m.id}/quotas/province", {"seats": typed}),
                      (f"/meetings/{m.id}/quotas/set", {"agency_id": a.id, "seats": typed}),
                      (f"/meetings/{m.id}/quotas/set", {"agency_id": a.id, "seats": typed, "row": "1"})):
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and f'value="{typed}"' in html
    assert seats(m) == {a.id: 4}


def test_bulk_quota_is_all_or_nothing(client, login_as, province_meeting):
    m, a3 = province_meeting.meeting, province_meeting.agencies[2]
    make_quota(m, a3, seats=5)
    for i in range(3):
        make_participant(m, a3, name=f"Delegasi {i}")
    login_as("committee")
    html = client.post(f"/meetings/{m.id}/quotas/province", data={"seats": "2"}).get_data(as_text=True)
    assert "sudah memiliki 3 delegasi terdaftar" in html
    assert seats(m) == {a3.id: 5}  # a1 and a2 got nothing either


def test_bulk_quota_service_changes_nothing_when_one_agency_is_over(province_meeting):
    """All or nothing in the service itself, not only thanks to the view's rollback."""
    from rakor.core.errors import DomainError
    from rakor.participants.quotas import set_seats_for_province

    m, (a1, _a2, a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=1)
    make_quota(m, a3, seats=5)
    for _i in range(3):
        make_participant(m, a3)
    with pytest.raises(DomainError) as err:
        set_seats_for_province(m, 2)
    assert err.value.field == "seats"
    assert seats(m) == {a1.id: 1, a3.id: 5}


def test_cannot_lower_below_registered_or_remove_with_delegates(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=4)
    make_participant(m, a)
    make_participant(m, a)
    login_as("committee")
    html = client.post(f"/meetings/{m.id}/quotas/set", data={"agency_id": a.id, "seats": "1", "row": "1"}
                       ).get_data(as_text=True)
    assert "sebelum menurunkan kuota menjadi 1" in html
    client.post(f"/meetings/{m.id}/quotas/{a.id}/remove")
    html = client.get(f"/meetings/{m.id}/quotas").get_data(as_text=True)
    assert "batalkan dahulu" in html
    assert seats(m) == {a.id: 4}


def test_quota_pages_are_for_the_committee_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    login_as("delegate", agency=a)
    assert client.get(f"/meetings/{m.id}/quotas").status_code == 403
    assert client.post(f"/meetings/{m.id}/quotas/set", data={"agency_id": a.id, "seats": "40"}).status_code == 403
    assert seats(m) == {a.id: 4}


def test_cancelled_meeting_quotas_are_read_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    m.status = "cancelled"
    login_as("committee")
    assert client.get(f"/meetings/{m.id}/quotas").status_code == 200
    assert client.post(f"/meetings/{m.id}/quotas/province", data={"seats": "9"}).status_code == 403


# --- the meeting-page section -----------------------------------------------------------------

def _render_section(app, meeting, user):
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        context = meeting_section(meeting, user)
        return render_template("participants/_meeting_section.html", **context)


def test_section_is_registered_and_shows_quota_registered_present_and_totals(app, province_meeting):
    from rakor.core.types import utcnow

    assert "participants" in hooks.sections
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=4)
    make_quota(m, a2, seats=4)
    for i in range(3):
        make_participant(m, a1, checked_in_at=utcnow() if i < 2 else None)
    make_participant(m, a2)
    make_participant(m, a2, status="cancelled")
    make_participant(m, a2, meeting_role="narasumber", checked_in_at=utcnow())
    html = _render_section(app, m, make_user(role="committee"))
    assert 'id="participants-section"' in html
    assert "Kuota 8 · Terdaftar 5 · Hadir 3" in " ".join(html.split())
    # The committee's tools are the meeting page's tabs now, not links below this table
    # (issue 12; tests/meetings/test_meeting_page_tools.py checks the tabs).
    assert f'/meetings/{m.id}/quotas' not in html and f'/meetings/{m.id}/checkin' not in html
    assert f'/meetings/{m.id}/invitations' not in html
    ctx = meeting_section(m, make_user(role="committee"))["participants_section"]
    row1 = next(r for r in ctx["stats"].rows if r.agency_id == a1.id)
    assert (row1.seats, row1.registered, row1.checked_in, row1.percent_present) == (4, 3, 2, 66.7)
    row2 = next(r for r in ctx["stats"].rows if r.agency_id == a2.id)
    assert (row2.seats_taken, row2.registered, row2.checked_in, row2.remaining) == (1, 2, 1, 3)


def test_section_for_a_delegate_shows_its_own_agency_only(app, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1)
    make_quota(m, a2)
    html = _render_section(app, m, make_user(role="delegate", agency=a1))
    assert a1.name in html and a2.name not in html
    assert "/quotas" not in html and "/checkin" not in html


def test_other_features_links_appear_only_when_their_endpoints_exist(app, client, login_as, province_meeting):
    # Import/export and the documents are on the participants page (issue 12 moved them out of
    # the meeting page's section).
    m = province_meeting.meeting
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    for endpoint, link_id in (("participants.import_upload", "link-import"),
                              ("participants.export", "link-export-csv"),
                              ("documents.attendance_pdf", "link-attendance-pdf")):
        assert (link_id in html) == (endpoint in app.view_functions)


def test_section_query_count_is_fixed(app, province_meeting, count_queries):
    m, agencies = province_meeting.meeting, province_meeting.agencies
    user = make_user(role="committee")
    make_quota(m, agencies[0], seats=100)
    make_participant(m, agencies[0])
    with count_queries() as small:
        meeting_section(m, user)
    for i in range(60):
        make_participant(m, agencies[i % 3])
    make_quota(m, agencies[1], seats=100)
    make_quota(m, agencies[2], seats=100)
    with count_queries() as big:
        meeting_section(m, user)
    assert big() == small() <= 3


def test_meeting_page_shows_the_participants_section(app, client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    make_participant(m, a)
    login_as("committee")
    with app.test_request_context():
        url = url_for("meetings.view", meeting_id=m.id)  # a renamed meeting page fails here (BuildError)
    html = client.get(url).get_data(as_text=True)
    assert 'id="participants-section"' in html and a.name in html
