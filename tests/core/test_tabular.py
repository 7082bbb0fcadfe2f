"""The shared import/export engine on its own, with a small spec of its own (no feature)."""
import csv
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from rakor.core import tabular
from rakor.core.errors import DomainError
from rakor.core.tabular import Column, ColumnSpec, ExportColumn, ImportCommitError, Lookup, staging
from rakor.storage.disk import DiskStorage

SPEC = ColumnSpec(
    columns=(
        Column("reference", "Reference", {"referensi", "reference", "no ref"}),
        Column("description", "Commitment", {"komitmen", "commitment", "uraian"}, multiline=True),
        Column("amount", "Amount", {"anggaran", "pagu"}),
        Column("agency_code", "Agency", {"kode instansi"}, field="agency"),
        Column("agency_name", "Agency", {"instansi"}, field="agency"),
    ),
    required=("description",),
    min_columns=2,
    ignore={"no", "paraf"},
    labels={"agency": "Agency"},
)


def csv_bytes(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def validate(table):
    report = tabular.new_report(SPEC, table, filename="f.csv")
    for row in tabular.data_rows(report, table):
        if not row.values.get("reference"):
            row.errors["reference"] = "required"
        row.data = dict(row.values) if not row.errors else None
    return report


def preview(content):
    return tabular.preview(SPEC, content, validate, filename="f.csv", max_rows=100)


# --- export cells ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,written", [
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
    ("-Ahmad", "'-Ahmad"),
    ("-5", "-5"),  # a plain number cannot be a formula
    ("+6281234567890", "+6281234567890"),
    ("Budi = Ani", "Budi = Ani"),
    ("Budi\x1bSantoso\x00", "BudiSantoso"),  # openpyxl refuses these
    ("\x01=1+1", "'=1+1"),
    (12, 12),
    (None, None),
])
def test_export_cell(value, written):
    assert tabular.export_cell(value) == written


@pytest.mark.parametrize("value", ["=1+1", "-Ahmad", "'-Ahmad", "''@x", "\t=1", "'", "'Ani", "-5", "'-5", "Ani"])
def test_unescape_reverses_export_cell(value):
    assert tabular.unescape_cell(tabular.export_cell(value)) == value


def test_a_quote_typed_by_hand_before_a_formula_character_is_read_as_excel_would_show_it():
    assert tabular.unescape_cell("'=x") == "=x" and tabular.unescape_cell("'x") == "'x"


def test_csv_and_xlsx_writers_neutralise_every_cell_and_keep_text_columns():
    columns = (ExportColumn("Nama", 20), ExportColumn("Kode", 8, text=True))
    rows = [["=1+1", "007"], ["Budi\x1b", "-"]]
    text = tabular.to_csv(columns, rows).decode("utf-8-sig")
    assert text == "Nama;Kode\r\n'=1+1;007\r\nBudi;'-\r\n"  # ';' for every CSV export (issue 19 item 3)
    ws = load_workbook(io.BytesIO(tabular.to_xlsx(columns, rows, sheet_title="X", instructions=["=a"]))).worksheets
    assert [[c.value for c in r] for r in ws[0].iter_rows()] == [["Nama", "Kode"], ["'=1+1", "007"], ["Budi", "'-"]]
    assert all(c.data_type == "s" for r in ws[0].iter_rows() for c in r)
    assert ws[0]["B2"].number_format == "@" and ws[0].title == "X" and ws[1]["A1"].value == "'=a"


# --- reading --------------------------------------------------------------------------------

def test_round_trip_through_the_writers_gives_back_what_was_typed():
    columns = (ExportColumn("Referensi"), ExportColumn("Komitmen"), ExportColumn("Anggaran"))
    rows = [["RK-2024-0001-63.02-03", "-Ahmad menyusun\nlaporan", "-"], ["=x", "@y", "+1-2"]]
    for content in (tabular.to_csv(columns, rows), tabular.to_xlsx(columns, rows)):
        report = preview(content)
        assert report.ok, report.problems()
        assert [[r.values[k] for k in ("reference", "description", "amount")] for r in report.rows] == rows


def test_multiline_columns_keep_line_breaks_other_cells_become_one_line():
    content = csv_bytes([["Referensi", "Uraian", "Anggaran"],
                         ["A\r\n1", "Satu\r\nDua\u200b\x1b", " 1.000\t"]])
    row = preview(content).rows[0]
    assert row.values == {"reference": "A 1", "description": "Satu\nDua", "amount": "1.000"}


def test_header_is_found_by_the_spec_below_a_title_and_unknown_or_ignored_columns_are_listed():
    content = csv_bytes([["DAFTAR KOMITMEN"], ["No", "Referensi", "Komitmen", "Catatan", "Paraf"],
                         ["1", "R1", "Satu", "x", ""], ["2", "", "", "", "ttd"]])
    report = preview(content)
    assert report.header_line == 2 and report.ignored_columns == ["Catatan"]
    assert [r.line for r in report.rows] == [3]  # line 4 has values only in ignored columns
    assert report.columns == {"reference": "Referensi", "description": "Komitmen"}


def test_generic_messages_and_a_field_fed_by_two_columns():
    report = preview(csv_bytes([["Referensi", "Anggaran"], ["R1", "5"]]))
    assert report.problems() == ["Baris judul kolom tidak ditemukan. Baris pertama harus menyebut nama kolom."]
    report = preview(csv_bytes([["Komitmen", "Instansi", "Kode Instansi"], ["Satu", "Bappeda", "X1"]]))
    assert report.label("agency") == "Kode Instansi"  # the first column of the field, in spec order
    assert report.label("reference") == "Reference"  # not in the file: the spec's label
    assert report.label("unknown") == "unknown"
    report = preview(csv_bytes([["Komitmen", "Uraian"], ["Satu", "Dua"]]))
    assert len(report.file_errors) == 1  # two columns hold the commitment


def test_spec_refuses_a_header_text_naming_two_columns():
    with pytest.raises(ValueError):
        ColumnSpec(columns=(Column("a", "A", {"x"}), Column("b", "B", {"X"})))


def test_excel_numbers_of_15_digits_or_more_are_flagged_per_column():
    report = preview(xlsx_bytes([["Referensi", "Komitmen", "Anggaran"], ["R1", "Satu", 1.234567890123456e16]]))
    assert report.rows[0].inexact == {"amount"}


def test_an_oversized_csv_cell_is_a_file_error_not_an_exception():
    content = b"Referensi,Komitmen\r\nR1,\"" + b"x" * 200_000 + b"\"\r\n"
    report = preview(content)
    assert report.file_errors and not report.rows
    assert "32" in report.problems()[0]


# --- matching -------------------------------------------------------------------------------

def test_lookup_by_code_then_name_then_loose_words():
    items = [SimpleNamespace(code="IND-01", name="Persentase penduduk miskin"),
             SimpleNamespace(code="IND-02", name="Indeks pembangunan manusia"),
             SimpleNamespace(code="IND-03", name="Persentase rumah layak huni")]
    lookup = Lookup(items, names=lambda i: [i.name], codes=lambda i: [i.code])
    assert lookup.find(" ind-02 ") == ([items[1]], False)
    assert lookup.find("PERSENTASE PENDUDUK MISKIN") == ([items[0]], False)
    assert lookup.find("penduduk miskin") == ([items[0]], True)
    assert lookup.find("persentase") == ([items[0], items[2]], True)
    assert lookup.find("") == ([], True)


class Obj(SimpleNamespace):
    __hash__ = object.__hash__  # like model instances


def test_directory_fed_with_plain_objects():
    province = Obj(id=1, name="Provinsi Kalimantan Selatan", kemendagri_code="63", bps_code="63")
    kotabaru = Obj(id=2, name="Kabupaten Kotabaru", kemendagri_code="63.02", bps_code="6302")
    bappeda = Obj(id=10, name="Bappeda Kabupaten Kotabaru", short_name="Bappeda Kotabaru",
                              region_id=2, is_planning_agency=True)
    dinas = Obj(id=11, name="Dinas Sosial Kabupaten Kotabaru", short_name="Dinsos Kotabaru",
                            region_id=2, is_planning_agency=False)
    directory = tabular.Directory([bappeda, dinas], [province, kotabaru])
    assert directory.find_agency("", "6302")[0] is bappeda
    assert directory.find_agency("Dinsos Kotabaru", "")[0] is dinas
    assert directory.find_agency("Bappeda Kab. Kotabaru", "63.02")[0] is bappeda
    assert directory.find_agency("Dinas Sosial", "")[0] is dinas  # loose, with a warning
    assert directory.find_agency("Dinas Sosial", "")[3] is not None
    assert directory.find_region("Kotabaru") == (kotabaru, None)


# --- report and commit ----------------------------------------------------------------------

def test_commit_rows_maps_a_domain_error_to_the_line_and_field():
    report = preview(csv_bytes([["Referensi", "Komitmen"], ["R1", "Satu"], ["R2", "Dua"]]))
    written = []

    def write(row):
        if row.values["reference"] == "R2":
            raise DomainError("taken", field="reference_code")
        written.append(row.line)
        return row.line

    with pytest.raises(ImportCommitError) as err:
        tabular.commit_rows(report, write, lambda f: {"reference_code": "reference"}.get(f, f))
    assert (err.value.line, err.value.field, written) == (3, "reference", [2])
    bad = preview(csv_bytes([["Referensi", "Komitmen"], ["", "Satu"]]))
    with pytest.raises(ValueError):
        tabular.commit_rows(bad, write)


# --- staging --------------------------------------------------------------------------------

def test_staging_keeps_the_file_for_its_owner_meeting_and_kind_only(tmp_path):
    store = DiskStorage(tmp_path)
    token = tabular.store_upload(store, b"data", meeting_id=1, user_id=2, filename="a.csv", kind="commitments")
    assert tabular.load_upload(store, token, meeting_id=1, user_id=2) is None  # another import
    assert tabular.load_upload(store, token, meeting_id=1, user_id=3, kind="commitments") is None
    assert tabular.load_upload(store, token, meeting_id=1, user_id=2, kind="commitments") == (b"data", "a.csv")
    plain = tabular.store_upload(store, b"x", meeting_id=1, user_id=2, filename=None)
    assert '"kind"' not in (tmp_path / "imports" / f"{plain}.json").read_text()  # the format as before
    assert tabular.load_upload(store, "../../etc/passwd", meeting_id=1, user_id=2) is None
    tabular.discard_upload(store, token)
    assert tabular.load_upload(store, token, meeting_id=1, user_id=2, kind="commitments") is None


def test_staging_forgets_files_older_than_a_day(tmp_path, monkeypatch):
    store = DiskStorage(tmp_path)
    token = tabular.store_upload(store, b"data", meeting_id=1, user_id=2, filename=None)
    monkeypatch.setattr(staging, "STORE_MAX_AGE_SECONDS", -1)  # every file is a day old
    assert tabular.load_upload(store, token, meeting_id=1, user_id=2) is None
    assert not (tmp_path / "imports" / f"{token}.bin").exists()


def test_a_preview_shows_every_refused_row_then_the_first_others_and_counts_the_warnings_left_out():
    from rakor.core.tabular.report import ImportReport, RowResult

    rows = [RowResult(line=n, values={}) for n in range(2, 10)]
    for row in rows[1:]:
        row.warnings.append((None, "Periksa lagi."))
    rows[6].errors["name"] = "Wajib diisi."
    report = ImportReport(rows=rows)
    assert report.preview_rows(limit=20).rows == rows and report.preview_rows(limit=20).hidden == 0
    shown = report.preview_rows(limit=3)
    assert [r.line for r in shown.rows] == [2, 3, 8]  # line order; the refused line 8 whatever its place
    assert shown.hidden == 5 and shown.hidden_warnings == [(None, "Periksa lagi.", 5)]
    assert [r.line for r in report.preview_rows(limit=3, always=lambda r: r.line == 9).rows] == [2, 8, 9]
