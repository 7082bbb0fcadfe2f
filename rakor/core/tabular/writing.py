"""Writing CSV and XLSX files. Every cell goes through `cells.export_cell` (formulas neutralised,
characters a workbook cannot hold dropped): exports use these two functions and nothing else.

CSV: one dialect for every export: UTF-8 with BOM (Excel recognises the encoding), CRLF lines,
';' separated (what a spreadsheet expects where the decimal separator is a comma, as in
Indonesia: with ',' an Indonesian-locale spreadsheet opens the file as one column), '"' quotes.
XLSX: a bold header row, frozen, with a filter; `text` columns are text cells (number format
'@'), so leading zeros, NIPs, phone numbers and codes like '63.10' survive a spreadsheet, also in
rows typed later. `number` and `date` columns are typed cells a spreadsheet sums and filters:
the export's text ('6,25', '1250000,50', '2024-12-31', what the CSV carries) is read back into
a number or date with the number format given (Excel and LibreOffice draw it with the reader's
own separators: 1.250.000,50 in an Indonesian locale).
"""
import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from rakor.core.tabular.cells import export_cell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_DELIMITER = ";"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Number formats of typed cells (format codes are locale-neutral: ',' groups, '.' decimals).
RUPIAH_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "#,##0.0###"
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    width: int | None = None
    text: bool = False
    kind: str = "general"  # "number" or "date": a typed XLSX cell with `number_format`
    number_format: str | None = None


def _typed(value, column):
    """The cell value of a number or date column: the export's text read back (see the module's
    docstring); anything else (empty, unreadable) as it was."""
    if not isinstance(value, str) or not value or column.kind == "general":
        return value
    from rakor.core.numbers import NumberFormatError, parse_decimal

    try:
        if column.kind == "date":
            return date.fromisoformat(value)
        number = parse_decimal(value)
    except (ValueError, NumberFormatError):
        return value
    return int(number) if number == number.to_integral_value() and column.number_format == INTEGER_FORMAT \
        else number


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
    typed_indexes = [i for i, c in enumerate(columns) if c.kind != "general"]
    for row in rows:
        ws.append(_safe(_typed(v, columns[i]) if i < len(columns) else v for i, v in enumerate(row)))
        for i in text_indexes:
            ws.cell(row=ws.max_row, column=i + 1).number_format = "@"
        for i in typed_indexes:
            cell = ws.cell(row=ws.max_row, column=i + 1)
            if not isinstance(cell.value, str) and cell.value is not None:
                cell.number_format = columns[i].number_format or (
                    DATE_FORMAT if columns[i].kind == "date" else DECIMAL_FORMAT)
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
