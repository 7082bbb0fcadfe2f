"""Many rows into one table in a fixed number of statements, their ids known (imports).

The ORM's flush of many new objects on PostgreSQL sends multi-row `INSERT ... VALUES (...), ...
RETURNING id` statements (insertmanyvalues): one round trip per 1,000 rows, but psycopg parses
each of those very long statements in Python, which costs more than the database's work. Here
the ids are reserved first from the table's sequence (one statement: `nextval` over
`generate_series`), then the rows go with those ids as one executemany, which psycopg pipelines
with one short, cached statement. Other databases (SQLite in development and tests) insert row
by row, in process.

`scopes` are the page-cache scopes the rows touch (`core.page_cache`), e.g. the meeting's.

`among(bind, column, values)` is `column IN (values)` for a list of thousands (an import's
references or ids): on PostgreSQL `column = ANY(%(array)s)`, one parameter, where `IN` sends one
parameter per value, and psycopg's parsing of a statement of 5,000 placeholders took about a
second of Python (bench/profile_import.py); elsewhere the plain `IN`.
"""
from sqlalchemy import any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY

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
        session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)],
                        execution_options=options)
        return ids
    return [session.execute(insert(table).returning(table.c.id), row, execution_options=options).scalar_one()
            for row in rows]


def among(bind, column, values):
    """`column IN values` as a WHERE clause for `bind` (a Session or a Connection)."""
    values = list(values)
    dialect = bind.get_bind().dialect if hasattr(bind, "get_bind") else bind.dialect
    if dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


__all__ = ["among", "insert_rows"]
