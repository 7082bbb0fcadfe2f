"""One cell, both ways: what Rakor writes into a CSV/XLSX cell, and the text it reads back.

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
= + - @ (and, in some programs, a tab or carriage return before them) as a formula, so a name
typed as '=HYPERLINK(...)' or '+cmd|...' would act when the committee opens the export. Every
text cell Rakor writes that starts with one of those characters gets a single quote in front,
as OWASP recommends: the spreadsheet shows it as text. A plain number ('-5', '+6281234') cannot
be a formula and is written as it is. The import reverses it: a cell that starts with a quote
followed by one of those characters loses the quote, so '-Ahmad' exported as "'-Ahmad" comes
back as '-Ahmad'. Text that already starts with quotes before such a character ("'-Ahmad") gets
one more, so it too comes back as typed; a cell typed by hand as "'=x" reads as '=x'.

XLSX files cannot hold most C0 control characters (openpyxl raises IllegalCharacterError):
they are dropped from every written cell, whatever the input cleaning let through.
"""
import re
from datetime import date, datetime, time

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from rakor.core.text import clean_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
_QUOTED_TRIGGER = re.compile(r"'+[=+\-@\t\r]")


def export_cell(value):
    """A value as Rakor writes it into a cell: text neutralised and stripped of characters a
    workbook cannot hold; numbers, dates and None unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    if _QUOTED_TRIGGER.match(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The text before `export_cell` neutralised it."""
    return text[1:] if _QUOTED_TRIGGER.match(text) else text


def cell_text(value):
    """A cell's value as the text a person sees. Excel numbers: 6302.0 -> '6302'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        whole, _dot, fraction = text.partition(".")
        # 70.125 as text is ambiguous to the readers (a thousands group in Indonesian); a number
        # cell is not: one more zero says it is a decimal.
        return text + "0" if len(fraction) == 3 and "e" not in text else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def imported_text(text: str, *, multiline=False) -> str:
    """A data cell's text as a feature receives it: the export's quote removed, then the text
    rule every form applies (`core.text.clean_text`)."""
    if text.isascii() and text.isprintable():
        # Nothing for the rule to change (no control character, nothing to normalise): most
        # cells, and an import cleans tens of thousands of them twice (preview, confirmation).
        return unescape_cell(text).strip()
    text = unescape_cell(text).replace("\r\n", "\n")  # one line break, so one space in one-line text
    return clean_text(text, multiline=multiline).strip()
