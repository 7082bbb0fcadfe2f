from datetime import UTC, date, datetime
from decimal import Decimal

from rakor.core.formatting import (
    format_date_long,
    format_datetime_local,
    format_number,
    format_percent,
    format_rupiah,
    format_time,
    parse_local,
    with_unit,
    zone_abbreviation,
)


def test_indonesian_long_date():
    assert format_date_long(date(2024, 2, 1), locale="id") == "Kamis, 1 Februari 2024"
    assert format_date_long(date(2024, 2, 1), locale="en") == "Thursday, 1 February 2024"


def test_rupiah_is_consistent():
    assert format_rupiah(Decimal("1250000000"), locale="id") == "Rp 1.250.000.000"
    assert format_rupiah(0, locale="id") == "Rp 0"


def test_decimal_comma():
    assert format_number(2.44, locale="id") == "2,44"
    assert format_number(Decimal("6.25"), 2, locale="id") == "6,25"
    assert format_number(1250000, locale="id") == "1.250.000"
    assert format_percent(Decimal("2.44"), locale="id") == "2,44%"


def test_percent_sign_follows_the_number_other_units_stand_apart():
    """Issue 17: '6,25 %' was written with a space; '67,40 poin' keeps its space."""
    assert format_percent(Decimal("6.25"), locale="id") == "6,25%"
    assert with_unit("6,25", "%") == "6,25%"
    assert with_unit("67,40", "poin") == "67,40 poin"
    assert with_unit("0,6512", None) == "0,6512"


def test_times_shown_in_the_meeting_zone_with_abbreviation():
    start = datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
    assert format_time(start, "Asia/Makassar", locale="id") == "08.30 WITA"
    assert format_time(start, "Asia/Jakarta", locale="id") == "07.30 WIB"
    assert format_time(start, "Asia/Jayapura", locale="en") == "09:30 WIT"
    assert format_datetime_local(start, "Asia/Makassar", locale="id") == "Kamis, 1 Februari 2024 pukul 08.30 WITA"
    assert format_datetime_local(start, "Asia/Makassar", locale="en") == "Thursday, 1 February 2024 at 08:30 WITA"
    assert zone_abbreviation("Europe/Amsterdam", start) == "CET"


def test_parse_local_stores_utc():
    assert parse_local("2024-02-01 08:30", "Asia/Makassar") == datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
