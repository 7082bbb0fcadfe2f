"""CSV and XLSX files as Indonesian offices make them, read into a header and rows of text.

CSV: comma, semicolon or tab (the one that splits a header line into the most known columns),
UTF-8 with or without BOM, UTF-16 from Excel's "Unicode text", else Windows-1252. XLSX: the first
sheet, with openpyxl in read-only mode; formulas and merged header cells are refused, a merged
data cell fills every row it covers, and numbers of 15 digits or more (which Excel has already
rounded) are flagged. The file type is decided by content, not by the file name.

Bounds, so that a hostile or broken file costs little: no cell over `MAX_CELL_CHARS` (the most
an Excel cell holds; a longer CSV "cell" is nearly always an unclosed quote), no XLSX part
that unpacks to more than `XLSX_MAX_PART_BYTES` (checked on the zip directory before openpyxl
reads anything; zipfile never inflates a part beyond its declared size), and at most
`max_rows` data rows read.
"""
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from rakor.core import zips
from rakor.core.formatting import format_number
from rakor.core.tabular.cells import cell_text
from rakor.core.tabular.columns import HEADER_SEARCH_ROWS, ColumnSpec
from rakor.core.tabular.report import ImportFileError

MAX_CELL_CHARS = 32_767
XLSX_MAX_PART_BYTES = zips.MAX_PART_BYTES  # the same bounds as materials (core/zips.py)
XLSX_MAX_UNCOMPRESSED = zips.MAX_UNCOMPRESSED
MAX_FORMULA_CELLS_LISTED = 10


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    header: list  # cell texts of the header row
    header_line: int
    rows: list  # [(line, [cell texts])], blank rows already dropped
    notes: list = field(default_factory=list)  # (line, message) about reading, e.g. merged cells
    inexact: set = field(default_factory=set)  # (line, column index) of Excel numbers >= 1e15
    delimiter: str | None = None
    encoding: str | None = None


def read_table(content: bytes, spec: ColumnSpec, max_rows: int) -> Table:
    """The file's header (found by `spec`) and its data rows; raises ImportFileError."""
    kind = sniff_kind(content)
    table = _read_xlsx(content, spec, max_rows) if kind == "xlsx" else _read_csv(content, spec, max_rows)
    if not table.rows:
        raise ImportFileError(spec.no_rows)
    if len(table.rows) > max_rows:
        raise ImportFileError(spec.too_many_rows(format_number(max_rows, locale="id")))  # '2.000'
    return table


def sniff_kind(content: bytes) -> str:
    """'xlsx' or 'csv' by content; raises ImportFileError for anything else."""
    if not content or not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_l("The file is empty."))
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise ImportFileError(_l("The file is damaged: it looks like an Excel file but cannot be opened.")) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names or "content.xml" in names:
            raise ImportFileError(_l("This is a document, not a spreadsheet. Upload a CSV or XLSX file."))
        raise ImportFileError(_l("This file is not a CSV or XLSX file."))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_l("This is an old Excel (.xls) file. Open it in Excel and save it as "
                                 "\"Excel Workbook (.xlsx)\" or CSV, then upload again."))
    if content[:5] == b"%PDF-":
        raise ImportFileError(_l("This is a PDF file. Upload a CSV or XLSX file."))
    head = content[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"  # UTF-16 text (Excel's "Unicode Text")
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100 + 1:
        raise ImportFileError(_l("This file is not a CSV or XLSX file."))
    return "csv"


def decode_text(content: bytes) -> tuple[str, str]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16"), "utf-16"
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            content = content[3:]
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "latin-1"


# --- CSV ----------------------------------------------------------------------------------------

def _cell_too_long(line):
    return ImportFileError(_l(
        "Line %(line)d has a cell longer than %(max)s characters, more than a spreadsheet cell "
        "holds. Check that every quotation mark (\") that opens a cell also closes it.",
        line=line, max=format_number(MAX_CELL_CHARS, locale="id")))


def _split_line(line, delimiter):
    """One line's cells, or None when it cannot be a header (a cell over the size bound)."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a field over csv.field_size_limit()
        return None
    if any(len(c) > MAX_CELL_CHARS for c in cells):
        return None
    return cells


def sniff_delimiter(text: str, spec: ColumnSpec) -> str:
    """Semicolon (Excel with Indonesian regional settings saves CSV with ';'), comma or tab:
    the one that splits a header line into the most known column names. Data lines are no
    guide (names carry commas: 'Drs. H. Said Akhmad, MM')."""
    candidates = (",", ";", "\t")
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS * 4] if line.strip()][:HEADER_SEARCH_ROWS]
    best, best_score = None, 0
    for delimiter in candidates:
        for line in lines:
            cells = _split_line(line, delimiter)
            score = spec.header_score(cells) if cells else 0
            if score > best_score:
                best, best_score = delimiter, score
    if best:
        return best
    first = re.sub(r'"[^"]*"', "", lines[0]) if lines else ""
    return max(candidates, key=lambda d: (first.count(d), d == ","))


def _is_blank(cells):
    return not any(c for c in cells)


def _read_csv(content: bytes, spec: ColumnSpec, max_rows: int) -> Table:
    text, encoding = decode_text(content)
    delimiter = sniff_delimiter(text, spec)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for record in reader:
            if any(len(c) > MAX_CELL_CHARS for c in record):
                raise _cell_too_long(line)
            cells = [cell_text(c) for c in record]
            if not _is_blank(cells):
                rows.append((line, cells))
                if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                    break
            line = reader.line_num + 1
    except csv.Error as e:
        if "field limit" in str(e):  # a cell over csv.field_size_limit(), above our own bound
            raise _cell_too_long(line) from None
        raise ImportFileError(_l("Line %(line)d cannot be read as CSV (%(error)s).",
                                 line=reader.line_num, error=str(e))) from None
    return _table("csv", rows, spec, delimiter=delimiter, encoding=encoding)


# --- XLSX ---------------------------------------------------------------------------------------

def _check_xlsx_sizes(content: bytes):
    """Refuse a workbook whose parts unpack to more than a list needs, before openpyxl parses
    any of it (a few hundred KB of zip can hold hundreds of MB of shared strings)."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        infos = zf.infolist()
    for info in infos:
        if info.file_size > XLSX_MAX_PART_BYTES:
            raise ImportFileError(_l(
                "Part %(part)s of the workbook unpacks to more than %(max)s MB, far more than a list "
                "to import needs. Copy the sheet into a new workbook, save it, then upload again.",
                part=info.filename, max=XLSX_MAX_PART_BYTES // (1024 * 1024)))
    if sum(i.file_size for i in infos) > XLSX_MAX_UNCOMPRESSED:
        raise ImportFileError(_l("The spreadsheet is too large to read."))


def _merged_ranges(ws):
    """Merged ranges of a read-only worksheet (openpyxl's read-only mode does not expose them):
    scan the sheet XML for <mergeCell ref="A1:B2"/>, streaming."""
    ranges = []
    try:
        source = ws._get_source()
    except (AttributeError, KeyError):  # pragma: no cover - openpyxl is pinned
        return ranges
    with source:
        for _event, elem in iterparse(source, events=("end",)):
            if elem.tag.endswith("}mergeCell") or elem.tag == "mergeCell":
                ref = elem.get("ref")
                if ref:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    ranges.append((ref, min_col, min_row, max_col, max_row))
            elif elem.tag.endswith("}row"):
                elem.clear()
    return ranges


def _read_xlsx(content: bytes, spec: ColumnSpec, max_rows: int) -> Table:
    _check_xlsx_sizes(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles/extensions it skips
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for damaged files
        raise ImportFileError(_l("The Excel file is damaged or not a workbook; save it again as .xlsx.")) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None or not hasattr(ws, "iter_rows"):
            raise ImportFileError(_l("The first sheet of the workbook is not a worksheet."))
        merged = _merged_ranges(ws)
        rows, formulas, inexact = [], [], set()
        for row in ws.iter_rows():
            cells, line = [], None
            for cell in row:
                if getattr(cell, "row", None) is not None:
                    line = cell.row
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")
                                                               and len(value) > 1):
                    formulas.append(f"{cell.coordinate}")
                    value = None
                col = getattr(cell, "column", None)
                if col is not None:
                    while len(cells) < col - 1:
                        cells.append("")
                if isinstance(value, float) and abs(value) >= 1e15:
                    inexact.add((line, len(cells)))
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise _cell_too_long(line)
                cells.append(cell_text(value))
            if line is None or _is_blank(cells):
                continue
            rows.append((line, cells))
            if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                break
    finally:
        wb.close()
    if formulas:
        listed = ", ".join(formulas[:MAX_FORMULA_CELLS_LISTED]) + (" …" if len(formulas) > MAX_FORMULA_CELLS_LISTED else "")
        raise ImportFileError(_l(
            "The sheet contains formulas (cells %(cells)s). Formulas are not imported: copy the "
            "sheet and paste it as values only (Paste Special → Values), then upload again.",
            cells=listed))
    table = _table("xlsx", rows, spec)
    table.inexact = inexact
    _apply_merged(table, merged)
    return table


def _apply_merged(table: Table, merged):
    """A merged cell in the header is refused (which column would it be?). A merged cell in the
    data (one 'Instansi' for a whole delegation) applies to every row it covers."""
    if not merged or not table.header:
        return
    header_line = table.header_line
    for ref, _min_col, min_row, _max_col, max_row in merged:
        if min_row <= header_line <= max_row:
            raise ImportFileError(_l(
                "The header row has merged cells (%(ref)s). Give every column its own header cell "
                "(unmerge the cells), then upload again.", ref=ref))
    by_line = {line: cells for line, cells in table.rows}
    for ref, min_col, min_row, max_col, max_row in merged:
        if min_row < header_line:
            continue
        source = by_line.get(min_row)
        value = source[min_col - 1] if source and len(source) >= min_col else ""
        if not value:
            continue
        for line in range(min_row, max_row + 1):
            cells = by_line.get(line)
            if cells is None:
                continue
            for col in range(min_col, max_col + 1):
                while len(cells) < col:
                    cells.append("")
                if not cells[col - 1]:
                    cells[col - 1] = value
            if line != min_row:
                table.notes.append((line, _l("Value taken from the merged cells %(ref)s.", ref=ref)))


def _table(kind, rows, spec: ColumnSpec, **kw):
    """Find the header: the first of the first rows that `spec` recognises (title lines above
    it are skipped)."""
    if not rows:
        raise ImportFileError(_l("The file is empty."))
    for position, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if spec.is_header(cells):
            return Table(kind=kind, header=cells, header_line=line, rows=rows[position + 1:], **kw)
    raise ImportFileError(spec.no_header)
