"""psycopg cursors whose `description` is built when it is read, not on every statement.

SQLAlchemy asks for `cursor.description` after every statement, and psycopg builds it anew on
every call: one `Column` per column of the result, each decoding its name and looking up its
type. For a statement it has run before (its compiled form cached), SQLAlchemy then uses the
result's layout it kept from the first time and looks at the description only to see that it is
not None. A meeting page of ten statements built over two hundred columns a request for that
(about a fifteenth of its render's Python time, bench/profile_pages.py).

`install(engine)` gives each new connection a cursor class whose `description` is a sequence of
the same length that builds psycopg's own columns on first use, from the result it was taken
of (a later statement on the cursor does not change it). A result without columns still gives
None, so nothing that tests for None or reads the columns sees a difference. Server-side cursors
are left as they are (their own factory).
"""
from collections.abc import Sequence

from sqlalchemy import event

try:
    import psycopg
    from psycopg import pq
except ImportError:  # SQLite-only installations
    psycopg = None

_ROWS = () if psycopg is None else (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class _Result:
    """What psycopg's `Column` reads of its cursor, as it was for one result."""
    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor):
        self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters


class Description(Sequence):
    """psycopg's description of one result, its columns built on first use."""
    __slots__ = ("_result", "_size", "_columns")

    def __init__(self, cursor, size):
        self._result, self._size, self._columns = _Result(cursor), size, None

    def _built(self):
        if self._columns is None:
            self._columns = [psycopg.Column(self._result, i) for i in range(self._size)]
        return self._columns

    def __len__(self):
        return self._size

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __repr__(self):
        return repr(self._built())


if psycopg is not None:
    class Cursor(psycopg.Cursor):
        """psycopg's client-side cursor, its `description` built on first use (as psycopg's own
        property decides whether there is one)."""
        __module__ = __name__

        @property
        def description(self):
            result = self.pgresult
            if result and (result.nfields or result.status in _ROWS):
                return Description(self, result.nfields)
            return None
else:  # pragma: no cover - no PostgreSQL driver, nothing to install
    Cursor = None


def install(engine):
    """Every new psycopg connection of `engine` makes cursors of this module's class."""
    if psycopg is None:
        return

    @event.listens_for(engine, "connect")
    def _cursor_class(dbapi_connection, _record):
        if isinstance(dbapi_connection, psycopg.Connection):
            dbapi_connection.cursor_factory = Cursor
