"""Check-in desk, QR check-in links and badges."""
import re

from sqlalchemy import select

from rakor.extensions import db as _db
from rakor.participants.models import Participant
from tests.factories import make_meeting, make_participant, make_quota


def test_search_and_mark_present_without_javascript(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    p = make_participant(m, a1, name="Rahmiyanti Janoezir P., ST., MA")
    make_participant(m, a2, name="Muhammad Rizal")
    make_participant(m, a2, name="Rahmat Batal", status="cancelled")
    user = login_as("committee")
    html = client.get(f"/meetings/{m.id}/checkin", query_string={"q": "rahm"}).get_data(as_text=True)
    assert 'id="checkin-search"' in html and "Rahmiyanti" in html
    assert "Muhammad Rizal" not in html and "Rahmat Batal" not in html
    assert 'class="btn btn-success btn-lg checkin-button"' in html
    response = client.post(f"/meetings/{m.id}/checkin/{p.id}", data={"q": "rahm", "page": "1"})
    assert response.status_code == 302 and "q=rahm" in response.location
    _db.session.refresh(p)
    assert p.checked_in_at is not None and p.checked_in_by_id == user.id
    html = client.get(response.location).get_data(as_text=True)
    assert "Rahmiyanti Janoezir P., ST., MA hadir" in html and "checkin-present" in html
    assert "1</span> / <span data-total=\"registered\">2" in html


def test_check_in_twice_is_harmless_and_says_when(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Budi")
    login_as("committee")
    first = client.post(f"/meetings/{m.id}/checkin/{p.id}", headers={"Accept": "application/json"}).get_json()
    assert first["ok"] and first["first_time"] and first["label"] == "Hadir" and first["checked_in"] == 1
    _db.session.refresh(p)
    at = p.checked_in_at
    second = client.post(f"/meetings/{m.id}/checkin/{p.id}", headers={"Accept": "application/json"}).get_json()
    assert second["ok"] and not second["first_time"] and "sudah tercatat hadir pukul" in second["message"]
    assert second["time"] == first["time"]
    _db.session.refresh(p)
    assert p.checked_in_at == at


def test_cancelled_participant_cannot_be_checked_in(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, status="cancelled")
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/checkin/{p.id}", headers={"Accept": "application/json"})
    assert response.status_code == 409 and "dibatalkan" in response.get_json()["message"]


def test_check_in_is_for_the_committee_and_the_meeting(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    p = make_participant(m, a)
    login_as("delegate", agency=a)
    assert client.get(f"/meetings/{m.id}/checkin").status_code == 403
    assert client.post(f"/meetings/{m.id}/checkin/{p.id}").status_code == 403
    login_as("committee")
    assert client.post(f"/meetings/{make_meeting().id}/checkin/{p.id}").status_code == 404
    _db.session.refresh(p)
    assert p.checked_in_at is None


def test_qr_link_anonymous_login_then_back_delegate_403_committee_confirms(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    p = make_participant(m, a, name="Siti Rahmah")
    url = f"/c/{p.checkin_code}"
    response = client.get(url)
    assert response.status_code == 302 and response.location == f"/login?next=/c/{p.checkin_code}"
    login_as("delegate", agency=a)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    login_as("committee")
    html = client.get(url).get_data(as_text=True)
    assert "Siti Rahmah" in html and 'id="confirm-checkin"' in html and 'method="post"' in html
    _db.session.refresh(p)
    assert p.checked_in_at is None  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Siti Rahmah hadir" in html and "Hadir sejak" in html and 'id="confirm-checkin"' not in html
    response = client.post(url, follow_redirects=True)
    assert "sudah tercatat hadir pukul" in response.get_data(as_text=True)


def test_unknown_qr_code_is_a_clear_404(client, login_as):
    login_as("committee")
    response = client.get("/c/" + "q" * 43)
    assert response.status_code == 404 and "Kode kehadiran tidak dikenal" in response.get_data(as_text=True)
    assert client.get("/c/" + "q" * 300).status_code == 404


def test_badge_has_an_inline_svg_qr_of_the_absolute_checkin_url(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Drs. H. Said Akhmad, MM")
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/participants/{p.id}/badge").get_data(as_text=True)
    assert "<svg" in html and 'class="segno"' in html and "Drs. H. Said Akhmad, MM" in html
    # The print styles moved from an inline <style> (refused by the CSP) to the page's stylesheet.
    assert "Kartu peserta" in html and "/static/participants/badges.css" in html
    stylesheet = client.get("/static/participants/badges.css")
    assert "@media print" in stylesheet.get_data(as_text=True)
    stylesheet.close()
    # The QR decodes to the check-in URL: check segno made it from that exact text.
    import segno

    from rakor.participants.checkin import qr_svg

    expected = qr_svg(f"http://localhost/c/{p.checkin_code}")
    assert str(expected) in html
    assert segno.make_qr(f"http://localhost/c/{p.checkin_code}", error="m").designator


def test_badge_sheet_of_the_meeting(client, login_as, province_meeting, count_queries):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    for i in range(5):
        make_participant(m, a1 if i % 2 else a2, name=f"Peserta Kartu {i}")
    make_participant(m, a1, name="Tidak Dicetak", status="cancelled")
    login_as("committee")
    url = f"/meetings/{m.id}/badges"
    with count_queries() as n:
        html = client.get(url).get_data(as_text=True)
    assert html.count('class="participant-badge"') == 5 and "Tidak Dicetak" not in html
    assert n() <= 4
    html = client.get(f"/meetings/{m.id}/badges", query_string={"agency": a1.id}).get_data(as_text=True)
    assert html.count('class="participant-badge"') == 2


def test_checkin_page_query_count_is_fixed(client, login_as, province_meeting, count_queries):
    m, agencies = province_meeting.meeting, province_meeting.agencies
    for i in range(31):  # more than a page, so both requests count the total
        make_participant(m, agencies[i % 3])
    login_as("committee")
    url = f"/meetings/{m.id}/checkin"
    with count_queries() as small:
        client.get(url)
    for i in range(60):
        make_participant(m, agencies[i % 3])
    with count_queries() as big:
        html = client.get(url).get_data(as_text=True)
    assert big() == small() <= 8  # 8 since issue 18: the navbar's unread notices (one indexed count)
    assert len(re.findall(r'class="list-group-item py-3 checkin-row"', html)) == 30  # paginated


def test_attendance_stats_on_checkin_page(client, login_as, province_meeting):
    from rakor.core.types import utcnow

    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=4)
    for i in range(4):
        make_participant(m, a1, checked_in_at=utcnow() if i < 3 else None)
    make_participant(m, a2)
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/checkin").get_data(as_text=True)
    stats = html[html.index('id="checkin-stats"'):]
    row = re.search(rf'data-agency-id="{a1.id}">(.*?)</tr>', stats, re.S).group(1)
    assert [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] == [a1.name, "4", "3", "75,0"]
    assert _db.session.scalar(select(Participant.id).where(Participant.meeting_id == m.id)) is not None
