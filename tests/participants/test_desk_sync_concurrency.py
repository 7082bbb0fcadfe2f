"""Two desks syncing at the same moment on PostgreSQL (issue 23): the same walk-in registered on
both is one person (the other flagged as a probable duplicate), and the same participant checked
in on both keeps one check-in, the earliest. Skipped with a notice on SQLite, which serialises
writers itself."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from rakor.auth.models import User
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.desk_sync import sync_marks
from rakor.participants.models import CheckinMark, Participant, SeatQuota
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_participant, make_quota, make_user
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]
DESKS = 4


@pytest.fixture
def desk_day(app):
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    meeting = make_meeting(title="Uji dua meja", starts_at=start, ends_at=start + timedelta(hours=6), status="held")
    agency = make_agency()
    make_quota(meeting, agency, seats=10)
    person = make_participant(meeting, agency, name="Peserta Rebutan")
    users = [make_user(role="committee") for _ in range(DESKS)]
    db.session.commit()
    ids = (meeting.id, agency.id, person.id, [u.id for u in users], agency.region_id, meeting.organizer_agency_id)
    organizer_region = db.session.get(Agency, ids[5]).region_id
    yield ids
    db.session.rollback()
    db.session.execute(delete(CheckinMark).where(CheckinMark.meeting_id == ids[0]))
    db.session.execute(delete(Participant).where(Participant.meeting_id == ids[0]))
    db.session.execute(delete(SeatQuota).where(SeatQuota.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(User).where(User.id.in_(ids[3])))
    db.session.execute(delete(Agency).where(Agency.id.in_([ids[1], ids[5]])))
    delete_regions([ids[4], organizer_region])
    db.session.commit()


def test_desks_syncing_at_once_count_each_person_once(app, desk_day):
    meeting_id, agency_id, person_id, user_ids = desk_day[:4]
    base = utcnow().replace(microsecond=0) - timedelta(minutes=30)

    def desk(i, at_once):
        meeting = db.session.get(Meeting, meeting_id)
        user = db.session.get(User, user_ids[i])
        at = base + timedelta(minutes=i)
        marks = [{"id": str(uuid.uuid4()), "kind": "check_in", "at": at.isoformat(), "user": user.id,
                  "participant": person_id},
                 {"id": str(uuid.uuid4()), "kind": "walk_in", "at": at.isoformat(), "user": user.id,
                  "walk_in": {"name": "Tamu Rebutan", "agency_id": agency_id}}]
        at_once()
        sync_marks(meeting, marks, synced_by=user)

    assert race(app, DESKS, desk, {}, timeout=60) == ["ok"] * DESKS
    db.session.expire_all()  # the fixture's rows, as the desks left them
    guests = db.session.scalars(select(Participant).where(Participant.meeting_id == meeting_id,
                                                          Participant.name == "Tamu Rebutan")).all()
    assert len(guests) == 1
    assert guests[0].checked_in_at == base  # the earliest desk's time
    person = db.session.get(Participant, person_id)
    assert person.checked_in_at == base
    outcomes = dict(db.session.execute(select(CheckinMark.outcome, func.count()).where(
        CheckinMark.meeting_id == meeting_id).group_by(CheckinMark.outcome)).all())
    assert sum(outcomes.values()) == 2 * DESKS  # every mark of every desk kept
    flagged = db.session.scalar(select(func.count()).where(CheckinMark.meeting_id == meeting_id,
                                                           CheckinMark.reasons.contains("probable_duplicate")))
    assert flagged == DESKS - 1
