"""Fixtures of the participant pages: a meeting of a small province with quotas, a query
counter."""
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from rakor.core.types import utcnow
from tests.factories import make_agency, make_meeting, make_province, make_region


@pytest.fixture
def province_meeting(db):
    """A scheduled meeting in ten days, organised by a provincial agency whose province has
    three regency/city planning agencies (no quotas yet)."""
    province = make_province("97")
    agencies = [make_agency(region=make_region(parent=province, kemendagri_code=f"97.0{i}"),
                            name=f"Bappeda Kabupaten Uji {i}", short_name=f"Bappeda Uji {i}")
                for i in (1, 2, 3)]
    organizer = make_agency(region=province, name="Bappeda Provinsi Uji", short_name="Bappeda Prov")
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    meeting = make_meeting(organizer=organizer, starts_at=start, ends_at=start + timedelta(hours=7),
                           title="Rakor Bidang PPM Uji")
    return SimpleNamespace(meeting=meeting, agencies=agencies, organizer=organizer, province=province)


@pytest.fixture
def count_queries(db):
    """with count_queries() as n: ...; n() -> SQL statements executed inside the block."""

    @contextmanager
    def counter():
        statements = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counter
