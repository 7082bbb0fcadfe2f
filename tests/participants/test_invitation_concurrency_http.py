"""Two contacts of the same agency post the invitation form for the last seat at the same
moment, over HTTP against a threaded werkzeug server on PostgreSQL: one is registered, the
other is told the quota is full. (SQLite serialises writers itself: skipped there.)"""
import http.client
import threading
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import delete, func, select
from werkzeug.serving import make_server

from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.invitations import create_invitation
from rakor.participants.models import Invitation, Participant, SeatQuota
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_participant, make_quota
from tests.helpers import delete_regions

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]


@pytest.fixture
def last_seat(app):
    start = utcnow() + timedelta(days=5)
    meeting = make_meeting(title="Uji konkurensi HTTP", starts_at=start, ends_at=start + timedelta(hours=3))
    agency = make_agency()
    make_quota(meeting, agency, seats=2)
    make_participant(meeting, agency, name="Sudah Duduk")
    _inv, token = create_invitation(meeting, agency)
    db.session.commit()
    ids = (meeting.id, agency.id, agency.region_id, meeting.organizer_agency_id)
    organizer_region = db.session.get(Agency, ids[3]).region_id
    yield ids[0], token
    db.session.rollback()
    db.session.execute(delete(Participant).where(Participant.meeting_id == ids[0]))
    db.session.execute(delete(Invitation).where(Invitation.meeting_id == ids[0]))
    db.session.execute(delete(SeatQuota).where(SeatQuota.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id.in_([ids[1], ids[3]])))
    delete_regions([ids[2], organizer_region])
    db.session.commit()


def test_two_posts_for_the_last_seat_one_wins_one_is_told_full(app, last_seat):
    meeting_id, token = last_seat
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    barrier = threading.Barrier(2)
    results = []
    lock = threading.Lock()

    def post(name):
        body = urlencode({"name": name, "position": "Perencana Ahli Muda"})
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        barrier.wait()
        conn.request("POST", f"/i/{token}", body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        with lock:
            results.append((response.status, "Kuota penuh" in text))

    try:
        threads = [threading.Thread(target=post, args=(f"Delegasi Terakhir {i}",)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        server.shutdown()
    assert sorted(results) == [(302, False), (422, True)]
    count = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting_id, Participant.status == "registered"))
    assert count == 2
