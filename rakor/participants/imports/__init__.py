"""Bulk import of participants from CSV and XLSX files, as Indonesian offices make them.

Three steps, no Flask request in here (the web page and `flask participants import` share them),
on the shared engine `rakor.core.tabular`:

1. Read (engine): the bytes become a header and rows; the header is found by `columns.SPEC`
   (Indonesian or English names, any order and case).
2. `validate.validate(meeting, table)` finds each row's agency (name, short name, Kemendagri or
   BPS region code or region name), cleans every field with `services.clean_participant` and
   checks duplicates and seat quotas for the whole file at once. The result is an
   `ImportReport` listing every row's outcome.
3. `commit(meeting, report, by_user)` registers every row through
   `services.register_participants` (the quota row locks and duplicate checks of
   `register_participant`, for all rows in a fixed number of statements). The caller owns the
   transaction: on `ImportCommitError` it rolls back, so a failed import changes nothing.
"""
from rakor.core import tabular
from rakor.core.tabular import (
    Directory,
    ImportCommitError,
    ImportFileError,
    ImportReport,
    Table,
    decode_text,
    discard_upload,
    load_upload,
    normalize_region_code,
    purge_stale_uploads,
    sniff_kind,
    store_upload,
)
from rakor.meetings.models import Meeting
from rakor.participants.imports.columns import EXPORT_HEADERS, FIELD_LABELS, FIELDS, HEADER_ALIASES, SPEC
from rakor.participants.imports.validate import EXCEL_NIP_MESSAGE, ParticipantRow, only_over_quota, validate
from rakor.participants.services import NewParticipant, RowRefusedError, register_participants

RowResult = ParticipantRow

__all__ = [
    "EXCEL_NIP_MESSAGE", "EXPORT_HEADERS", "FIELDS", "FIELD_LABELS", "HEADER_ALIASES", "SPEC",
    "Directory", "ImportCommitError", "ImportFileError", "ImportReport", "ParticipantRow", "RowResult",
    "Table", "commit", "decode_text", "discard_upload", "import_file", "left_out", "load_upload", "map_headers",
    "normalize_region_code", "only_over_quota", "preview", "purge_stale_uploads", "read_table", "sniff_kind",
    "store_upload", "validate",
]


def read_table(content: bytes, max_rows: int) -> Table:
    return tabular.read_table(content, SPEC, max_rows)


def map_headers(header):
    """{column key: index}, ignored header texts, and duplicates (key -> [texts])."""
    return SPEC.map_headers(header)


def preview(meeting: Meeting, content: bytes, filename=None, max_rows=5000,
            override_reason=None, keep_lines=(), within=None) -> ImportReport:
    """Read and validate; never raises for a bad file (the report says what is wrong).
    `override_reason`: rows beyond their agency's quota become warnings (see `commit`).
    `keep_lines`: probable duplicates ticked to be imported anyway (the others are left out).
    `within`: the agencies the importing account may name (see `validate`)."""
    return tabular.preview(SPEC, content,
                           lambda table: validate(meeting, table, filename, override_reason, keep_lines, within),
                           filename=filename, max_rows=max_rows, meeting_id=meeting.id)


def left_out(report: ImportReport) -> list:
    """The probable duplicates that an import of this report leaves out (not ticked)."""
    return [r for r in report.rows if r.skipped]


def _report_field(service_field):
    return "agency" if service_field == "agency_id" else (service_field or "name")


def commit(meeting: Meeting, report: ImportReport, by_user=None, override_reason=None,
           keep_lines=()) -> list:
    """Register every row of a valid report at once (`services.register_participants`: a fixed
    number of statements whatever the number of rows), but the probable duplicates left out
    (`keep_lines` was applied by the validation: see `ParticipantRow.skipped`). Raises
    ImportCommitError on the first row that is refused now (the caller rolls the whole
    transaction back). `override_reason` (the one the report was validated with) is recorded on
    every participant beyond its agency's quota. Returns a plain record of every participant
    written (`register_participants`)."""
    if not report.ok:
        raise ValueError("only a report without errors can be committed")
    rows = [row for row in report.rows if not row.skipped]
    items = [NewParticipant(row.data, override_reason if row.over_quota else None) for row in rows]
    try:
        return register_participants(meeting, items, by_user=by_user, via="import")
    except RowRefusedError as e:
        raise ImportCommitError(rows[e.index].line, _report_field(e.field), e.message) from None


def import_file(meeting: Meeting, content: bytes, *, filename=None, by_user=None, max_rows=5000,
                dry_run=False, override_reason=None, keep_lines=()) -> tuple[ImportReport, list]:
    """Preview and, when every row is valid and not `dry_run`, commit. Does not commit the
    transaction; raises ImportCommitError (caller rolls back)."""
    report = preview(meeting, content, filename, max_rows, override_reason, keep_lines)
    if not report.ok or dry_run:
        return report, []
    return report, commit(meeting, report, by_user, override_reason)
