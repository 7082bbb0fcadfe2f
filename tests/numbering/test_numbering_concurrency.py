"""Eight requests numbering documents of one agency at the same moment: every number once, the
sequence without gaps; eight asking for the same document: one number.

Runs against PostgreSQL (row locks); on SQLite it is skipped with a notice, because SQLite
serialises writers itself and has no SELECT ... FOR UPDATE."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from rakor.extensions import db
from rakor.numbering.models import NumberSequence, RegisteredNumber
from rakor.numbering.services import reserve_number
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

THREADS = 8
AT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def agency_id(app):
    agency = make_agency()
    db.session.commit()
    ids = (agency.id, agency.region_id, agency.region.parent_id)
    yield ids[0]
    db.session.rollback()
    db.session.execute(delete(RegisteredNumber).where(RegisteredNumber.agency_id == ids[0]))
    db.session.execute(delete(NumberSequence).where(NumberSequence.agency_id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id == ids[0]))
    delete_regions(ids[1:])
    db.session.commit()


def _numbers(agency_id):
    return list(db.session.execute(select(RegisteredNumber.seq, RegisteredNumber.number).where(
        RegisteredNumber.agency_id == agency_id).order_by(RegisteredNumber.seq)))


def test_concurrent_reservations_give_every_number_once(app, agency_id):
    def attempt(i, at_once):
        at_once()
        reserve_number(agency_id, "invitation", key=f"invitation:meeting:{i}", subject=f"Rapat {i}", at=AT)

    assert race(app, THREADS, attempt, {}) == ["ok"] * THREADS
    rows = _numbers(agency_id)
    assert [seq for seq, _n in rows] == list(range(1, THREADS + 1))
    assert len({n for _s, n in rows}) == THREADS


def test_concurrent_requests_for_one_document_give_it_one_number(app, agency_id):
    def attempt(i, at_once):
        at_once()
        reserve_number(agency_id, "minutes", key="minutes:meeting:1:v1", subject="Notulen", at=AT)

    assert race(app, THREADS, attempt, {}) == ["ok"] * THREADS
    assert _numbers(agency_id) == [(1, "000.1.5/1/Bappeda/2024")]
