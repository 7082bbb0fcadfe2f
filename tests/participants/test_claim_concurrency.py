"""Twelve people holding the same invitation link claim an account at the same moment: exactly
one delegate account is created, the others are told the link's account exists.

Runs against PostgreSQL (the invitation row lock); on SQLite it is skipped with a notice,
because SQLite serialises writers itself and has no SELECT ... FOR UPDATE."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from rakor.auth.models import User
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.invitations import claim_account, create_invitation
from rakor.participants.models import Invitation, SeatQuota
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_quota
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

# The probe sent 20 claims through gunicorn; 12 threads keep every claim on its own pooled
# connection (the engine's pool holds 5 + 10 overflow, one of them the test's own).
THREADS = 12
PASSWORD = "Rencana-Pembangunan-2024"


@pytest.fixture
def one_link(app):
    start = utcnow() + timedelta(days=5)
    meeting = make_meeting(title="Uji konkurensi klaim akun", starts_at=start, ends_at=start + timedelta(hours=3))
    agency = make_agency()
    make_quota(meeting, agency, seats=2)
    invitation, _token = create_invitation(meeting, agency)
    db.session.commit()
    ids = (meeting.id, agency.id, agency.region_id, meeting.organizer_agency_id, invitation.id)
    organizer_region = db.session.get(Agency, ids[3]).region_id
    yield ids
    db.session.rollback()
    db.session.execute(delete(Invitation).where(Invitation.meeting_id == ids[0]))
    db.session.execute(delete(User).where(User.agency_id == ids[1]))
    db.session.execute(delete(SeatQuota).where(SeatQuota.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id.in_([ids[1], ids[3]])))
    delete_regions([ids[2], organizer_region])
    db.session.commit()


def test_simultaneous_claims_through_one_link_create_one_account(app, one_link):
    agency_id, invitation_id = one_link[1], one_link[4]
    def claim(i, at_once):
        invitation = db.session.get(Invitation, invitation_id)
        at_once()  # everyone presses "Create account" at the same moment
        claim_account(invitation, email=f"delegasi{i}@uji.go.id", name=f"Delegasi {i}", password=PASSWORD)

    outcomes = race(app, THREADS, claim, {DomainError: "refused"})
    assert outcomes == ["ok"] + ["refused"] * (THREADS - 1)
    accounts = db.session.scalars(select(User.id).where(User.agency_id == agency_id)).all()
    assert len(accounts) == 1
    claimed = db.session.scalar(select(Invitation.claimed_user_id).where(Invitation.id == invitation_id))
    assert claimed == accounts[0]
    assert db.session.scalar(select(func.count(User.id)).where(User.agency_id == agency_id)) == 1
