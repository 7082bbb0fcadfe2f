"""Exports: the import's columns, NIP as text, and a clean round trip into another meeting."""
import io

import pytest
from openpyxl import load_workbook

from rakor.extensions import db
from rakor.participants import exports, imports
from rakor.participants.services import cancel_participant, clean_participant, register_participant
from tests.factories import make_meeting, make_quota
from tests.helpers import agency_of

pytestmark = pytest.mark.usefixtures("kalsel")


def register(meeting, code, **raw):
    result = clean_participant(raw, agency_of(code).id)
    assert not result.errors, result.errors
    return register_participant(meeting, result.data)[0]


def filled_meeting():
    meeting = make_meeting(organizer=agency_of("63"))
    register(meeting, "63.10", name="Siti Rahmah, S.Sos", nip="018907142015032002", position="Kasubbid",
             phone="081351234567", email="siti@tanahbumbukab.go.id", gender="P")
    register(meeting, "63.02", name="Drs. H. Said Akhmad, MM", nip="196805121993031007",
             position="Sekretaris Daerah", gender="L", meeting_role="narasumber")
    register(meeting, "63.71", name="Ahmad Fauzi, S.T.", email="ahmad@banjarmasinkota.go.id")
    cancel_participant(register(meeting, "63.02", name="Batal"))
    return meeting


def test_csv_has_bom_the_import_columns_and_excludes_cancelled():
    meeting = filled_meeting()
    content = exports.export(meeting.id, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Nama,NIP,Jabatan,Instansi,Kode Wilayah,No HP,Email,Jenis Kelamin,Peran"
    # Ordered by region code: Kotabaru (63.02), Tanah Bumbu (63.10), Banjarmasin (63.71).
    assert lines[1] == ('"Drs. H. Said Akhmad, MM",196805121993031007,Sekretaris Daerah,'
                        "Bappeda Kabupaten Kotabaru,63.02,,,L,narasumber")
    assert "63.10" in lines[2] and "018907142015032002" in lines[2] and "0813-5123-4567" in lines[2]
    assert "Batal" not in text and len(lines) == 4


def test_xlsx_keeps_nip_and_codes_as_text():
    meeting = filled_meeting()
    ws = load_workbook(io.BytesIO(exports.export(meeting.id, "xlsx"))).active
    header = [c.value for c in ws[1]]
    assert header == ["Nama", "NIP", "Jabatan", "Instansi", "Kode Wilayah", "No HP", "Email",
                      "Jenis Kelamin", "Peran"]
    row = [c for c in ws[3]]
    assert row[1].value == "018907142015032002" and row[1].number_format == "@"
    assert row[4].value == "63.10" and row[4].number_format == "@"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_another_meeting(fmt):
    source = filled_meeting()
    content = exports.export(source.id, fmt)
    target = make_meeting(organizer=agency_of("63"))
    make_quota(target, agency_of("63.10"), seats=1)
    report = imports.preview(target, content, f"peserta.{fmt}", 100)
    assert report.ok, report.problems()
    # Only a warning for Banjarmasin, which has no seat quota in the new meeting.
    assert [r.status for r in report.rows] == ["ok", "ok", "warning"]
    imports.commit(target, report)
    again = exports.export(target.id, fmt)
    if fmt == "csv":
        assert again == content
    else:
        a = [[c.value for c in r] for r in load_workbook(io.BytesIO(content)).active.iter_rows()]
        b = [[c.value for c in r] for r in load_workbook(io.BytesIO(again)).active.iter_rows()]
        assert a == b


def test_export_pages_access(client, login_as):
    meeting = filled_meeting()
    db.session.commit()
    login_as("committee")
    response = client.get(f"/meetings/{meeting.id}/participants/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="peserta-2024-02-01-')
    assert b"Siti Rahmah" in response.data
    response = client.get(f"/meetings/{meeting.id}/participants/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/meetings/{meeting.id}/participants/export.pdf").status_code == 404
    assert client.get("/meetings/999999/participants/export.csv").status_code == 404
    login_as("leadership")
    assert client.get(f"/meetings/{meeting.id}/participants/export.csv").status_code == 200
    login_as("delegate", agency=agency_of("63.02"))
    assert client.get(f"/meetings/{meeting.id}/participants/export.csv").status_code == 403
