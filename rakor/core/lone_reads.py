"""A request's first SELECT runs outside a transaction (PostgreSQL): one round trip fewer.

psycopg, out of autocommit, sends BEGIN on its own, as a round trip of its own, before the first
statement of a transaction; a request that only read then ends with COMMIT
(rakor/core/read_transactions.py), another. Every signed-in page starts with the same statement
(the user's row, rakor/auth/loading.py), and a kept page (rakor/core/page_cache.py) or the API's
list runs nothing else: three round trips for one statement, on a machine whose two cores the
database shares with the workers. Run in autocommit, the first statement goes alone; the
connection stays idle after it, so a request with nothing more to read has no transaction to
end, and one that reads on begins its transaction with its second statement.

The data read is the same: under READ COMMITTED (PostgreSQL's default, the app's level) every
statement of a transaction reads a snapshot of its own, so a first SELECT outside the
transaction sees what it would have seen inside. Only a SELECT goes this way, and only when
nothing is pending in the session (an autoflush would otherwise write outside the transaction)
and nothing has run on the connection since it was handed out. SQLite, or a connection already
in a transaction: the statement runs in the session's transaction, as before.
"""
from contextlib import contextmanager

from rakor.extensions import db

try:
    import psycopg
except ImportError:  # SQLite-only installations
    psycopg = None


def _idle_postgres_driver(session):
    driver = session.connection().connection.driver_connection
    if (psycopg is None or not isinstance(driver, psycopg.Connection) or driver.autocommit
            or driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE):
        return None
    return driver


@contextmanager
def outside_transaction():
    """Within the block, the session's statement (one SELECT, its rows read inside the block)
    runs in autocommit when it is the first on the session's connection (PostgreSQL)."""
    session = db.session()
    driver = None if (session.new or session.dirty or session.deleted) else _idle_postgres_driver(session)
    if driver is None:
        yield
        return
    driver.autocommit = True
    try:
        yield
    finally:
        driver.autocommit = False  # psycopg only notes it: no round trip


def nothing_to_end(session):
    """Whether a read-only request's session has no COMMIT to send: nothing pending, and no
    transaction on its connection (none begun, or on PostgreSQL only reads in autocommit ran)."""
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    return _idle_postgres_driver(session) is not None
