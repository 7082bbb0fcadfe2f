"""Official baseline values of indicators (BPS, SSGI/SKI, e-PPGBM...) per region and year: the
one reader of a baseline file, shared by the admin's upload page (rakor/admin/baselines.py,
through `core.tabular.flow.ImportFlow`) and `flask --app wsgi indicators load FILE`, and the
edit of one value.

File: CSV (';' or ',' or tab) or XLSX; header required, Indonesian or English names:
region code (kode wilayah: Kemendagri '63.02' or BPS '6302'); indicator code (kode indikator:
KEMISKINAN, STUNTING, IPM, SPM, or the indicator's name); year (tahun); value (nilai, '6,25' or
'6.25'); source (sumber, optional: the indicator's usual source).

All or nothing: one bad row and nothing is written (`preview` reports every row; `commit` takes
only a valid report). Idempotent: loading the same file again changes nothing; a new value for
the same region, indicator and year replaces the old one.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.commitments.models import IndicatorBaseline
from rakor.core import tabular
from rakor.core.errors import DomainError
from rakor.core.numbers import NumberFormatError, parse_decimal
from rakor.core.tabular import (
    Column,
    ColumnSpec,
    ImportReport,
    Lookup,
    RowResult,
    Table,
    normalize_region_code,
)
from rakor.extensions import db
from rakor.meetings.models import Topic
from rakor.regions.models import Region

STAGING_KIND = "baselines"
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_VALUE = Decimal(10) ** 10  # Numeric(14, 4)
MAX_SOURCE = 200

SPEC = ColumnSpec(
    columns=(
        Column("region", _l("Region code"),
               frozenset({"region code", "region", "kode wilayah", "wilayah", "kode_wilayah", "region_code",
                          "kode daerah", "kode kemendagri", "kode bps", "kode kab/kota"})),
        Column("indicator", _l("Indicator code"),
               frozenset({"indicator code", "indicator", "kode indikator", "indikator", "indicator_code"})),
        Column("year", _l("Year"), frozenset({"year", "tahun"})),
        Column("value", _l("Value"), frozenset({"value", "nilai"})),
        Column("source", _l("Source"), frozenset({"source", "sumber", "sumber data"})),
    ),
    required=("region", "indicator", "year", "value"),
    min_columns=4,
    ignore=frozenset({"no", "nomor", "#", "nama wilayah", "region name", "kabupaten/kota", "satuan", "unit"}),
    no_header=_l("No header row found. The first row must name the columns: kode wilayah; kode indikator; "
                 "tahun; nilai; sumber (region code; indicator code; year; value; source)."),
    no_rows=_l("The file has column headers but no baseline values."),
)


@dataclass
class BaselineRow(RowResult):
    """A row and what loading it does: add a value (`baseline` None), replace one, or nothing."""

    region: Region | None = None
    indicator: Topic | None = None
    baseline: IndicatorBaseline | None = None
    action: str = "create"  # create, update, unchanged


@dataclass
class BaselineReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def parse_year(text):
    """'2023' (also '2023.0' from a spreadsheet number) -> 2023; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:[.,]0+)?", (text or "").strip())
    if not match or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise ValueError(text)
    return int(match.group(1))


def parse_value(text) -> Decimal:
    """'6,25' or '6.25' -> Decimal('6.25'); NumberFormatError otherwise or when too large."""
    value = parse_decimal(text)
    if abs(value) >= MAX_VALUE:
        raise NumberFormatError(text)
    return value


YEAR_MESSAGE = _l("Write a year between %(low)d and %(high)d, e.g. 2023.", low=MIN_YEAR, high=MAX_YEAR)
VALUE_MESSAGE = _l("Write a number, e.g. 6,25.")
SOURCE_MESSAGE = _l("The source is longer than %(n)d characters.", n=MAX_SOURCE)


class _Context:
    """Regions, indicators and the existing values, loaded once (three queries)."""

    def __init__(self):
        self.regions = {}
        for region in db.session.scalars(select(Region)):
            self.regions[("kemendagri", region.kemendagri_code)] = region
            if region.bps_code:
                self.regions[("bps", region.bps_code)] = region
        indicators = db.session.scalars(select(Topic).where(Topic.is_indicator).order_by(Topic.code)).all()
        self.known = ", ".join(t.code for t in indicators)
        self.indicators = Lookup(indicators, names=lambda t: (t.name, t.name_en), codes=lambda t: [t.code])
        self.existing = {(b.region_id, b.topic_id, b.year): b for b in db.session.scalars(select(IndicatorBaseline))}
        self.seen = {}


def validate(table: Table, filename=None) -> ImportReport:
    report = tabular.new_report(SPEC, table, filename=filename)
    if report.file_errors:
        return report
    context = _Context()
    for row in tabular.data_rows(report, table, BaselineRow):
        _validate_row(row, context)
    return report


def _validate_row(row: BaselineRow, context: _Context):
    values = row.values
    region_text = values.get("region", "")
    code = normalize_region_code(region_text)
    row.region = context.regions.get(code) if code else None
    if not region_text:
        row.errors["region"] = _l("The region code is required.")
    elif row.region is None:
        row.errors["region"] = _l("Unknown region code \"%(code)s\"; write the Kemendagri code (63.02) or the "
                                  "BPS code (6302).", code=region_text)
    indicator_text = values.get("indicator", "")
    found = context.indicators.exact(indicator_text) if indicator_text else []
    if len(found) == 1:
        row.indicator = found[0]
    elif not indicator_text:
        row.errors["indicator"] = _l("The indicator code is required.")
    else:
        row.errors["indicator"] = _l("Unknown indicator \"%(text)s\" (known: %(known)s).", text=indicator_text,
                                     known=context.known)
    year = value = None
    try:
        year = parse_year(values.get("year", ""))
    except ValueError:
        row.errors["year"] = YEAR_MESSAGE
    try:
        value = parse_value(values.get("value", ""))
    except NumberFormatError:
        row.errors["value"] = _l("The value is required.") if not values.get("value") else VALUE_MESSAGE
    source = values.get("source") or ""
    if len(source) > MAX_SOURCE:
        row.errors["source"] = SOURCE_MESSAGE
    if row.region is None or row.indicator is None or year is None:
        return
    key = (row.region.id, row.indicator.id, year)
    if key in context.seen:
        row.errors["year"] = _l("The same region, indicator and year are already on line %(line)d.",
                                line=context.seen[key])
    context.seen.setdefault(key, row.line)
    if row.errors:
        return
    source = source or row.indicator.default_source
    row.data = (key, value, source)
    row.baseline = context.existing.get(key)
    if row.baseline is None:
        row.action = "create"
    elif row.baseline.value != value or row.baseline.source != source or row.baseline.is_demo:
        row.action = "update"
    else:
        row.action = "unchanged"


def preview(content: bytes, filename=None, max_rows=5000) -> ImportReport:
    """Read and check a baseline file; never raises for a bad file, writes nothing."""
    return tabular.preview(SPEC, content, lambda table: validate(table, filename), filename=filename,
                           max_rows=max_rows)


def commit(report: ImportReport, *, is_demo=False) -> BaselineReport:
    """Write every row of a valid report (the caller commits; on an error it rolls back)."""
    outcome = BaselineReport()

    def write(row: BaselineRow):
        (region_id, topic_id, year), value, source = row.data
        current = db.session.scalar(select(IndicatorBaseline).where(
            IndicatorBaseline.region_id == region_id, IndicatorBaseline.topic_id == topic_id,
            IndicatorBaseline.year == year)) if row.baseline is None else row.baseline
        if current is None:
            current = IndicatorBaseline(region_id=region_id, topic_id=topic_id, year=year, value=value,
                                        source=source, is_demo=is_demo)
            db.session.add(current)
            outcome.created += 1
        elif current.value != value or current.source != source or current.is_demo != is_demo:
            current.value, current.source, current.is_demo = value, source, is_demo
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        return current

    tabular.commit_rows(report, write)
    db.session.flush()
    return outcome


def import_file(content: bytes, *, filename=None, max_rows=5000, is_demo=False):
    """Preview and, when every row is valid, commit: (report, outcome or None). Does not commit."""
    report = preview(content, filename, max_rows)
    if not report.ok:
        return report, None
    return report, commit(report, is_demo=is_demo)


# --- one value -----------------------------------------------------------------------------------

def update_baseline(baseline: IndicatorBaseline, value: Decimal, source: str | None) -> IndicatorBaseline:
    """Correct one official value (and its source). A value typed by the admin is no longer a
    demo value."""
    if value is None:
        raise DomainError(_l("The value is required."), field="value")
    if abs(value) >= MAX_VALUE:
        raise DomainError(_l("This value is too large."), field="value")
    source = (source or "").strip() or None
    if source is not None and len(source) > MAX_SOURCE:
        raise DomainError(SOURCE_MESSAGE, field="source")
    baseline.value, baseline.source, baseline.is_demo = value, source, False
    db.session.flush()
    return baseline
