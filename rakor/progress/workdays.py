"""Working days and reporting deadlines. Regency offices report a quarter within 10 working days
after it ends (PP 39/2006); a working day is Monday to Friday except Indonesia's national
holidays and cuti bersama (the `holidays` package: public and government categories) and the
local holidays the committee adds (LocalHoliday).

A quarter is *due* once its deadline has passed: `due_quarter(today)` is the latest such
quarter, the same for every commitment, which lets the overdue rule run as one SQL query."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rakor.core.dates import national_days_off
from rakor.core.formatting import local_date
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.progress import periods
from rakor.progress.models import LocalHoliday

REPORTING_WORKING_DAYS = 10
REPORTING_ZONE = "Asia/Makassar"


_national = national_days_off  # one holiday calendar for the app (core/dates.py)


def national_holidays(first_year, last_year) -> dict[date, str]:
    days = {}
    for year in range(first_year, last_year + 1):
        days.update(_national(year))
    return days


def local_holidays() -> dict[date, str]:
    """The committee's local holidays (1 query)."""
    return dict(db.session.execute(select(LocalHoliday.day, LocalHoliday.name)).all())


class Calendar:
    """Days off for deciding deadlines; national ones per year, local ones given once."""

    def __init__(self, local: dict | None = None):
        self.local = local if local is not None else local_holidays()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _national(day.year) and day not in self.local

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day`."""
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_before(self, day: date, n: int) -> date:
        """The n-th working day before `day`."""
        while n > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def deadline(self, period: periods.Period) -> date:
        """The last day to report on a quarter: its 10th working day after the end."""
        return self.add_working_days(period.end, REPORTING_WORKING_DAYS)

    def due_quarter(self, today: date) -> periods.Period:
        """The latest quarter whose deadline lies before `today`."""
        candidate = periods.previous(periods.quarter_of(today))
        while self.deadline(candidate) >= today:
            candidate = periods.previous(candidate)
        return candidate


def today() -> date:
    return local_date(utcnow(), REPORTING_ZONE)


def next_midnight(now=None):
    """The UTC instant the reporting zone's date changes next (what `today()` answers)."""
    zone = ZoneInfo(REPORTING_ZONE)
    local = (now or utcnow()).astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(), zone).astimezone(UTC)
