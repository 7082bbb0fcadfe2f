"""Writing CSV and XLSX files. Every cell goes through `cells.export_cell` (formulas neutralised,
characters a workbook cannot hold dropped): exports use these two functions and nothing else.

CSV: one dialect for every export: UTF-8 with BOM (Excel recognises the encoding), CRLF lines,
';' separated (what a spreadsheet expects where the decimal separator is a comma, as in
Indonesia: with ',' an Indonesian-locale spreadsheet opens the file as one column), '"' quotes.
XLSX: a bold header row, frozen, with a filter; `text` columns are text cells (number format
'@'), so leading zeros and codes like '63.10' survive Excel, also in rows typed later.
"""
import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from rakor.core.tabular.cells import export_cell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_DELIMITER = ";"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    width: int | None = None
    text: bool = False


def _safe(values):
    return [export_cell(v) for v in values]


def to_csv(columns, rows, delimiter=CSV_DELIMITER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(_safe(c.header for c in columns))
    writer.writerows(_safe(row) for row in rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_xlsx(columns, rows, *, sheet_title="Data", instructions=None, instructions_title="Petunjuk") -> bytes:
    """`instructions`: lines for a second sheet (how to fill the file in)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(_safe(c.header for c in columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    text_indexes = [i for i, c in enumerate(columns) if c.text]
    for row in rows:
        ws.append(_safe(row))
        for i in text_indexes:
            ws.cell(row=ws.max_row, column=i + 1).number_format = "@"
    for i, column in enumerate(columns):
        letter = get_column_letter(i + 1)
        if column.width:
            ws.column_dimensions[letter].width = column.width
        if column.text:
            # Whole column as text, so what people type later keeps its zeros too.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    if instructions:
        info = wb.create_sheet(instructions_title)
        info.column_dimensions["A"].width = 110
        for line in instructions:
            info.append(_safe([line]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
