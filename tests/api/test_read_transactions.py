"""How an API request ends its transaction."""
import pytest
from sqlalchemy import event, func, literal, select
from sqlalchemy.orm import Session

from tests.api.conftest import bearer
from tests.conftest import is_postgres
from tests.factories import make_user


def test_a_successful_read_commits_and_a_failed_one_rolls_back(client, token_of):
    """psycopg forgets its prepared statements on ROLLBACK: a read that succeeded ends with
    COMMIT so that its statement stays prepared on the connection (rakor/api/__init__.py)."""
    secret = token_of(make_user("committee"))
    client.get("/api/v1/regions", headers=bearer(secret))  # its first use is recorded (a commit)
    ended = []

    def committed(session):
        ended.append("commit")

    event.listen(Session, "after_commit", committed)
    try:
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
        assert ended == ["commit"]
        ended.clear()
        assert client.get("/api/v1/commitments/999999999", headers=bearer(secret)).status_code == 404
        assert ended == []
    finally:
        event.remove(Session, "after_commit", committed)


def _postgres_driver_state():
    import psycopg

    from rakor.extensions import db

    driver = db.session.connection().connection.driver_connection
    return driver, psycopg.pq.TransactionStatus


NEEDS_POSTGRES = pytest.mark.skipif(
    not is_postgres(), reason="the list's read in autocommit needs PostgreSQL (TEST_DATABASE_URL)")


@NEEDS_POSTGRES
def test_a_lone_read_runs_in_autocommit_and_leaves_the_connection_idle(engine_session):
    """api.queries.read_only_rows, the path production takes (a pooled connection on which
    nothing has run yet): one round trip, no BEGIN, the connection idle and out of autocommit
    after, and the session's next statement in a transaction as usual."""
    from rakor.api.queries import read_only_rows
    from rakor.core import lone_reads

    # As a request finds it: a pooled connection, rolled back when it was returned. (A new one
    # has run the dialect's first queries, and one idle for 10 s core/idle_ping's ping: those
    # take the fallback on their first request.)
    engine_session.execute(select(literal(0)))
    engine_session.rollback()
    driver, status = _postgres_driver_state()
    assert driver.info.transaction_status == status.IDLE
    rows = read_only_rows(select(literal(7).label("x"), func.txid_current_if_assigned().label("txid")))
    assert [(r.x, r.txid) for r in rows] == [(7, None)]
    assert driver.info.transaction_status == status.IDLE and driver.autocommit is False
    assert lone_reads.nothing_to_end(engine_session())
    engine_session.execute(select(literal(1)))
    assert driver.info.transaction_status == status.INTRANS
    assert not lone_reads.nothing_to_end(engine_session())


@NEEDS_POSTGRES
def test_a_read_after_another_statement_stays_in_the_sessions_transaction(engine_session):
    from rakor.api.queries import read_only_rows
    from rakor.core import lone_reads

    engine_session.execute(select(literal(1)))
    assert [r.x for r in read_only_rows(select(literal(7).label("x")))] == [7]
    driver, status = _postgres_driver_state()
    assert driver.info.transaction_status == status.INTRANS and driver.autocommit is False
    assert not lone_reads.nothing_to_end(engine_session())
