"""The meeting list and the month calendar: the meetings the user may see."""
import calendar as pycalendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from flask import render_template, request
from flask_login import current_user

from rakor.core.formatting import DEFAULT_TZ, current_locale, local_date, to_zone
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings import bp, queries
from rakor.policy import authenticated

PER_PAGE = 20


@bp.route("/")
@authenticated
def index():
    """Visible meetings, filtered and paginated, grouped by month of their local start."""
    filters = queries.MeetingFilters.from_args(request.args)
    page = db.paginate(queries.list_statement(current_user, filters), per_page=PER_PAGE,
                       error_out=False, max_per_page=PER_PAGE)
    organizers = queries.organizers_of_visible(current_user)
    groups = []
    for meeting in page.items:
        local = to_zone(meeting.starts_at, meeting.timezone)
        key = (local.year, local.month)
        if not groups or groups[-1][0] != key:
            groups.append((key, babel_format_date(local.date(), "LLLL y", locale=current_locale()), []))
        groups[-1][2].append(meeting)
    # An empty "upcoming" list with no filter set shows the latest past meetings below it.
    unfiltered = not (filters.kind or filters.organizer_id or filters.year or filters.q)
    recent = (queries.recent_for(current_user, limit=5)
              if filters.scope == "upcoming" and not page.items and unfiltered else [])
    return render_template("meetings/list.html", page=page, groups=groups, filters=filters,
                           organizers=organizers, recent=recent)


def _parse_month(value):
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    today = to_zone(utcnow(), DEFAULT_TZ).date()
    return today.year, today.month


def _meetings_in_month(by_day, year, month):
    found = {}
    for day, meetings in by_day.items():
        if (day.year, day.month) == (year, month):
            for m in meetings:
                found.setdefault(m.id, m)
    return sorted(found.values(), key=lambda m: (m.starts_at, m.id))


@bp.route("/calendar")
@authenticated
def calendar():
    """A month of visible meetings, each on every local day it spans."""
    year, month = _parse_month(request.args.get("month"))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    tz = ZoneInfo(DEFAULT_TZ)
    # A day more on each side: meetings in other zones may fall on a neighbouring local day.
    start = datetime.combine(weeks[0][0] - timedelta(days=1), time(), tz)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=2), time(), tz)
    by_day = defaultdict(list)
    for meeting in queries.meetings_between(current_user, start, end):
        day = local_date(meeting.starts_at, meeting.timezone)
        last = local_date(meeting.ends_at, meeting.timezone)
        while day <= last:
            by_day[day].append(meeting)
            day += timedelta(days=1)
    first = date(year, month, 1)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")
    loc = current_locale()
    day_names = get_day_names("abbreviated", locale=loc)
    return render_template(
        "meetings/calendar.html", weeks=weeks, by_day=by_day, month=month, year=year,
        title=babel_format_date(first, "LLLL y", locale=loc),
        day_names=[day_names[i] for i in range(7)], prev_month=prev_month, next_month=next_month,
        today=to_zone(utcnow(), DEFAULT_TZ).date(),
        month_meetings=_meetings_in_month(by_day, year, month),
    )
