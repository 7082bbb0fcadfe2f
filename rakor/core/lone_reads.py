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

A page (a GET or HEAD request) goes further (`install`): every plain SELECT that finds its
connection idle runs in autocommit, not only the first, so a page that only reads sends neither
BEGIN nor COMMIT (two of a kept commitments page's five round trips). Not in autocommit, on the
same rules as READ COMMITTED would give: a SELECT that locks (FOR UPDATE/SHARE: its lock must
last until the transaction ends), a statement that is not a SELECT (it begins the transaction, as
before, and every statement after it runs inside), a server-side cursor (it lives in a
transaction), several rows of parameters. A form's POST is left as it was (one transaction
from its first statement after the user's row): the requests that write gain least from it and
are where a change of transaction would matter.
"""
from contextlib import contextmanager

from flask import g, has_app_context, request
from sqlalchemy import event

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


# --- every read of a page ------------------------------------------------------------------------

_PAGE = "_rakor_reads_alone"  # on flask.g: this request's plain SELECTs may run in autocommit
_SET_HERE = "rakor_lone_read"  # on the connection's info: autocommit was turned on for a statement
_LOCKS = ("FOR UPDATE", "FOR SHARE", "FOR NO KEY UPDATE", "FOR KEY SHARE")
_SAFE_METHODS = ("GET", "HEAD")


def install(app, engine):
    """On PostgreSQL (psycopg): a page's plain SELECTs run in autocommit while its connection is
    idle (the module's docstring)."""
    if psycopg is None:
        return
    app.before_request(_mark_page)
    event.listen(engine, "before_cursor_execute", _before)
    event.listen(engine, "after_cursor_execute", _after)
    event.listen(engine, "handle_error", _failed)
    event.listen(engine, "checkin", _checked_in)


def _mark_page():
    if request.method in _SAFE_METHODS:
        setattr(g, _PAGE, True)


def alone(statement, cursor, executemany):
    """Whether `statement` may run outside a transaction: a plain SELECT of one row of
    parameters, on a client-side cursor."""
    return (not executemany and statement.startswith("SELECT") and isinstance(cursor, psycopg.Cursor)
            and not isinstance(cursor, psycopg.ServerCursor)
            and not any(lock in statement for lock in _LOCKS))


def _before(connection, cursor, statement, _parameters, _context, executemany):
    # Outside an app context (a script's own engine) there is no request: nothing to do.
    if not has_app_context() or not g.get(_PAGE) or not alone(statement, cursor, executemany):
        return
    driver = cursor.connection
    if driver.autocommit or driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        return  # inside the transaction a write (or a lock) began, or autocommit of its own
    driver.autocommit = True
    connection.info[_SET_HERE] = True


def _back(info, driver):
    if info.pop(_SET_HERE, False) and driver is not None and not driver.closed:
        driver.autocommit = False  # psycopg only notes it: no round trip


def _after(connection, cursor, *_args):
    if connection.info.get(_SET_HERE):
        _back(connection.info, cursor.connection)


def _failed(context):
    # A statement that failed in autocommit leaves the connection idle: the next one must not
    # find autocommit on (a write would go without its transaction).
    connection = context.connection
    if connection is not None and connection.info.get(_SET_HERE):
        _back(connection.info, getattr(connection.connection, "driver_connection", None))


def _checked_in(dbapi_connection, record):
    if dbapi_connection is not None and record.info.get(_SET_HERE):
        _back(record.info, dbapi_connection)
