"""The offline desk's sync endpoint (issue 23): replays, out-of-order batches, two desks, undo
against check-in by desk time, walk-ins over quota and twice, time bounds, refusals; the roster
the desk keeps (no NIP, phone or e-mail; committee only)."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants.models import CheckinMark, Participant
from tests.factories import make_meeting, make_participant, make_quota, make_user


@pytest.fixture
def today(province_meeting):
    """The province meeting moved to now (started an hour ago, in its zone's day)."""
    m = province_meeting.meeting
    m.starts_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
    m.ends_at = m.starts_at + timedelta(hours=7)
    m.status = "held"
    _db.session.flush()
    return province_meeting


def mark(kind, user, at, participant=None, **extra):
    return {"id": str(uuid.uuid4()), "kind": kind, "at": at.isoformat(), "user": user.id,
            "participant": getattr(participant, "id", participant), **extra}


def sync(client, meeting, marks):
    response = client.post(f"/meetings/{meeting.id}/checkin/sync", json={"marks": marks})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def outcomes(data):
    return [a["outcome"] for a in data["answers"]]


def marks_of(participant):
    return _db.session.scalar(select(func.count(CheckinMark.id)).where(CheckinMark.participant_id == participant.id))


def test_same_batch_three_times_counts_once(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    people = [make_participant(m, a, name=f"Peserta {i}") for i in range(5)]
    user = login_as("committee")
    desk_time = utcnow().replace(microsecond=0) - timedelta(minutes=20)
    batch = [mark("check_in", user, desk_time + timedelta(minutes=i), p) for i, p in enumerate(people)]
    first = sync(client, m, batch)
    assert outcomes(first) == ["accepted"] * 5
    assert first["checkedIn"] == 5
    for _ in range(2):
        again = sync(client, m, batch)
        assert again["answers"] == first["answers"]
        assert again["checkedIn"] == 5
    assert _db.session.scalar(select(func.count(CheckinMark.id)).where(CheckinMark.meeting_id == m.id)) == 5
    _db.session.expire_all()
    assert [p.checked_in_at for p in people] == [desk_time + timedelta(minutes=i) for i in range(5)]
    row = _db.session.scalar(select(CheckinMark).where(CheckinMark.mark_id == batch[0]["id"]))
    assert row.device_at == desk_time and row.gap_seconds >= 20 * 60 and row.source == "offline"


def test_two_desks_keep_the_earliest_check_in_in_any_order(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a, name="Ir. H. Rahmadi, M.T.")
    desk_a, desk_b = make_user(role="committee"), login_as("committee")
    early = utcnow().replace(microsecond=0) - timedelta(minutes=30)
    later = early + timedelta(minutes=5)
    # The later desk syncs first, then the earlier one's batch arrives.
    assert outcomes(sync(client, m, [mark("check_in", desk_b, later, p)])) == ["accepted"]
    assert outcomes(sync(client, m, [mark("check_in", desk_a, early, p)])) == ["accepted"]
    _db.session.refresh(p)
    assert p.checked_in_at == early and p.checked_in_by_id == desk_a.id
    assert marks_of(p) == 2  # both kept in the history
    # A third desk, later still: merged into the earliest.
    data = sync(client, m, [mark("check_in", desk_b, later + timedelta(minutes=1), p)])
    assert outcomes(data) == ["merged"] and "earlier_check_in_kept" in data["answers"][0]["reasons"]
    assert data["checkedIn"] == 1


@pytest.mark.parametrize("order", ["undo_first", "check_in_first"])
def test_undo_and_check_in_resolve_by_desk_time_whatever_arrives_first(client, login_as, today, order):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    user = login_as("committee")
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=40)
    check_in = mark("check_in", user, t0, p)
    undo = mark("undo", user, t0 + timedelta(minutes=2), p)
    late_check_in = mark("check_in", user, t0 + timedelta(minutes=10), p)
    batches = [[check_in], [undo], [late_check_in]] if order == "check_in_first" else [[undo], [late_check_in], [check_in]]
    for batch in batches:
        sync(client, m, batch)
    _db.session.refresh(p)
    # check-in 0', undo 2', check-in 10': present since 10'.
    assert p.checked_in_at == t0 + timedelta(minutes=10)
    assert p.checkin_undone_at == t0 + timedelta(minutes=2)
    assert marks_of(p) == 3


def test_undo_later_than_check_in_takes_it_back(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    user = login_as("committee")
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=40)
    sync(client, m, [mark("undo", user, t0 + timedelta(minutes=3), p)])  # arrives first: nothing to undo yet
    data = sync(client, m, [mark("check_in", user, t0, p)])
    _db.session.refresh(p)
    assert p.checked_in_at is None and p.checkin_undone_at == t0 + timedelta(minutes=3)
    assert data["checkedIn"] == 0


def test_existing_check_in_before_the_history_counts(client, login_as, today):
    """A participant checked in before marks were recorded (demo, earlier versions): an offline
    check-in later by desk time is merged, one earlier wins."""
    m, a = today.meeting, today.agencies[0]
    at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    p = make_participant(m, a, checked_in_at=at)
    user = login_as("committee")
    assert outcomes(sync(client, m, [mark("check_in", user, at + timedelta(minutes=1), p)])) == ["merged"]
    assert outcomes(sync(client, m, [mark("check_in", user, at - timedelta(minutes=1), p)])) == ["accepted"]
    _db.session.refresh(p)
    assert p.checked_in_at == at - timedelta(minutes=1)


def test_online_and_offline_marks_share_one_history(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    user = login_as("committee")
    before = utcnow().replace(microsecond=0) - timedelta(minutes=15)
    client.post(f"/meetings/{m.id}/checkin/{p.id}")  # online, now
    data = sync(client, m, [mark("check_in", user, before, p)])  # an offline desk, earlier
    assert outcomes(data) == ["accepted"]
    _db.session.refresh(p)
    assert p.checked_in_at == before
    assert marks_of(p) == 2


def test_desk_time_outside_the_meeting_day_is_clamped_and_flagged(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p1, p2 = make_participant(m, a), make_participant(m, a)
    user = login_as("committee")
    data = sync(client, m, [mark("check_in", user, utcnow() - timedelta(days=3), p1),
                            mark("check_in", user, utcnow() + timedelta(hours=3), p2)])
    assert outcomes(data) == ["flagged", "flagged"]
    assert all("clamped_time" in a["reasons"] for a in data["answers"])
    _db.session.refresh(p1)
    _db.session.refresh(p2)
    from rakor.participants.desk_sync import meeting_days
    start, end = meeting_days(m)
    assert p1.checked_in_at == start  # the start of the meeting's day
    assert p2.checked_in_at <= utcnow()  # never later than it reached the server
    row = _db.session.scalar(select(CheckinMark).where(CheckinMark.participant_id == p1.id))
    assert row.device_at < start and row.gap_seconds > 2 * 24 * 3600


def test_walk_in_over_quota_is_registered_and_flagged(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    make_quota(m, a, seats=1)
    make_participant(m, a, name="Sudah Terdaftar")
    user = login_as("committee")
    at = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    data = sync(client, m, [mark("walk_in", user, at, walk_in={
        "name": "Dra. Tamu Baru", "agency_id": a.id, "position": "Kasubbag", "phone": "0812-3456-7890"})])
    assert outcomes(data) == ["flagged"] and data["answers"][0]["reasons"] == ["over_quota"]
    guest = _db.session.get(Participant, data["answers"][0]["participant"])
    assert guest.name == "Dra. Tamu Baru" and guest.registered_via == "walk_in"
    assert guest.checked_in_at == at and guest.quota_override_reason
    assert "beyond the agency's quota" in data["answers"][0]["message"] or "kuota" in data["answers"][0]["message"]


def test_same_walk_in_on_two_desks_is_one_person_flagged_duplicate(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    desk_a, desk_b = make_user(role="committee"), login_as("committee")
    t = utcnow().replace(microsecond=0) - timedelta(minutes=8)
    first = sync(client, m, [mark("walk_in", desk_a, t + timedelta(minutes=1),
                                  walk_in={"name": "H. Tamu Sama, S.E.", "agency_id": a.id})])
    second = sync(client, m, [mark("walk_in", desk_b, t,
                                   walk_in={"name": "Tamu Sama", "agency_id": a.id, "position": "Staf"})])
    assert outcomes(first) == ["accepted"]
    assert outcomes(second) == ["flagged"] and "probable_duplicate" in second["answers"][0]["reasons"]
    assert second["answers"][0]["participant"] == first["answers"][0]["participant"]
    assert second["checkedIn"] == 1
    guest = _db.session.get(Participant, first["answers"][0]["participant"])
    assert guest.checked_in_at == t  # the earlier desk's time
    typed = _db.session.scalar(select(CheckinMark.payload).where(CheckinMark.mark_id == second["answers"][0]["id"]))
    assert typed["position"] == "Staf"  # what the second desk typed is kept


def test_mark_for_another_meetings_participant_is_refused(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    other = make_meeting()
    stranger = make_participant(other, a)
    user = login_as("committee")
    at = utcnow() - timedelta(minutes=1)
    data = sync(client, m, [mark("check_in", user, at, stranger),
                            mark("check_in", user, at, None, code=stranger.checkin_code),
                            mark("check_in", user, at, 10 ** 9)])
    assert outcomes(data) == ["refused"] * 3
    assert [a["reasons"] for a in data["answers"]] == [["other_meeting"], ["other_meeting"], ["unknown_participant"]]
    _db.session.refresh(stranger)
    assert stranger.checked_in_at is None


def test_badge_code_resolves_within_the_meeting(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    user = login_as("committee")
    assert outcomes(sync(client, m, [mark("check_in", user, utcnow(), None, code=p.checkin_code)])) == ["accepted"]
    _db.session.refresh(p)
    assert p.checked_in_at is not None


def test_mark_of_a_user_no_longer_on_the_committee_is_refused(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    former = make_user(role="delegate", agency=a)  # moved off the committee after the desk
    disabled = make_user(role="committee", active=False)
    user = login_as("committee")
    data = sync(client, m, [mark("check_in", former, utcnow(), p), mark("check_in", disabled, utcnow(), p),
                            mark("check_in", user, utcnow(), p)])
    assert outcomes(data) == ["refused", "refused", "accepted"]
    assert data["answers"][0]["reasons"] == ["not_committee"]
    assert "committee" in data["answers"][0]["message"] or "panitia" in data["answers"][0]["message"]


def test_malformed_marks_are_answered_not_applied(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a)
    user = login_as("committee")
    no_time = {**mark("check_in", user, utcnow(), p), "at": "yesterday"}
    data = sync(client, m, [{"id": "not-a-uuid"}, no_time, "text", mark("teleport", user, utcnow(), p)])
    assert outcomes(data) == ["refused"] * 4
    assert client.post(f"/meetings/{m.id}/checkin/sync", json={"marks": "x"}).status_code == 400
    assert client.post(f"/meetings/{m.id}/checkin/sync", data="{{").status_code == 400


def test_sync_and_roster_are_for_the_committee_only(client, login_as, today):
    m = today.meeting
    for role in ("delegate", "leadership", "admin"):
        login_as(role, agency=today.agencies[0] if role == "delegate" else None)
        assert client.get(f"/meetings/{m.id}/checkin/roster.json").status_code == 403
        assert client.post(f"/meetings/{m.id}/checkin/sync", json={"marks": []}).status_code == 403


def test_roster_holds_only_what_the_desk_shows(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    make_participant(m, a, name="Ir. H. Rahmadi, M.T.", nip="198001012005011001", phone="+6281234567890",
                     email="rahmadi@example.id")
    make_participant(m, a, name="Batal", status="cancelled")
    login_as("committee")
    response = client.get(f"/meetings/{m.id}/checkin/roster.json")
    assert response.headers["Cache-Control"].startswith("no-store")
    roster = response.get_json()
    assert [p["name"] for p in roster["participants"]] == ["Ir. H. Rahmadi, M.T."]
    assert set(roster["participants"][0]) == {"id", "name", "key", "position", "agency", "agencyName",
                                              "agencyId", "role", "presentAt", "code", "nipEnd"}
    # Of the NIP only its last digits, to tell namesakes apart (issue 18).
    assert roster["participants"][0]["nipEnd"] == "1001"
    text = response.get_data(as_text=True)
    for private in ("198001012005011001", "6281234567890", "rahmadi@example.id"):
        assert private not in text


def test_sync_needs_a_csrf_token(app, client, login_as, today):
    login_as("committee")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/meetings/{today.meeting.id}/checkin/sync", json={"marks": []})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_flagged_marks_page_lists_them(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    make_quota(m, a, seats=1)
    make_participant(m, a)
    user = login_as("committee")
    sync(client, m, [mark("walk_in", user, utcnow(), walk_in={"name": "Tamu Lebih", "agency_id": a.id})])
    html = client.get(f"/meetings/{m.id}/checkin/marks").get_data(as_text=True)
    assert "Tamu Lebih" in html and "desk-flag-flagged" in html
    assert 'id="desk-flags-link"' in client.get(f"/meetings/{m.id}/checkin").get_data(as_text=True)


def test_worker_and_offline_page_name_no_one_and_the_manifest_is_the_committees(client, login_as, today):
    worker = client.get("/meetings/checkin-worker.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/meetings/"
    url = f"/meetings/{today.meeting.id}/checkin/manifest.webmanifest"
    assert client.get(url).status_code == 302  # to sign-in
    login_as("delegate", agency=today.agencies[0])
    assert client.get(url).status_code == 403
    login_as("committee")
    manifest = client.get(url).get_json()
    assert manifest["scope"] == manifest["start_url"] == f"/meetings/{today.meeting.id}/checkin"
    offline = client.get("/meetings/checkin-offline").get_data(as_text=True)
    assert 'id="desk-offline-page"' in offline and "<script" not in offline


def test_meeting_page_and_dashboard_show_synced_marks_with_desk_times(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    people = [make_participant(m, a) for _ in range(3)]
    user = login_as("committee")
    first = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=50)
    sync(client, m, [mark("check_in", user, first + timedelta(minutes=7 * i), p) for i, p in enumerate(people)])
    from rakor.core.formatting import format_time
    expected = [format_time(first, m.timezone, locale="id"), format_time(first + timedelta(minutes=14), m.timezone, locale="id")]
    page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert f"pertama {expected[0]}, terakhir {expected[1]}" in page
    assert "3 tanda dari meja presensi luring" in page
    home = client.get("/").get_data(as_text=True)
    assert 'id="panel-checkin-today"' in home and "3 dari 3 hadir" in home
    assert f"pertama {expected[0]}, terakhir {expected[1]}" in home


def test_attendance_sheet_prints_the_desk_time(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    p = make_participant(m, a, name="Noor Hidayati, S.T.")
    user = login_as("committee")
    at = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=33)
    sync(client, m, [mark("check_in", user, at, p)])
    from rakor.core.formatting import format_time
    from rakor.participants.documents import attendance_context
    rows = attendance_context(m)["rows"]
    assert rows[0]["checked_in"] == format_time(at, m.timezone, locale="id")


def test_walk_in_with_an_invalid_phone_is_kept_without_it_and_flagged(client, login_as, today):
    m, a = today.meeting, today.agencies[0]
    user = login_as("committee")
    data = sync(client, m, [mark("walk_in", user, utcnow(), walk_in={
        "name": "Tamu Nomor Salah", "agency_id": a.id, "phone": "12ab", "position": "Staf"})])
    assert outcomes(data) == ["flagged"] and data["answers"][0]["reasons"] == ["details_dropped"]
    guest = _db.session.get(Participant, data["answers"][0]["participant"])
    assert guest.name == "Tamu Nomor Salah" and guest.phone is None and guest.checked_in_at is not None
    assert guest.position == "Staf"  # what was valid is kept
    typed = _db.session.scalar(select(CheckinMark.payload).where(CheckinMark.mark_id == data["answers"][0]["id"]))
    assert typed["phone"] == "12ab"


def test_walk_in_without_a_name_or_agency_is_refused(client, login_as, today):
    m = today.meeting
    user = login_as("committee")
    data = sync(client, m, [mark("walk_in", user, utcnow(), walk_in={"name": "", "agency_id": today.agencies[0].id}),
                            mark("walk_in", user, utcnow(), walk_in={"name": "Tanpa Instansi", "agency_id": 10 ** 8})])
    assert outcomes(data) == ["refused", "refused"]
    assert _db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == m.id)) == 0
