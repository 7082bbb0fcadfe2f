"""Two reporters send the report of the same commitment and period at the same moment (the
delegate's table and the committee's form): one update with two revisions, never two current
updates or an error page; the dashboard's tallies count the commitment once.

Runs against PostgreSQL (the commitment row lock, the tallies' upserts); on SQLite it is
skipped with a notice, because SQLite serialises writers itself."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from rakor.auth.models import User
from rakor.commitments import services as commitment_services
from rakor.commitments.models import Commitment
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.models import SeatQuota
from rakor.progress import services, tally
from rakor.progress.models import ProgressStanding, ProgressTally, ProgressUpdate
from rakor.progress.services import UpdateData
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_quota, make_user
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

TODAY = date(2024, 11, 28)


@pytest.fixture
def one_commitment(app):
    agency = make_agency()
    meeting = make_meeting(title="Uji konkurensi laporan", starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
                           ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    make_quota(meeting, agency)
    committee, delegate = make_user("committee"), make_user("delegate", agency=agency)
    commitment = commitment_services.create_commitment(
        meeting, commitment_services.CommitmentData(title="Penataan kawasan perdesaan", agency_id=agency.id,
                                                    budget_year=2024), committee, status="agreed")
    db.session.commit()
    ids = (meeting.id, agency.id, agency.region_id, meeting.organizer_agency_id, commitment.id,
           committee.id, delegate.id)
    organizer_region = db.session.get(Agency, ids[3]).region_id
    yield ids
    db.session.rollback()
    db.session.execute(delete(SeatQuota).where(SeatQuota.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))  # its commitments and updates too
    db.session.execute(delete(User).where(User.id.in_([ids[5], ids[6]])))
    db.session.execute(delete(Agency).where(Agency.id.in_([ids[1], ids[3]])))
    delete_regions([ids[2], organizer_region])
    tally.backfill(db.session.connection())  # the rows went by SQL, past the tallies
    db.session.commit()


def test_simultaneous_reports_on_one_period_make_one_update_with_two_revisions(app, one_commitment):
    commitment_id, reporters = one_commitment[4], one_commitment[5:]
    statuses = ("on_track", "at_risk")

    def send(i, at_once):
        commitment = db.session.get(Commitment, commitment_id)
        user = db.session.get(User, reporters[i])
        data = UpdateData(period="2024-Q3", status=statuses[i], percent=Decimal(40 + i))
        at_once()  # both press "Save" at the same moment
        services.report(commitment, data, user, today=TODAY)

    outcomes = race(app, 2, send, {DomainError: "refused"}, timeout=60)
    assert outcomes == ["ok", "ok"]
    updates = db.session.execute(select(ProgressUpdate.revision, ProgressUpdate.is_current, ProgressUpdate.is_latest)
                                 .where(ProgressUpdate.commitment_id == commitment_id)
                                 .order_by(ProgressUpdate.revision)).all()
    assert [tuple(u) for u in updates] == [(1, False, False), (2, True, True)]
    standing = db.session.scalars(select(ProgressStanding.period).where(
        ProgressStanding.commitment_id == commitment_id).order_by(ProgressStanding.period)).all()
    assert standing == ["", "2024-Q3"]
    region_id = one_commitment[2]
    counted = db.session.execute(select(ProgressTally.period, ProgressTally.status, ProgressTally.commitments)
                                 .where(ProgressTally.region_id == region_id, ProgressTally.scope == "a", ProgressTally.commitments != 0)
                                 .order_by(ProgressTally.period)).all()
    last = db.session.scalar(select(ProgressUpdate.status).where(ProgressUpdate.commitment_id == commitment_id,
                                                                 ProgressUpdate.is_latest))
    assert [tuple(r) for r in counted] == [("", last, 1), ("2024-Q3", last, 1)]


def test_simultaneous_reports_on_many_commitments_keep_every_count(app, one_commitment):
    """Eight reporters on eight commitments of one region and topic at once: the shared tally
    rows add up (no lost increments)."""
    meeting = db.session.get(Meeting, one_commitment[0])
    committee = db.session.get(User, one_commitment[5])
    ids = [commitment_services.create_commitment(
        meeting, commitment_services.CommitmentData(title=f"Program {i}", agency_id=one_commitment[1],
                                                    budget_year=2024), committee, status="agreed").id
           for i in range(7)] + [one_commitment[4]]
    db.session.commit()

    def send(i, at_once):
        commitment = db.session.get(Commitment, ids[i])
        user = db.session.get(User, one_commitment[5])
        at_once()
        services.report(commitment, UpdateData(period="2024-Q2", status="late", percent=Decimal(10)), user,
                        today=TODAY)

    assert race(app, 8, send, {DomainError: "refused"}, timeout=60) == ["ok"] * 8
    counted = db.session.execute(select(ProgressTally.period, ProgressTally.status, ProgressTally.commitments,
                                        ProgressTally.percent_sum)
                                 .where(ProgressTally.region_id == one_commitment[2], ProgressTally.scope == "a",
                                        ProgressTally.commitments != 0)
                                 .order_by(ProgressTally.period)).all()
    assert [tuple(r) for r in counted] == [("", "late", 8, Decimal("80.00")), ("2024-Q2", "late", 8, Decimal("80.00"))]
