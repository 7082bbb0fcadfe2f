"""The tallies kept on write (progress/tally.py) equal a recomputation from scratch after any
mix of writes, and the dashboard reads them in a fixed number of queries."""
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from rakor.commitments import services as commitment_services
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.progress import services, stats, tally, workdays
from rakor.progress.models import ProgressOverdueTally, ProgressStanding, ProgressTally
from tests.factories import first_agency_commitment as data
from tests.factories import make_province
from tests.progress.conftest import TODAY, update

PERIODS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024-05-17")
STATUSES = ("on_track", "at_risk", "late", "done")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def _q(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def kept():
    """(standings, tally, overdue) as the tables hold them, zero rows left out."""
    standings = {(s.commitment_id, s.period): (s.region_id, s.province_id, s.topic_id, s.organizer_id, s.status,
                                               _q(s.percent_achieved), s.overdue_from)
                 for s in db.session.scalars(select(ProgressStanding))}
    counts = {(t.period, t.scope, t.region_id, t.topic_id, t.status, t.organizer_id):
              (t.commitments, t.measured, _q(t.percent_sum))
              for t in db.session.scalars(select(ProgressTally)) if t.commitments or t.measured or t.percent_sum}
    overdue = {(o.scope, o.region_id, o.topic_id, o.overdue_from, o.organizer_id): o.commitments
               for o in db.session.scalars(select(ProgressOverdueTally)) if o.commitments}
    return standings, counts, overdue


def from_scratch():
    """The same three, worked out anew from the source rows (tally.standing_rows' SQL)."""
    connection = db.session.connection()
    standings = {}
    for stmt in tally.standing_rows(connection):
        for cid, period, region, province, topic, organizer, status, percent, late in connection.execute(stmt):
            standings[(cid, period)] = (region, province, topic, organizer, status, _q(percent), late)
    counts, overdue = {}, {}
    for (_cid, period), (region, province, topic, organizer, status, percent, late) in standings.items():
        for key in ((tally.AGENCY_REGION, region), (tally.PROVINCE, province)):
            n, measured, total = counts.get((period, *key, topic, status, organizer), (0, 0, Decimal(0)))
            counts[(period, *key, topic, status, organizer)] = (n + 1, measured + (percent is not None),
                                                                _q(total + (percent or 0)))
            if period == tally.LATEST and late is not None:
                overdue[(*key, topic, late, organizer)] = overdue.get((*key, topic, late, organizer), 0) + 1
    return standings, counts, overdue


def assert_in_step():
    db.session.flush()
    assert kept() == from_scratch()


def test_the_overdue_quarter_matches_the_rule():
    assert tally.overdue_from(8100, None, None, None) == 8100  # never reported: from the meeting's quarter
    assert tally.overdue_from(8100, 8103, 8101, "on_track") == 8102
    assert tally.overdue_from(8100, 8103, 8103, "late") is None  # reported up to the target's quarter
    assert tally.overdue_from(8100, None, 8105, "done") is None


@pytest.mark.parametrize("seed", range(6))
def test_the_tallies_equal_a_recomputation_after_random_writes(pg, seed):
    rnd = random.Random(seed)
    commitments = [pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c]
    assert_in_step()

    def report(c):
        period = rnd.choice(PERIODS)
        fields = {"status": rnd.choice(STATUSES)}
        if c.indicator_id is not None and services.measurable(c):
            fields["realised_value"] = Decimal(rnd.randint(500, 7500)) / 100
        else:
            fields["percent"] = Decimal(rnd.randint(0, 100))
        services.report(c, update(period=period, **fields), pg.committee, today=TODAY)

    def review(c):
        current = services.current_update(c.id, rnd.choice(PERIODS))
        if current is not None:
            if rnd.random() < 0.5:
                services.review(current, "verified", pg.committee)
            else:
                services.review(current, "returned", pg.committee, note="Periksa lagi")

    def withdraw(c):
        commitment_services.change_status(c, "withdrawn", pg.committee, note="Dibatalkan")

    def create(_c):
        agency = rnd.choice(pg.agencies[:2])
        new = commitment_services.create_commitment(
            pg.meeting, data(pg, agency_id=agency.id, title=f"Program {rnd.random()}", indicator_id=None,
                             topic_id=rnd.choice([pg.poverty, pg.ipm, pg.rural, None]), target_value=None,
                             programme_code=None), pg.committee,
            status=rnd.choice(["agreed", "agreed", "submitted"]), confirm_direction=True)
        commitments.append(new)

    def agree(c):
        commitment_services.change_status(c, "agreed", pg.committee)

    def amend(c):
        commitment_services.update_commitment(
            c, data(pg, agency_id=c.agency_id, title=c.title, indicator_id=c.indicator_id,
                    baseline_value=c.baseline_value, target_value=c.target_value, topic_id=c.topic_id,
                    programme_code=c.programme_code,
                    target_date=rnd.choice([date(2024, 6, 30), date(2024, 12, 31), None])),
            pg.committee, reason="Penyesuaian", confirm_direction=True)

    def move_meeting(_c):
        meeting = db.session.get(Meeting, pg.meeting.id)
        meeting.starts_at = datetime(2024, rnd.choice([1, 2, 4]), 1, 0, 30, tzinfo=UTC)
        meeting.ends_at = meeting.starts_at + timedelta(hours=7)

    def move_agency(_c):
        agency = rnd.choice(pg.agencies)
        agency.region_id = rnd.choice(pg.regions).id

    def move_region(_c):  # a regency handed to another province (or back)
        region = rnd.choice(pg.regions)
        region.parent_id = rnd.choice([other_province.id, province_id])

    def move_organizer(_c):  # the meeting handed to another organizing agency (tenancy)
        meeting = db.session.get(Meeting, pg.meeting.id)
        meeting.organizer_agency_id = rnd.choice(pg.agencies).id

    def delete(c):  # a commitment's row gone (as a meeting's deletion takes its commitments)
        if c in commitments and inspect(c).persistent:
            commitments.remove(c)
            db.session.delete(c)

    province_id = pg.regions[0].parent_id
    other_province = make_province("97")
    actions = [report] * 8 + [review] * 3 + [withdraw, create, create, agree, amend, move_meeting, move_agency,
                                             move_region, move_organizer, delete]
    for _step in range(40):
        action, c = rnd.choice(actions), rnd.choice(commitments)
        try:
            with db.session.begin_nested():
                action(c)
        except (DomainError, IntegrityError):  # refused, or a reference taken after an agency moved
            pass
        assert_in_step()
    db.session.expire_all()
    assert_in_step()
    # A rebuild from scratch changes nothing.
    before = kept()
    tally.backfill(db.session.connection())
    assert kept() == before


def test_a_deleted_meeting_takes_its_counts_along(pg):
    services.report(pg.poverty_c, update(period="2024-Q2"), pg.committee, today=TODAY)
    assert stats.status_counts(stats.Filters())["on_track"] == 1
    db.session.delete(db.session.get(Meeting, pg.meeting.id))
    db.session.flush()
    assert kept() == ({}, {}, {})


def _national(count_queries):
    due = workdays.Calendar().due_quarter(TODAY)
    with count_queries() as n:
        found = stats.summary(stats.Filters(), due)
    with count_queries() as m:
        stats.summary(stats.Filters(region_id=found.matrix.regions[0][0], period="2024-Q3", topic_id=None), due)
    return found, n(), m()


def test_the_dashboard_reads_the_tallies_in_a_fixed_number_of_queries(pg, client, count_queries):
    services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("6.00")), pg.committee,
                    today=TODAY)
    small, queries, with_filters = _national(count_queries)
    assert (queries, with_filters) == (2, 2)  # tally rows with the overdue sum; region and topic names (one UNION ALL)
    for i in range(30):
        c = commitment_services.create_commitment(
            pg.meeting, data(pg, title=f"Program {i}"), pg.committee,
            status="agreed", confirm_direction=True)
        services.report(c, update(period="2024-Q3", realised_value=Decimal("6.00")), pg.committee, today=TODAY)
    large, again, again_filtered = _national(count_queries)
    assert (again, again_filtered) == (2, 2)
    assert large.matrix.total.count == small.matrix.total.count + 30
    assert large.statuses["on_track"] == small.statuses["on_track"] + 30
    # The same numbers as the aggregate over the commitments themselves.
    due = workdays.Calendar().due_quarter(TODAY)
    direct = stats.compute_summary(stats.Filters(), due)
    assert (large.statuses, large.overdue, large.matrix.total) == (direct.statuses, direct.overdue, direct.matrix.total)
    for filters in (stats.Filters(), stats.Filters(meeting_id=pg.meeting.id), stats.Filters(region_id=pg.regions[0].id)):
        assert stats.overdue_total(filters, due) == stats.overdue_count(filters, due)
    filtered = stats.Filters(period="2024-Q3", topic_id=pg.poverty)
    assert stats.summary(filtered, due).statuses == stats.compute_summary(filtered, due).statuses
    db.session.commit()
    login = pg.leadership
    with client.session_transaction() as sess:
        sess["_user_id"] = login.get_id()
        sess["_fresh"] = True
    with count_queries() as first:
        assert client.get("/progress").status_code == 200
    c = commitment_services.create_commitment(pg.meeting, data(pg, title="Satu lagi"), pg.committee,
                                              status="agreed", confirm_direction=True)
    services.report(c, update(period="2024-Q2", realised_value=Decimal("6.10")), pg.committee, today=TODAY)
    db.session.commit()
    with count_queries() as second:
        assert client.get("/progress").status_code == 200
    assert first() == second()


def test_rebuild_tallies_mends_rows_changed_past_the_application(app, pg):
    services.report(pg.poverty_c, update(period="2024-Q2"), pg.committee, today=TODAY)
    db.session.execute(ProgressTally.__table__.update().values(commitments=99))  # by hand, in SQL
    result = app.test_cli_runner().invoke(args=["progress", "rebuild-tallies"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert_in_step()
