"""Column types shared by every feature."""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as naive UTC.

    SQLite keeps no offset and PostgreSQL's `timestamptz` returns the session's zone; storing
    naive UTC everywhere and re-attaching UTC on load gives the same aware value on both.
    Naive datetimes are refused: they are always a bug (whose local time would they be?).
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow():
    return datetime.now(UTC)
