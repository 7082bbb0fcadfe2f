"""Two schedulers at once (PostgreSQL): every one claims the same reminder in its own transaction;
exactly one gets it, the others wait for its commit, fail the unique insert and send nothing."""
import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from rakor.auth.models import User
from rakor.extensions import db
from rakor.progress import periods, reminders
from rakor.progress.models import ProgressReminder
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_user
from tests.helpers import delete_regions

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

THREADS = 4
STEP = reminders.Step(reminders.BEFORE, periods.quarter(2024, 1), date(2024, 4, 22))


@pytest.fixture
def user_id(app):
    user = make_user("delegate")
    db.session.commit()
    ids = user.id, user.agency_id, user.agency.region_id
    yield ids[0]
    db.session.rollback()
    db.session.execute(delete(ProgressReminder).where(ProgressReminder.user_id == ids[0]))
    db.session.execute(delete(User).where(User.id == ids[0]))
    db.session.execute(delete(Agency).where(Agency.id == ids[1]))
    delete_regions([ids[2]])
    db.session.commit()


def test_only_one_scheduler_claims_a_reminder(app, user_id):
    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def scheduler():
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait()
                claimed = reminders._claim(user, STEP) is not None
                db.session.commit()
            finally:
                db.session.remove()
            with lock:
                outcomes.append(claimed)

    threads = [threading.Thread(target=scheduler) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == [False] * (THREADS - 1) + [True]
    assert db.session.scalar(select(func.count(ProgressReminder.id)).where(ProgressReminder.user_id == user_id)) == 1
