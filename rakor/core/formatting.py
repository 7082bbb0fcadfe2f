"""Indonesian-first formatting of dates, times, numbers and money (Babel, CLDR data).

Used by page templates (as Jinja filters, in the reader's language) and by PDFs (always in
the document's language, Indonesian by default). Every function takes an explicit `locale`
so documents never depend on who happens to render them.
"""
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask.globals import _cv_app

DEFAULT_TZ = "Asia/Makassar"
# Indonesians name their three zones the same way whatever language the page is in.
INDONESIAN_ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def current_locale():
    """The reader's locale name ('id', 'en'); 'id' outside a request.

    Pages call this for every formatted cell (a commitment list: ~300 times): Flask-Babel's own
    `get_locale()` walks `g` through its proxy and names the Locale again on each call, about a
    tenth of a list page's CPU. The Locale Flask-Babel chose for this context (`force_locale`
    too) is read straight from the app context's `g`; only the first call asks Flask-Babel."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        ns = app_ctx.g.__dict__.get("_flask_babel")
        if ns is not None:
            found = ns.__dict__
            loc = found.get("babel_locale")
            if loc is not None:
                named = found.get("rakor_locale_name")
                if named is None or named[0] is not loc:  # force_locale sets another Locale
                    named = ns.rakor_locale_name = (loc, str(loc))
                return named[1]
    try:
        from flask_babel import get_locale

        loc = get_locale()
        return str(loc) if loc else "id"
    except (RuntimeError, KeyError):
        return "id"


@lru_cache(maxsize=16)
def _babel_locale(name):
    # Babel parses a locale name on every call (~30 us) and the meeting page formats ~80 values.
    return Locale.parse(name)


def is_valid_timezone(name):
    if not name or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES = None


def _zone_names():
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def to_zone(value: datetime, tz_name: str | None = None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz_name or DEFAULT_TZ))


def zone_abbreviation(tz_name: str | None, at: datetime | None = None, locale=None) -> str:
    tz_name = tz_name or DEFAULT_TZ
    if tz_name in INDONESIAN_ZONE_ABBREVIATIONS:
        return INDONESIAN_ZONE_ABBREVIATIONS[tz_name]
    at = at or datetime.now(UTC)
    return to_zone(at, tz_name).tzname() or tz_name


def format_date_long(value, locale=None) -> str:
    """'Kamis, 1 Februari 2024' / 'Thursday, 1 February 2024'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _format_date(value, "EEEE, d MMMM y", locale or current_locale())


def format_date_medium(value, locale=None) -> str:
    """'1 Februari 2024'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _format_date(value, "d MMMM y", locale or current_locale())


@lru_cache(maxsize=1024)
def _format_date(value, pattern, loc):
    # Pure; a page repeats the same few dates (the meeting's day in its header, agenda, panels).
    return babel_dates.format_date(value, pattern, locale=_babel_locale(loc))


def format_time(value: datetime, tz_name=None, locale=None, with_zone=True) -> str:
    """'08.30 WITA' in Indonesian, '08:30 WITA' in English."""
    if value is None:
        return ""
    return _format_time(value, tz_name, locale or current_locale(), with_zone)


@lru_cache(maxsize=4096)
def _format_time(value, tz_name, loc, with_zone):
    # Pure (aware datetimes compare by instant, and the zone is part of the key); the meeting
    # page formats two times per agenda item and Babel takes ~15 us a time.
    local = to_zone(value, tz_name)
    text = babel_dates.format_time(local, "HH.mm" if loc == "id" else "HH:mm", locale=_babel_locale(loc))
    return f"{text} {zone_abbreviation(tz_name, value, loc)}" if with_zone else text


def format_datetime_local(value: datetime, tz_name=None, locale=None) -> str:
    """'Kamis, 1 Februari 2024 pukul 08.30 WITA' / 'Thursday, 1 February 2024 at 08:30 WITA'."""
    if value is None:
        return ""
    loc = locale or current_locale()
    local = to_zone(value, tz_name)
    joiner = "pukul" if loc == "id" else "at"
    return f"{format_date_long(local.date(), loc)} {joiner} {format_time(value, tz_name, loc)}"


def format_rupiah(value, locale=None) -> str:
    """'Rp 1.250.000.000' (no fraction: Rupiah amounts are whole)."""
    if value is None:
        return ""
    return _format_rupiah(Decimal(value), locale or current_locale())


@lru_cache(maxsize=4096)
def _format_rupiah(value, loc):
    # Pure; Babel takes ~100 us an amount and a commitment list shows two per row.
    return babel_numbers.format_currency(value, "IDR", format="¤ #,##0", locale=_babel_locale(loc),
                                         currency_digits=False)


def format_number(value, decimals=None, locale=None) -> str:
    """'2,44' in Indonesian; integers with '.' as thousands separator."""
    if value is None:
        return ""
    if decimals is None and type(value) is int and 0 <= value < 1000:
        # No grouping and the same digits in every language we serve: the counts of the
        # participants table (about 60 per meeting page) need no locale lookup.
        return str(value)
    return _format_number(type(value), value, decimals, locale or current_locale())


@lru_cache(maxsize=4096)
def _format_number(_type, value, decimals, loc):
    # A pure function of its arguments (the type is part of the key so 1, 1.0 and True stay
    # apart); pages show the same small counts many times and Babel takes ~100 us per number.
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=_babel_locale(loc))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_babel_locale(loc))


def format_percent(value, decimals=2, locale=None) -> str:
    """'2,44%' for a value already in percent: the sign follows the number without a space, as
    Indonesian official writing (and English) has it."""
    if value is None:
        return ""
    return with_unit(format_number(value, decimals, locale), "%")


def with_unit(number_text, unit) -> str:
    """'6,25' and '%' -> '6,25%'; '67,40' and 'poin' -> '67,40 poin'; no unit: the number."""
    if not unit:
        return number_text
    return f"{number_text}{unit}" if unit == "%" else f"{number_text} {unit}"


def format_nip(nip) -> str:
    """'196805121993031007' -> '19680512 199303 1 007' (birth date, appointment, sex, number),
    as civil-service documents write it. Anything that is not 18 digits stays as it is."""
    if not nip or len(nip) != 18 or not nip.isdigit():
        return nip or ""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


FILTERS = {
    "nip": format_nip,
    "date_long": format_date_long,
    "date_medium": format_date_medium,
    "time_local": format_time,
    "datetime_local": format_datetime_local,
    "rupiah": format_rupiah,
    "number": format_number,
    "percent": format_percent,
    "to_zone": to_zone,
    "zone_abbr": zone_abbreviation,
}


def isoformat_local(value: datetime, tz_name=None) -> str:
    return to_zone(value, tz_name).strftime("%Y-%m-%d %H:%M")


def parse_local(text: str, tz_name: str) -> datetime:
    """'2024-02-01 08:30' in the given zone -> aware UTC datetime. Raises ValueError."""
    naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def local_date(value: datetime, tz_name=None) -> date:
    return to_zone(value, tz_name).date()
