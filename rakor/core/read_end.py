"""How a read ends its transaction: with COMMIT, so that PostgreSQL keeps the prepared statements.

psycopg 3 prepares a statement on its fifth use on a connection, and forgets every statement it
prepared when it sees a ROLLBACK (an object may have been dropped and made anew:
psycopg/_preparing.py). Flask-SQLAlchemy ends every request by closing its session, which rolls
back what is still open; so no statement of a page was ever prepared, and PostgreSQL parsed and
planned each of them on every request. The API found it first (its list's six-table statement).

A GET, HEAD or OPTIONS request that answered below 400 and wrote nothing now ends with COMMIT,
which has nothing to commit and leaves the connection's prepared statements in place. A request
that wrote anything (a flush, an INSERT/UPDATE/DELETE statement through the session, objects left
in it) or failed still rolls back as before, so a read never saves by accident. Views that write
commit themselves (`core/web.domain_action`); this changes nothing for them.
"""
from flask import g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from rakor.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WROTE = "_rakor_session_wrote"
_READ_OK = "_rakor_read_ok"


def _wrote(*_args):
    if has_app_context():
        setattr(g, _WROTE, True)


def _statement(state):
    if not state.is_select:
        _wrote()


def init_app(app):
    # On every session class (the app's, and the tests' own): the flag lives in `g`, per request.
    if not event.contains(Session, "after_flush", _wrote):
        event.listen(Session, "after_flush", _wrote)
        event.listen(Session, "do_orm_execute", _statement)

    # Registered before every other before_request function: a write in any of them counts.
    @app.before_request
    def start_read():
        g.pop(_WROTE, None)
        g.pop(_READ_OK, None)

    @app.after_request
    def note_read(response):
        setattr(g, _READ_OK, request.method in READ_METHODS and response.status_code < 400)
        return response

    # Teardown, not after_request: later after_request functions (the page cache, the request
    # log) may still read, and their reads belong to the same transaction.
    @app.teardown_request
    def end_read(error=None):
        if error is not None or not g.get(_READ_OK) or g.get(_WROTE):
            return  # Flask-SQLAlchemy's teardown rolls back
        session = db.session()
        if session.in_transaction() and not (session.new or session.dirty or session.deleted):
            try:
                session.commit()
            except Exception:  # a read's COMMIT cannot fail short of a lost connection
                session.rollback()
