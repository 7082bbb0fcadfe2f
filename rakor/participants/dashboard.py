"""The committee's dashboard panel of the check-in desks (templates/participants/_dashboard_panel.html):
the meetings held around today with how many are present, the first and last desk time (synced
offline marks count with the time they were made at the desk), how many marks came from offline
desks and how many need checking. Registered by `rakor.participants.init_app`."""
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import bindparam, select

from rakor.auth import tenancy
from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.meetings.rules import NOW, kept_visible_condition
from rakor.participants.queries import desk_days
from rakor.policy import COMMITTEE

TEMPLATE = "participants/_dashboard_panel.html"
AROUND = timedelta(hours=12)  # a meeting held this close to now has its desk on the panel


def checkin_panel(user, now=None):
    if getattr(user, "role", None) != COMMITTEE:
        return None
    now = now or utcnow()
    meetings = db.session.scalars(_around_today_statement(tenancy.sight(user)), {
        NOW: now, "starts_by": now + AROUND, "ends_from": now - AROUND}).all()
    if not meetings:
        return None
    days = desk_days([m.id for m in meetings])
    return {"checkin_days": [(m, days[m.id]) for m in meetings]}


@lru_cache(maxsize=512)
def _around_today_statement(sight):
    # Only the meetings the committee manages (meeting.view): another organizer's desks are not
    # its business. On every committee home page: kept per sight, the times bind parameters.
    return (select(Meeting).where(kept_visible_condition(sight), Meeting.starts_at <= bindparam("starts_by"),
                                  Meeting.ends_at >= bindparam("ends_from"), Meeting.status != "cancelled")
            .order_by(Meeting.starts_at, Meeting.id).limit(5))


def panel_reads(user):
    """What the panel shows (rakor/main/dashboard.py): the meetings and their participants' marks."""
    if getattr(user, "role", None) != COMMITTEE:
        return ()
    return (page_cache.ALL_MEETINGS, page_cache.all_meetings_scope(page_cache.PARTICIPANTS))
