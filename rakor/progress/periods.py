"""Reporting periods: quarters ("Triwulan I 2024", key '2024-Q1') and single dates for ad-hoc
updates (key '2024-05-17').

`parse_period` reads what people type or what a file holds: '2024-Q1', 'Q1 2024', 'TW I 2024',
'Triwulan I 2024', 'Triwulan 1 2024', 'Quarter 1 2024', 'I/2024'; a date as ISO or '17/05/2024'
or '17 Mei 2024' (commitments/imports/values.parse_date)."""
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from rakor.commitments.imports.values import parse_date
from rakor.core.formatting import format_date_medium

ROMAN = ("I", "II", "III", "IV")
_ROMAN_VALUE = {r: i + 1 for i, r in enumerate(ROMAN)}
_QUARTER_WORDS = r"(?:triwulan|tw|trw|quarter|kuartal|q)"
_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})\s*-?\s*q(?P<q>[1-4])$"),
    re.compile(rf"^{_QUARTER_WORDS}\.?\s*-?\s*(?P<q>[1-4]|iv|iii|ii|i)\s*[-/ ]?\s*(?P<year>\d{{4}})$"),
    re.compile(r"^(?P<q>iv|iii|ii|i)\s*[-/ ]\s*(?P<year>\d{4})$"),
)


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # "quarter" or "date"
    start: date
    end: date

    @property
    def year(self):
        return self.start.year

    @property
    def quarter(self):
        return (self.start.month - 1) // 3 + 1

    @property
    def quarter_index(self):
        """year * 4 + quarter - 1: consecutive quarters are consecutive integers."""
        return self.year * 4 + self.quarter - 1

    def label(self, locale=None):
        if self.kind == "quarter":
            return str(_l("Quarter %(q)s %(year)d", q=ROMAN[self.quarter - 1], year=self.year))
        return format_date_medium(self.start, locale)

    def label_id(self):
        """The Indonesian name documents and exports use whatever the reader's language."""
        if self.kind == "quarter":
            return f"Triwulan {ROMAN[self.quarter - 1]} {self.year}"
        return format_date_medium(self.start, "id")

    def __str__(self):
        return self.key


@lru_cache(maxsize=1024)
def quarter(year, q) -> Period:
    """Kept, like `_parse_text`: a Period is immutable, and checking a row asks for the current
    quarter (an import: thousands of times the same)."""
    start = date(year, 3 * q - 2, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return Period(f"{year}-Q{q}", "quarter", start, end)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def from_index(index: int) -> Period:
    return quarter(index // 4, index % 4 + 1)


def single_day(day: date) -> Period:
    return Period(day.isoformat(), "date", day, day)


def previous(period: Period) -> Period:
    return from_index(quarter_of(period.start).quarter_index - 1)


def parse_period(text) -> Period:
    """A Period, or ValueError for text that names none."""
    if isinstance(text, Period):
        return text
    if isinstance(text, date):
        return single_day(text)
    return _parse_text(str(text or ""))


@lru_cache(maxsize=1024)
def _parse_text(text) -> Period:
    """Kept: an import names the same few periods on thousands of rows (twice each: checked, then
    written), and a Period is immutable."""
    s = re.sub(r"\s+", " ", str(text or "").strip().lower())
    for pattern in _PATTERNS:
        match = pattern.match(s)
        if match:
            q = match.group("q")
            q = int(q) if q.isdigit() else _ROMAN_VALUE[q.upper()]
            year = int(match.group("year"))
            if not 2000 <= year <= 2100:
                raise ValueError(text)
            return quarter(year, q)
    day = parse_date(s)
    if not 2000 <= day.year <= 2100:
        raise ValueError(text)
    return single_day(day)


def quarters_between(first: Period, last: Period) -> list[Period]:
    """Every quarter from `first`'s to `last`'s, both included."""
    return [from_index(i) for i in range(quarter_of(first.start).quarter_index,
                                         quarter_of(last.start).quarter_index + 1)]
