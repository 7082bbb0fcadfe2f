"""Two (or eight) browsers registering the last seats at the same moment: the quota holds.

Runs against PostgreSQL (row locks); on SQLite it is skipped with a notice, because SQLite
serialises writers itself and has no SELECT ... FOR UPDATE."""

import pytest
from sqlalchemy import delete, func, select

from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.models import Participant, SeatQuota
from rakor.participants.services import QuotaFullError, clean_participant, register_participant
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_quota
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

THREADS = 8
SEATS = 3


@pytest.fixture
def full_setup(app):
    meeting = make_meeting(title="Uji konkurensi kuota")
    agency = make_agency()
    make_quota(meeting, agency, seats=SEATS)
    db.session.commit()
    ids = (meeting.id, agency.id, agency.region_id, meeting.organizer_agency_id)
    organizer_region = db.session.get(Agency, ids[3]).region_id
    yield ids
    db.session.rollback()
    db.session.execute(delete(Participant).where(Participant.meeting_id == ids[0]))
    db.session.execute(delete(SeatQuota).where(SeatQuota.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id.in_([ids[1], ids[3]])))
    delete_regions([ids[2], organizer_region])
    db.session.commit()


def test_concurrent_last_seat_registrations_never_overbook(app, full_setup):
    meeting_id, agency_id = full_setup[0], full_setup[1]
    def register(i, at_once):
        meeting = db.session.get(Meeting, meeting_id)
        data = clean_participant({"name": f"Delegasi {i}"}, agency_id).data
        at_once()  # everyone asks at the same moment
        register_participant(meeting, data, via="invitation", require_quota=True)

    outcomes = race(app, THREADS, register, {QuotaFullError: "full"}, timeout=60)
    assert outcomes == ["full"] * (THREADS - SEATS) + ["ok"] * SEATS
    registered = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.meeting_id == meeting_id, Participant.status == "registered"))
    assert registered == SEATS
