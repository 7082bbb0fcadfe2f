"""The check-in desk for the busy hour (issue 12, item 4): search without titles and by agency
short name, filters, undo, walk-in guests, the camera scanner's endpoint, the warning before the
meeting day; and names sorted without their titles."""
import re
from datetime import timedelta

from sqlalchemy import select

from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants.models import Participant
from tests.factories import make_agency, make_meeting, make_participant, make_quota


def _listed(html):
    return re.findall(r'class="fw-semibold fs-5 checkin-name">([^<]+)<', html)


def _desk(client, meeting, **args):
    return client.get(f"/meetings/{meeting.id}/checkin", query_string=args).get_data(as_text=True)


def test_search_finds_names_without_titles(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_participant(m, a1, name="Ir. H. Rahmadi, M.T.")
    make_participant(m, a2, name="Hj. Siti Aminah, S.Kom.")
    login_as("committee")
    for q in ("rahmadi", "h rahmadi", "rahmadi mt", "Ir. H. Rahmadi, M.T.", "RAHMADI"):
        assert _listed(_desk(client, m, q=q)) == ["Ir. H. Rahmadi, M.T."], q
    assert _listed(_desk(client, m, q="hj siti")) == ["Hj. Siti Aminah, S.Kom."]
    assert _listed(_desk(client, m, q="siti aminah skom")) == ["Hj. Siti Aminah, S.Kom."]


def test_search_by_agency_short_name_and_name_with_agency(client, login_as, province_meeting):
    m = province_meeting.meeting
    kotabaru = make_agency(name="Badan Perencanaan Pembangunan Daerah Kabupaten Kotabaru",
                           short_name="Bappeda Kotabaru")
    make_participant(m, kotabaru, name="Ir. H. Rahmadi, M.T.")
    make_participant(m, kotabaru, name="Noor Hidayati, S.T., M.Si.")
    make_participant(m, province_meeting.agencies[0], name="H. Rahmadi Lain")
    login_as("committee")
    assert _listed(_desk(client, m, q="Bappeda Kotabaru")) == ["Noor Hidayati, S.T., M.Si.", "Ir. H. Rahmadi, M.T."]
    assert _listed(_desk(client, m, q="rahmadi kotabaru")) == ["Ir. H. Rahmadi, M.T."]


def test_filters_not_yet_present_and_present(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_participant(m, a, name="Budi Hadir", checked_in_at=utcnow())
    make_participant(m, a, name="Ani Belum")
    login_as("committee")
    assert _listed(_desk(client, m)) == ["Ani Belum", "Budi Hadir"]
    assert _listed(_desk(client, m, status="absent")) == ["Ani Belum"]
    assert _listed(_desk(client, m, status="present")) == ["Budi Hadir"]
    assert _listed(_desk(client, m, status="nonsense")) == ["Ani Belum", "Budi Hadir"]
    html = _desk(client, m, status="absent")
    assert 'id="checkin-filter-absent" checked' in html  # no autocomplete on a radio (vnu)


def test_fragment_is_the_results_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_participant(m, a, name="Ir. H. Rahmadi, M.T.")
    login_as("committee")
    html = _desk(client, m, q="rahmadi", fragment=1)
    assert html.lstrip().startswith("<div") and 'id="checkin-results"' in html and "<html" not in html
    assert _listed(html) == ["Ir. H. Rahmadi, M.T."]


def test_desk_and_participant_list_sort_by_name_without_titles(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    for name in ("Ir. H. Rahmadi, M.T.", "Dr. Zainal Arifin", "Ahmad Fauzan, S.E.", "Hj. Fitriani, S.T."):
        make_participant(m, a, name=name)
    login_as("committee")
    expected = ["Ahmad Fauzan, S.E.", "Hj. Fitriani, S.T.", "Ir. H. Rahmadi, M.T.", "Dr. Zainal Arifin"]
    assert _listed(_desk(client, m)) == expected
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    positions = [html.index(name) for name in expected]
    assert positions == sorted(positions)


def test_undo_is_recorded_idempotent_and_shown(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Budi Keliru")
    user = login_as("committee", name="Sari Panitia")
    client.post(f"/meetings/{m.id}/checkin/{p.id}")
    response = client.post(f"/meetings/{m.id}/checkin/{p.id}/undo", headers={"Accept": "application/json"},
                           data={"q": "budi", "status": "all"})
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] and data["checked_in"] == 0
    assert "Presensi Budi Keliru dibatalkan" in data["message"]
    assert "Presensi dibatalkan oleh Sari Panitia pukul" in data["row"] and "checkin-button" in data["row"]
    _db.session.refresh(p)
    assert p.checked_in_at is None and p.checked_in_by_id is None
    assert p.checkin_undone_by_id == user.id and p.checkin_undone_at is not None
    first_undo = p.checkin_undone_at
    again = client.post(f"/meetings/{m.id}/checkin/{p.id}/undo", headers={"Accept": "application/json"}).get_json()
    assert again["ok"] and "belum tercatat hadir" in again["message"]
    _db.session.refresh(p)
    assert p.checkin_undone_at == first_undo
    assert "Presensi dibatalkan oleh Sari Panitia" in _desk(client, m)
    # Without JavaScript: back to the desk with its search and filter.
    client.post(f"/meetings/{m.id}/checkin/{p.id}")
    response = client.post(f"/meetings/{m.id}/checkin/{p.id}/undo", data={"q": "budi", "status": "present"})
    assert response.status_code == 302 and "q=budi" in response.location and "status=present" in response.location


def test_undo_is_for_the_committee_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    p = make_participant(m, a, checked_in_at=utcnow())
    for role in ("delegate", "leadership", "admin"):
        login_as(role, agency=a)
        assert client.post(f"/meetings/{m.id}/checkin/{p.id}/undo").status_code == 403, role
    client.get("/logout")
    login_as("committee")
    assert client.post(f"/meetings/{make_meeting().id}/checkin/{p.id}/undo").status_code == 404
    _db.session.refresh(p)
    assert p.checked_in_at is not None and p.checkin_undone_at is None


def test_walk_in_is_registered_and_present_even_beyond_the_quota(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=1)
    make_participant(m, a, name="Sudah Penuh")
    user = login_as("committee")
    response = client.post(f"/meetings/{m.id}/checkin/walk-in", data={
        "name": "Drs. Tamu Datang, M.Si.", "agency_id": str(a.id), "position": "Kabid", "phone": "0812-3456-7890"})
    assert response.status_code == 302 and "/checkin" in response.location
    p = _db.session.scalar(select(Participant).where(Participant.name == "Drs. Tamu Datang, M.Si."))
    assert p.registered_via == "walk_in" and p.registered_by_id == user.id
    assert p.checked_in_at is not None and p.checked_in_by_id == user.id
    assert p.quota_override_reason == "walk-in (meja presensi)" and p.phone == "+6281234567890"
    assert p.sort_name == "tamu datang"
    html = client.get(response.location).get_data(as_text=True)
    assert "didaftarkan sebagai tamu datang langsung" in html and _listed(html) == ["Drs. Tamu Datang, M.Si."]


def test_walk_in_form_errors_and_access(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/checkin/walk-in", data={"name": "", "agency_id": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="walk-in-form"' in html and "is-invalid" in html
    assert _db.session.scalar(select(Participant.id).where(Participant.meeting_id == m.id)) is None
    make_quota(m, a)
    login_as("delegate", agency=a)
    assert client.post(f"/meetings/{m.id}/checkin/walk-in", data={"name": "X", "agency_id": str(a.id)}).status_code == 403


def test_scan_checks_in_a_badge_of_this_meeting_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Siti Pindai")
    other = make_participant(make_meeting(title="Rapat Lain"), a, name="Orang Lain")
    login_as("committee")
    url, json = f"/meetings/{m.id}/checkin/scan", {"Accept": "application/json"}
    data = client.post(url, data={"code": p.checkin_code}, headers=json).get_json()
    assert data["ok"] and "Siti Pindai hadir" in data["message"] and "checkin-present" in data["row"]
    response = client.post(url, data={"code": other.checkin_code}, headers=json)
    assert response.status_code == 409 and "rapat lain: Rapat Lain" in response.get_json()["message"]
    _db.session.refresh(other)
    assert other.checked_in_at is None
    assert client.post(url, data={"code": "not-a-code"}, headers=json).status_code == 404


def test_warning_before_the_meeting_day_but_check_in_works(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]   # in ten days
    p = make_participant(m, a)
    login_as("committee")
    assert 'id="checkin-early"' in _desk(client, m) and "Hari ini belum hari rapat" in _desk(client, m)
    assert 'id="checkin-early"' in client.get(f"/c/{p.checkin_code}").get_data(as_text=True)
    assert client.post(f"/meetings/{m.id}/checkin/{p.id}").status_code == 302
    _db.session.refresh(p)
    assert p.checked_in_at is not None
    today = make_meeting(starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(hours=3))
    assert 'id="checkin-early"' not in _desk(client, today)


def test_before_meeting_day_uses_the_meeting_zone():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from rakor.participants.checkin import before_meeting_day

    # 08.00 WITA on 1 February is 00.00 UTC; at 23.30 UTC on 31 January it is already the day in WITA.
    meeting = SimpleNamespace(starts_at=datetime(2024, 2, 1, 0, 0, tzinfo=UTC), timezone="Asia/Makassar")
    assert not before_meeting_day(meeting, now=datetime(2024, 1, 31, 23, 30, tzinfo=UTC))
    assert before_meeting_day(meeting, now=datetime(2024, 1, 31, 15, 30, tzinfo=UTC))


def test_namesakes_are_told_apart_by_their_position_and_nip(client, login_as, province_meeting):
    """Issue 18: two "Ahmad Fauzi" of one agency at the desk; the jabatan and the NIP say which is which."""
    m, (a1, _a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_participant(m, a1, name="Ahmad Fauzi", position="Kepala Bidang Ekonomi", nip="198001012005011001")
    make_participant(m, a1, name="Ahmad Fauzi", position=None, nip="199002022015021002")
    login_as("committee")
    html = _desk(client, m, q="ahmad fauzi")
    assert _listed(html) == ["Ahmad Fauzi", "Ahmad Fauzi"]
    rows = re.findall(r'<li class="list-group-item py-3 checkin-row".*?</li>', html, re.S)
    assert "Kepala Bidang Ekonomi" in rows[0] + rows[1]
    assert {re.search(r'checkin-nip">NIP ([^<]+)<', r).group(1) for r in rows} == {
        "19800101 200501 1 001", "19900202 201502 1 002"}
