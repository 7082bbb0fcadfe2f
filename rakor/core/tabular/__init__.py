"""Tabular import and export: one engine for every CSV/XLSX file Rakor reads or writes.

Core layer: it imports no feature. A feature's import is three small pieces, a column spec, a row
validator and a commit function. For example, commitments (sketch):

    from rakor.core import tabular
    from rakor.core.tabular import Column, ColumnSpec, Lookup

    SPEC = ColumnSpec(
        columns=(
            Column("reference", _l("Reference"), {"referensi", "reference", "no referensi"}),
            Column("agency", _l("Agency"), {"instansi", "agency", "opd"}),
            Column("indicator", _l("Indicator"), {"indikator", "indicator", "kode indikator"}),
            Column("description", _l("Commitment"), {"komitmen", "commitment"}, multiline=True),
            Column("amount", _l("Amount (Rp)"), {"anggaran", "pagu", "amount"}),
            Column("due", _l("Due date"), {"tenggat", "batas waktu", "due date"}),
        ),
        required=("description",), min_columns=2, ignore={"no", "nomor"},
        no_rows=_l("The file has column headers but no commitments."),
    )

    def validate(meeting, table, filename=None):
        report = tabular.new_report(SPEC, table, filename=filename, meeting_id=meeting.id)
        if report.file_errors:
            return report
        directory = tabular.Directory(agencies, regions)      # loaded once: two queries
        indicators = Lookup(all_indicators, names=lambda i: [i.name], codes=lambda i: [i.code])
        for row in tabular.data_rows(report, table):          # cells already clean text
            agency, field, error, warning = directory.find_agency(row.values.get("agency", ""), "")
            found, loose = indicators.find(row.values.get("indicator", ""))
            ...                                              # row.errors[field] = message
            row.data = CommitmentData(...) if not row.errors else None
        return report

    def preview(meeting, content, filename=None, max_rows=5000):
        return tabular.preview(SPEC, content, lambda table: validate(meeting, table, filename),
                               filename=filename, max_rows=max_rows, meeting_id=meeting.id)

    def commit(meeting, report, by_user=None):
        return tabular.commit_rows(report, lambda row: services.add_commitment(meeting, row.data, by_user))

Progress reports match each row to its commitment by the stable reference alone:

    commitments = Lookup(meeting_commitments, names=lambda c: (), codes=lambda c: [c.reference])
    found, _loose = commitments.find(row.values["reference"])     # 'rk-2024-0001-63.02-03 ' works

The pages around it are `flow.ImportFlow` (upload, preview, confirm; the staged file between the
steps through `store_upload` / `load_upload`), the commands `cli.add_import_command` and
`cli.add_export_command`: a feature gives them its reading, writing and access rule, nothing
more. An export writes with `to_csv` / `to_xlsx`, which neutralise formulas in every cell; the
import reverses that, so what was typed comes back.
"""
from rakor.core.tabular.cells import cell_text, export_cell, imported_text, unescape_cell
from rakor.core.tabular.columns import HEADER_SEARCH_ROWS, Column, ColumnSpec, norm_header
from rakor.core.tabular.directory import Directory, normalize_region_code, region_key
from rakor.core.tabular.importing import data_rows, new_report, preview, recall, remember, remembering
from rakor.core.tabular.matching import Lookup, norm_code, norm_name
from rakor.core.tabular.reading import (
    MAX_CELL_CHARS,
    XLSX_MAX_PART_BYTES,
    Table,
    decode_text,
    read_table,
    sniff_delimiter,
    sniff_kind,
)
from rakor.core.tabular.report import ImportCommitError, ImportFileError, ImportReport, RowResult, commit_rows
from rakor.core.tabular.staging import discard_upload, load_upload, purge_stale_uploads, store_upload
from rakor.core.tabular.writing import (
    CSV_CONTENT_TYPE,
    CSV_DELIMITER,
    DATE_FORMAT,
    DECIMAL_FORMAT,
    INTEGER_FORMAT,
    RUPIAH_FORMAT,
    XLSX_CONTENT_TYPE,
    ExportColumn,
    to_csv,
    to_xlsx,
)

__all__ = [
    "CSV_CONTENT_TYPE", "CSV_DELIMITER", "DATE_FORMAT", "DECIMAL_FORMAT", "HEADER_SEARCH_ROWS", "INTEGER_FORMAT",
    "RUPIAH_FORMAT", "MAX_CELL_CHARS", "XLSX_CONTENT_TYPE", "XLSX_MAX_PART_BYTES",
    "Column", "ColumnSpec", "Directory", "ExportColumn", "ImportCommitError", "ImportFileError",
    "ImportReport", "Lookup", "RowResult", "Table",
    "cell_text", "commit_rows", "data_rows", "decode_text", "discard_upload", "export_cell",
    "imported_text", "load_upload", "new_report", "norm_code", "norm_header", "norm_name", "recall", "remember",
    "remembering",
    "normalize_region_code", "preview", "purge_stale_uploads", "read_table", "region_key",
    "sniff_delimiter", "sniff_kind", "store_upload", "to_csv", "to_xlsx", "unescape_cell",
]
