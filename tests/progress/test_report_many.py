"""`services.report_many` (the progress import's write) makes the same rows and tallies as
`services.report` item by item, refuses the same items, and sends statements that do not grow
with the items."""
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from rakor.core import batch
from rakor.core.errors import RowRefusedError
from rakor.extensions import db
from rakor.progress import services, workdays
from rakor.progress.models import ProgressUpdate
from tests.progress.conftest import TODAY, update
from tests.progress.test_tally import assert_in_step, kept

NOW = datetime(2024, 11, 28, 3, 0, tzinfo=UTC)
PERIODS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-05-17")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def items_for(pg, seed, n=24):
    """Random reports on the committee's commitments: new periods, revisions of a period reported
    earlier in the list or before it, and repeats that change nothing."""
    rnd = random.Random(seed)
    commitments = [pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c]
    items = []
    for _ in range(n):
        c = rnd.choice(commitments)
        status = rnd.choice(("on_track", "at_risk", "late", "done"))
        if services.measurable(c):
            data = update(period=rnd.choice(PERIODS), status=status,
                          realised_value=Decimal(rnd.choice((575, 600, 625, 7100, 7150))) / 100)
        else:
            data = update(period=rnd.choice(PERIODS), status=status, percent=Decimal(rnd.choice((10, 40, 40))))
        items.append(services.NewReport(c, data))
        if rnd.random() < 0.2:
            items.append(services.NewReport(c, data))  # the same again: unchanged
    return items


def rows():
    """Every update's columns but its id and optimistic-lock `version`, which counts the writes of
    a row, not what it says: a revision superseded later in the same list is written once here,
    not inserted and then updated."""
    return sorted(db.session.execute(select(
        ProgressUpdate.commitment_id, ProgressUpdate.period, ProgressUpdate.revision, ProgressUpdate.is_current,
        ProgressUpdate.is_latest, ProgressUpdate.status, ProgressUpdate.percent_achieved,
        ProgressUpdate.realised_value, ProgressUpdate.percent_stated, ProgressUpdate.review_status,
        ProgressUpdate.reported_by_id, ProgressUpdate.reported_at,
        ProgressUpdate.period_start, ProgressUpdate.period_end, ProgressUpdate.quarter_index)).all())


def one_by_one(items, user):
    with batch.deferred(db.session):
        return [services.report(i.commitment, i.data, user, today=TODAY, now=NOW) for i in items]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("in_batch", [True, False])
def test_the_same_rows_and_tallies_as_one_report_at_a_time(pg, seed, in_batch):
    services.report(pg.poverty_c, update(period="2024-Q2", status="late", realised_value=Decimal("6.20")),
                    pg.committee, today=TODAY, now=NOW)  # a revision of what was there before
    items = items_for(pg, seed)
    savepoint = db.session.begin_nested()
    expected_created = [r.created for r in one_by_one(items, pg.committee)]
    expected_rows, expected_tallies = rows(), kept()
    savepoint.rollback()
    db.session.expire_all()
    assert rows() != expected_rows  # rolled back: the comparison below means something

    if in_batch:
        with batch.deferred(db.session):
            results = services.report_many(items, pg.committee, today=TODAY, now=NOW)
    else:
        results = services.report_many(items, pg.committee, today=TODAY, now=NOW)
    assert [r.created for r in results] == expected_created
    assert rows() == expected_rows
    assert kept() == expected_tallies
    assert_in_step()
    assert all(r.update.id is not None for r in results)


def test_the_first_refused_item_is_named_and_nothing_is_planned_past_it(pg):
    items = [services.NewReport(pg.ipm_c, update(period="2024-Q3", status="on_track", realised_value=Decimal(71))),
             services.NewReport(pg.other_c, update(period="2024-Q3", status="on_track", realised_value=Decimal(65)))]
    with pytest.raises(RowRefusedError) as refused:
        services.report_many(items, pg.delegate, today=TODAY, now=NOW)  # other_c is another agency's
    assert refused.value.index == 1
    assert db.session.scalar(select(ProgressUpdate.id)) is None


def test_a_revision_made_meanwhile_refuses_the_item(pg):
    data = update(period="2024-Q3", status="on_track", realised_value=Decimal("6.10"))
    services.report(pg.poverty_c, data, pg.committee, today=TODAY)
    items = [services.NewReport(pg.rural_c, update(period="2024-Q3", status="late", percent=Decimal(5))),
             services.NewReport(pg.poverty_c, update(period="2024-Q3", status="late", realised_value=Decimal(6)),
                                expected_revision=0)]
    with pytest.raises(RowRefusedError) as refused:
        services.report_many(items, pg.committee, today=TODAY)
    assert refused.value.index == 1 and "sementara itu" in str(refused.value.message)


def test_the_statements_do_not_grow_with_the_items(pg, count_queries):
    commitments = [pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c]

    def data(c, period, status="late"):
        if services.measurable(c):
            return update(period=period, status=status, realised_value=Decimal("6.00"))
        return update(period=period, status=status, percent=Decimal(30))

    for c in commitments:
        services.report(c, data(c, "2024-Q1", "on_track"), pg.committee, today=TODAY)

    def statements(periods):
        """Each commitment's Q1 revised, and a new report of each of `periods`."""
        items = [services.NewReport(c, data(c, p)) for c in commitments for p in ("2024-Q1", *periods)]
        savepoint = db.session.begin_nested()
        for obj in (pg.committee, *commitments):
            db.session.refresh(obj)
        with count_queries() as log, batch.deferred(db.session):
            services.report_many(items, pg.committee, today=TODAY, now=NOW)
        savepoint.rollback()
        # SQLite (tests) inserts row by row in process (core/rows.py); PostgreSQL in one statement.
        return [s for s in log.statements if not s.lstrip().upper().startswith("INSERT INTO PROGRESS_UPDATE")]

    few = statements(["2024-Q2"])
    many = statements(["2024-Q2", "2024-Q3", "2024-05-17", "2024-05-20", "2024-06-03"])
    assert len(many) == len(few)
