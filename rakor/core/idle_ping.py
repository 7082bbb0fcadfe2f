"""A pooled database connection is checked (one `SELECT 1`) before use only when it sat idle in
the pool for IDLE_SECONDS or more, instead of before every use (SQLAlchemy's `pool_pre_ping`).

The check catches connections the server or a firewall dropped while nobody used them. A
connection handed back a moment ago was working a moment ago; checking it again cost every
request one more round trip to the server (the API's list: four round trips, one of them this).
What the check does not see, a server restarted under load, SQLAlchemy still handles: the first
statement on a dropped connection fails (that request gets the database-unavailable answer), the
pool then replaces every connection made before the failure, and the next requests work.

SQLAlchemy's recipe for custom pessimistic checks: raising DisconnectionError at checkout makes the
pool throw the connection away and check out another (three attempts).
"""
import time

from sqlalchemy import event, exc

IDLE_SECONDS = 10.0
_STAMP = "rakor_checked_in"


def install(engine, idle_seconds=IDLE_SECONDS):
    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        if dbapi_connection is not None:
            record.info[_STAMP] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy):
        since = record.info.get(_STAMP)
        # No stamp: a connection just made (a new or replaced connection gets a new info).
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: the pool makes a new one
            raise exc.DisconnectionError(f"idle connection did not answer: {error}") from error
