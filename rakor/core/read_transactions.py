"""A request whose transaction only read ends it with COMMIT, not with the teardown's ROLLBACK
(PostgreSQL).

psycopg forgets, and deallocates, every prepared statement of a connection on a ROLLBACK. Ended
by a ROLLBACK, no request's statement ever reached its fifth use on a connection (psycopg's
threshold for preparing it), so PostgreSQL planned every query of every page again: planning
took 5 of the region progress page's 7 ms in the database (its commitment list joins seven
tables). For data, a COMMIT of a transaction that wrote nothing is the same as a ROLLBACK; it
keeps the prepared statements, and the next request on the connection skips the planning.

Only a transaction that wrote nothing is committed:
- no statement other than a SELECT ran on its connection since it began (an ORM flush, a Core
  or raw INSERT/UPDATE/DELETE, a SAVEPOINT, anything else: the engine's own event sees them);
- no object is pending in the session (new, changed or deleted, not yet flushed);
- the response is not an error (status < 400) and no exception ended the request.
A COMMIT that fails (the database went away after the answer was made) is logged and left to
the teardown. Anything else is left to the teardown's ROLLBACK, as before: a request that means to write
commits what it wrote itself. The commit does not expire the session's objects (the request
is over; expiring them would only make a late reader query again).

The HTTP API keeps its own rule for its reads (rakor/api: `_end_read`).
"""
from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from rakor.core import lone_reads
from rakor.extensions import db

_WROTE = "rakor_transaction_wrote"
_ANSWERED = "_rakor_answered_ok"


def install(app, engine):
    """On PostgreSQL (SQLite prepares nothing across transactions)."""

    @event.listens_for(engine, "begin")
    def _began(connection):
        connection.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _executing(connection, _cursor, statement, _parameters, _context, _executemany):
        if not statement.startswith("SELECT"):
            connection.info[_WROTE] = True

    app.after_request(_note_answer)
    app.teardown_request(commit_if_only_read)


def _note_answer(response):
    if response.status_code < 400:
        setattr(g, _ANSWERED, True)
    return response


def commit_if_only_read(error=None):
    if error is not None or not g.get(_ANSWERED):
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.info.get(_WROTE, True) or connection.in_nested_transaction():
        return
    if lone_reads.nothing_to_end(session):
        return  # only reads in autocommit ran (rakor/core/lone_reads.py): no transaction to end
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except SQLAlchemyError as failure:
        # The answer is made: a database gone since changes nothing for it (the statements stay
        # unprepared); the teardown that follows ends the session without a database
        # (rakor/errors.py).
        current_app.logger.warning("read-only transaction not committed: %s", failure)
    finally:
        session.expire_on_commit = expire
