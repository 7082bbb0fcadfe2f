"""Official baseline values of indicators, loaded from a CSV file:
`flask --app wsgi indicators load FILE.csv`.

Columns (header required; Indonesian names accepted; ';' or ',' separated):
region code (kode wilayah, Kemendagri '63.02' or BPS '6302'); indicator code (kode indikator:
KEMISKINAN, STUNTING, IPM, SPM); year (tahun); value (nilai, '6,25' or '6.25'); source (sumber).
All or nothing: one bad row and nothing is written. Idempotent: loading the same file again
changes nothing; a new value for the same region, indicator and year replaces the old one.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from rakor.commitments.models import IndicatorBaseline
from rakor.core.errors import DomainError
from rakor.core.numbers import NumberFormatError, parse_decimal
from rakor.core.text import clean_text
from rakor.extensions import db
from rakor.meetings.models import Topic
from rakor.regions.models import Region

HEADERS = {
    "region": ("region code", "region", "kode wilayah", "wilayah", "kode_wilayah", "region_code"),
    "indicator": ("indicator code", "indicator", "kode indikator", "indikator", "indicator_code"),
    "year": ("year", "tahun"),
    "value": ("value", "nilai"),
    "source": ("source", "sumber"),
}


class BaselineFileError(DomainError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class BaselineReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)


def _columns(fieldnames):
    found = {}
    for raw in fieldnames or []:
        name = " ".join((raw or "").strip().lower().replace("_", " ").split())
        for key, aliases in HEADERS.items():
            if name in {a.replace("_", " ") for a in aliases}:
                found[key] = raw
    missing = [k for k in ("region", "indicator", "year", "value") if k not in found]
    if missing:
        raise BaselineFileError([f"missing column(s): {', '.join(missing)} (expected: region code; "
                                 "indicator code; year; value; source)"])
    return found


def read_baselines(data: bytes):
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = _columns(reader.fieldnames)
    rows = []
    for line, raw in enumerate(reader, start=2):
        row = {key: clean_text(raw.get(col) or "").strip() for key, col in columns.items()}
        if any(row.values()):
            rows.append((line, row))
    return rows


def load_baselines(rows, *, is_demo=False) -> BaselineReport:
    """Validate every row, then upsert; raises BaselineFileError (nothing written) on any bad row."""
    regions = {}
    for r in db.session.scalars(select(Region)):
        regions[r.kemendagri_code] = r
        if r.bps_code:
            regions[r.bps_code] = r
    indicators = {t.code.upper(): t for t in db.session.scalars(select(Topic).where(Topic.is_indicator))}
    errors, parsed, seen = [], [], {}
    for line, row in rows:
        region = regions.get(row["region"])
        indicator = indicators.get(row["indicator"].upper())
        if region is None:
            errors.append(f"line {line}: unknown region code {row['region']!r}")
        if indicator is None:
            errors.append(f"line {line}: unknown indicator {row['indicator']!r} "
                          f"(known: {', '.join(sorted(indicators))})")
        try:
            year = int(row["year"])
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors.append(f"line {line}: year {row['year']!r} is not a year between 1990 and 2100")
            year = None
        try:
            value = parse_decimal(row["value"])
            if abs(value) >= 10**10:
                raise NumberFormatError(row["value"])
        except NumberFormatError:
            errors.append(f"line {line}: value {row['value']!r} is not a number")
            value = None
        if region and indicator and year:
            key = (region.id, indicator.id, year)
            if key in seen:
                errors.append(f"line {line}: the same region, indicator and year as line {seen[key]}")
            seen[key] = line
            parsed.append((key, value, row.get("source") or indicator.default_source))
    if errors:
        raise BaselineFileError(errors)
    report = BaselineReport()
    keys = [k for k, _v, _s in parsed]
    existing = {}
    if keys:
        for b in db.session.scalars(select(IndicatorBaseline).where(or_(*(
                (IndicatorBaseline.region_id == r) & (IndicatorBaseline.topic_id == t)
                & (IndicatorBaseline.year == y) for r, t, y in keys)))):
            existing[(b.region_id, b.topic_id, b.year)] = b
    for (region_id, topic_id, year), value, source in parsed:
        current = existing.get((region_id, topic_id, year))
        if current is None:
            db.session.add(IndicatorBaseline(region_id=region_id, topic_id=topic_id, year=year,
                                             value=value, source=source, is_demo=is_demo))
            report.created += 1
        elif current.value != value or current.source != source or current.is_demo != is_demo:
            current.value, current.source, current.is_demo = value, source, is_demo
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report


@dataclass
class IndicatorData:
    FIELDS = ("code", "name", "name_en", "is_indicator", "unit", "direction", "decimals", "default_source")

    code: str
    name: str
    name_en: str | None = None
    is_indicator: bool = False
    unit: str | None = None
    direction: str | None = None
    decimals: int | None = 2
    default_source: str | None = None


def save_indicator(topic: Topic | None, data: IndicatorData) -> Topic:
    """Create (topic None) or change a topic/indicator. A numeric indicator needs a unit and a
    direction (lower or higher is better): percent achieved depends on it."""
    code = re.sub(r"\s+", "_", (data.code or "").strip().upper())
    if not re.fullmatch(r"[A-Z0-9_.-]{1,40}", code):
        raise DomainError(_l("A code is letters, digits and _ . - only, e.g. KEMISKINAN."), field="code")
    other = db.session.scalar(select(Topic).where(Topic.code == code))
    if other is not None and other is not topic:
        raise DomainError(_l("Another indicator has this code."), field="code")
    direction = data.direction or None
    if direction not in (None, "lower", "higher"):
        raise DomainError(_l("Choose a direction."), field="direction")
    if data.is_indicator and (direction is None or not (data.unit or "").strip()):
        raise DomainError(_l("A numeric indicator needs a unit and a direction."), field="direction")
    if topic is None:
        topic = Topic()
        db.session.add(topic)
    topic.code, topic.name = code, data.name.strip()
    topic.name_en = (data.name_en or "").strip() or None
    topic.is_indicator = bool(data.is_indicator)
    topic.unit = (data.unit or "").strip() or None
    topic.direction = direction if data.is_indicator else None
    topic.decimals = 2 if data.decimals is None else data.decimals
    topic.default_source = (data.default_source or "").strip() or None
    db.session.flush()
    return topic
