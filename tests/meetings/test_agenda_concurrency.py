"""Committee members adding agenda items or changing the status at the same moment: the
meeting row lock keeps positions unique and lets only one transition win.

PostgreSQL only (row locks); on SQLite it is skipped with a notice (SQLite serialises writers)."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings import services
from rakor.meetings.models import AgendaItem, Meeting, MeetingTransition
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_meeting
from tests.helpers import delete_regions

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

THREADS = 6


@pytest.fixture
def meeting_id(app):
    meeting = make_meeting(title="Uji konkurensi agenda", status="scheduled")
    db.session.commit()
    ids = (meeting.id, meeting.organizer_agency_id)
    region = db.session.get(Agency, ids[1]).region
    regions = [region.id, region.parent_id]
    yield ids[0]
    db.session.rollback()
    for model in (AgendaItem, MeetingTransition):
        db.session.execute(delete(model).where(model.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id == ids[1]))
    # make_meeting's organizer stands in a new regency of a new province: both go.
    delete_regions(regions)
    db.session.commit()


def run_together(app, fn):
    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def worker(i):
        with app.app_context():
            barrier.wait()
            try:
                fn(i)
                db.session.commit()
                result = "ok"
            except DomainError:
                db.session.rollback()
                result = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def test_concurrent_additions_get_distinct_positions(app, meeting_id):
    def add(i):
        meeting = db.session.get(Meeting, meeting_id)
        services.add_agenda_item(meeting, services.AgendaItemData(title=f"Acara {i}"))

    assert run_together(app, add) == ["ok"] * THREADS
    positions = db.session.scalars(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting_id)
                                   .order_by(AgendaItem.position)).all()
    assert positions == list(range(1, THREADS + 1))


def test_concurrent_overlapping_slots_only_one_wins(app, meeting_id):
    start = datetime(2024, 2, 1, 1, 0, tzinfo=UTC)

    def add(i):
        meeting = db.session.get(Meeting, meeting_id)
        services.add_agenda_item(meeting, services.AgendaItemData(
            title=f"Acara {i}", starts_at=start, ends_at=start + timedelta(minutes=30 + i)))

    assert run_together(app, add) == ["ok"] + ["refused"] * (THREADS - 1)


def test_concurrent_transitions_only_one_is_recorded(app, meeting_id):
    def cancel(i):
        meeting = db.session.get(Meeting, meeting_id)
        services.change_status(meeting, "cancelled", note=f"alasan {i}", expected_from="scheduled")

    assert run_together(app, cancel) == ["ok"] + ["refused"] * (THREADS - 1)
    rows = db.session.scalars(select(MeetingTransition.to_status)
                              .where(MeetingTransition.meeting_id == meeting_id)).all()
    assert rows == ["cancelled"]
