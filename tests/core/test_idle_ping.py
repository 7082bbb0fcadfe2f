"""rakor/core/idle_ping.py: a pooled connection that sat idle is checked before use and replaced
when the server dropped it; one used a moment ago is not checked (its first statement fails, and
the pool replaces it for the next use).

PostgreSQL only (a server that can drop a connection); skipped on SQLite."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from rakor.core import idle_ping
from tests.conftest import database_url, is_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]


def _pooled_connection_dropped(idle_seconds):
    """An engine whose one pooled connection the server has just terminated."""
    engine = create_engine(database_url(), pool_size=1)
    idle_ping.install(engine, idle_seconds=idle_seconds)
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    killer = create_engine(database_url())
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    return engine, pid


def test_an_idle_connection_the_server_dropped_is_replaced_before_use():
    engine, pid = _pooled_connection_dropped(idle_seconds=0.0)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_checked_and_replaced_after_its_failure():
    engine, _pid = _pooled_connection_dropped(idle_seconds=3600.0)
    try:
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
