"""Many rows into one table in a fixed number of statements, their ids known (imports).

The ORM's flush of many new objects on PostgreSQL sends multi-row `INSERT ... VALUES (...), ...
RETURNING id` statements (insertmanyvalues): one round trip per 1,000 rows, but psycopg parses
each of those very long statements in Python, which costs more than the database's work. Here
the ids are reserved first from the table's sequence (one statement: `nextval` over
`generate_series`), then the rows go with those ids as one executemany, which psycopg pipelines
with one short, cached statement. Other databases (SQLite in development and tests) insert row
by row, in process.

`scopes` are the page-cache scopes the rows touch (`core.page_cache`), e.g. the meeting's.
"""
from sqlalchemy import func, insert, select

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


__all__ = ["insert_rows"]
