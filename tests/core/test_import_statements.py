"""An import's statements do not grow with its rows (issue 20, target 3: bulk writes, no
round trip per row). Each case imports a file of N and of 4N rows and counts the statements the
database receives (a SQLAlchemy `before_cursor_execute` listener; an executemany counts once,
as it is one statement sent in a pipeline): the two counts must be equal. No timing here; the
speed is measured by bench/bench_import.py."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from rakor.commitments import imports as commitment_imports
from rakor.extensions import db
from rakor.participants import imports as participant_imports
from tests.factories import make_meeting, make_quota
from tests.helpers import agency_of, csv_bytes


@contextmanager
def counting():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def participants(n, offset=0):
    return csv_bytes([["Nama", "NIP", "Kode", "Email"]] + [
        [f"Peserta {i}", f"1980010120050{i:05d}", ("63.02", "63.01", "63.72")[i % 3], f"p{i}@x.id"]
        for i in range(offset, offset + n)])


@pytest.mark.usefixtures("kalsel")
def test_participant_import_statements_do_not_grow_with_rows(db):
    counts = []
    for n in (25, 100):
        meeting = make_meeting(organizer=agency_of("63"))
        make_quota(meeting, agency_of("63.02"), seats=200)  # a quota row to lock and count
        db.session.flush()
        report = participant_imports.preview(meeting, participants(n))
        assert report.ok, report.problems()[:3]
        with counting() as statements:
            created = participant_imports.commit(meeting, report)
        assert len(created) == n and {p.registered_via for p in created} == {"import"}
        assert [p.name for p in created] == [r.data.name for r in report.rows]  # in the file's order
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


@pytest.mark.usefixtures("kalsel")
def test_participant_preview_statements_do_not_grow_with_rows(db):
    counts = []
    for n in (25, 100):
        meeting = make_meeting(organizer=agency_of("63"))
        db.session.flush()
        with counting() as statements:
            report = participant_imports.preview(meeting, participants(n))
        assert report.counts["total"] == n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def commitments(cm, n):
    names = ["Bappeda U1", "Bappeda U2"]
    return csv_bytes([["No", "Instansi", "Program/Kegiatan", "Kode Program", "Anggaran (Rp)", "Status"]] + [
        [i + 1, names[i % 2], f"Kegiatan {i}", "1.06.05", "1.000.000", ("Diajukan", "Disepakati", "Draf")[i % 3]]
        for i in range(n)])


def test_commitment_import_statements_do_not_grow_with_new_rows(cm):
    counts = []
    for n in (10, 40):
        meeting = make_meeting(organizer_agency_id=cm.meeting.organizer_agency_id)
        for agency in cm.agencies[:2]:
            make_quota(meeting, agency)
        db.session.flush()
        with counting() as preview_statements:
            report = commitment_imports.preview(meeting, commitments(cm, n), "k.csv")
        assert report.ok, report.problems()[:3]
        with counting() as statements:
            outcome = commitment_imports.commit(meeting, report, cm.committee)
        assert outcome.created == n
        if db.session.get_bind().dialect.name == "sqlite":
            # SQLite cannot return the ids of a multi-row INSERT in order, so the ORM inserts the
            # new rows one by one there (in process, no round trip); PostgreSQL gets one INSERT
            # per table (insertmanyvalues). The other statements are fixed on both.
            statements = [s for s in statements if not s.lstrip().upper().startswith("INSERT")]
        counts.append((len(preview_statements), len(statements)))
    assert counts[0] == counts[1], counts
