"""Many rows into one table in a fixed number of statements, their ids known (imports).

The ORM's flush of many new objects on PostgreSQL sends multi-row `INSERT ... VALUES (...), ...
RETURNING id` statements (insertmanyvalues): one round trip per 1,000 rows, but psycopg parses
each of those very long statements in Python, which costs more than the database's work. Here
the ids are reserved first from the table's sequence (one statement: `nextval` over
`generate_series`), then the rows go with those ids by `COPY ... FROM STDIN` on the session's
connection, in its transaction (psycopg formats the rows in C: 5,000 participants took 0.67 s
as SQLAlchemy's pipelined executemany, a few hundredths as COPY). Other databases (SQLite in
development and tests) take one executemany and read the ids back.

The COPY goes past SQLAlchemy's statement events: the columns' bind processors are applied
here, a table with a Python-side default for a column the rows leave out is inserted by
executemany instead, a database error comes back as SQLAlchemy's (IntegrityError...), and
`scopes`, the page-cache scopes the rows touch (`core.page_cache`, e.g. the meeting's), are
noted for the commit directly.

`among(bind, column, values)` is `column IN (values)` for a list of thousands (an import's
references or ids): on PostgreSQL `column = ANY(%(array)s)`, one parameter, where `IN` sends one
parameter per value, and psycopg's parsing of a statement of 5,000 placeholders took about a
second of Python (bench/profile_import.py); elsewhere the plain `IN`.
"""
from sqlalchemy import any_, bindparam, exc, func, insert, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

from rakor.core import page_cache
from rakor.core.page_cache import GLOBAL


def insert_rows(session, table, rows, *, scopes=(GLOBAL,)) -> list[int]:
    """Insert `rows` (dicts without `id`) into `table` (a Table with an integer `id` primary
    key); returns their ids in order."""
    if not rows:
        return []
    options = {"page_cache_scopes": tuple(scopes)}
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(
            select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
            .select_from(func.generate_series(1, len(rows))), execution_options=options))
        rows = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
        if _copyable(table, rows[0]):
            _copy(session.connection(), table, rows)
            page_cache.touch(session, scopes)
        else:
            session.execute(insert(table), rows, execution_options=options)
        return ids
    # Elsewhere (SQLite): one executemany, then the ids. SQLite gives rowids in ascending order of
    # the inserts and nobody else can write between the two statements (the insert took the
    # database's write lock for the transaction), so the table's last len(rows) ids are these
    # rows', in order. (RETURNING with sort_by_parameter_order falls back to a statement per row
    # on SQLite.)
    session.execute(insert(table), rows, execution_options=options)
    last = session.scalars(select(table.c.id).order_by(table.c.id.desc()).limit(len(rows))).all()
    return last[::-1]


def copy_rows(connection, table, rows):
    """`rows` (dicts of the same columns) into `table` on a Connection, without ids back and
    without the session's page-cache notes: COPY on PostgreSQL, else one executemany."""
    if not rows:
        return
    if connection.dialect.name == "postgresql" and _copyable(table, rows[0]):
        _copy(connection, table, rows)
    else:
        connection.execute(insert(table), rows)


def _copyable(table, row):
    """Whether COPY writes what an INSERT of `row`'s columns would: no Python-side default left
    for SQLAlchemy to fill in."""
    return all(column.name in row or column.default is None for column in table.columns)


def _copy(connection, table, rows):
    """`rows` (dicts of the same columns) into `table` by COPY on `connection` (PostgreSQL)."""
    dialect, quote = connection.dialect, connection.dialect.identifier_preparer.quote
    names = list(rows[0])
    processors = [(name, table.c[name].type._cached_bind_processor(dialect)) for name in names]
    statement = (f"COPY {dialect.identifier_preparer.format_table(table)} "
                 f"({', '.join(quote(name) for name in names)}) FROM STDIN")
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] if process is None else process(row[name]) for name, process in processors])
    except driver.Error as e:
        raise exc.DBAPIError.instance(statement, None, e, type(driver).Error, dialect=dialect) from e


def among(bind, column, values):
    """`column IN values` as a WHERE clause for `bind` (a Session or a Connection). `column`
    may be a tuple of columns, `values` then tuples of as many values: on PostgreSQL `(a, b) IN
    (SELECT unnest(array of a), unnest(array of b))`, an array per column (deleting 5,000 pairs
    of a tuple IN took a second)."""
    values = list(values)
    dialect = bind.get_bind().dialect if hasattr(bind, "get_bind") else bind.dialect
    columns = column if isinstance(column, tuple) else None
    if dialect.name != "postgresql":
        return tuple_(*columns).in_(values) if columns else column.in_(values)
    if columns is None:
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    arrays = [bindparam(None, [v[i] for v in values], type_=ARRAY(c.type)) for i, c in enumerate(columns)]
    return tuple_(*columns).in_(select(*(func.unnest(a) for a in arrays)))


__all__ = ["among", "copy_rows", "insert_rows"]
