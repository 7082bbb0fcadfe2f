"""The dates Rakor accepts: 1 January 2000 to 31 December 2100, in local time.

Every date or time typed into a form (BaseForm checks each date field) or handed to a service
(meetings check theirs) must lie in this range. Outside it nothing is meaningful for a
coordination meeting, and near the ends of Python's calendar (year 1, year 9999) converting a
local time to UTC, adding a day or writing a calendar file overflows.
"""
from datetime import date, datetime
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def out_of_range_message(first=FIRST_DAY, last=LAST_DAY):
    return _l("Enter a date between the years %(first)d and %(last)d.", first=first.year, last=last.year)


def is_supported(value, first=FIRST_DAY, last=LAST_DAY) -> bool:
    """A date or datetime (naive local, or aware: its own local date) within the range; None and
    values without a date (a time of day) pass."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return True
    return first <= value <= last


def check_supported(value, field=None):
    """For services: DomainError on `field` when `value` lies outside the range."""
    if not is_supported(value):
        raise DomainError(out_of_range_message(), field=field)


@lru_cache(maxsize=32)
def national_days_off(year) -> dict:
    """Indonesia's national holidays and cuti bersama of `year` (the `holidays` package: public
    and government categories), named in Indonesian. Pure function of the year: cached."""
    return dict(holidays.country_holidays("ID", years=year, categories=("public", "government"),
                                          language="id"))


def day_off_note(day) -> str | None:
    """Why `day` (a date or datetime) is no working day: the holiday's name, or Saturday/Sunday;
    None on a working day. For hints beside a date a committee picks."""
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date) or not is_supported(day):
        return None
    name = national_days_off(day.year).get(day)
    if name:
        return str(_l("a holiday: %(name)s", name=name))
    if day.weekday() == 6:
        return str(_l("a Sunday"))
    if day.weekday() == 5:
        return str(_l("a Saturday"))
    return None
