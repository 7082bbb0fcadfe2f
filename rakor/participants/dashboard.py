"""The committee's dashboard panel of the check-in desks (templates/participants/_dashboard_panel.html):
the meetings held around today with how many are present, the first and last desk time (synced
offline marks count with the time they were made at the desk), how many marks came from offline
desks and how many need checking. Registered by `rakor.participants.init_app`."""
from datetime import timedelta

from sqlalchemy import select

from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.queries import desk_days
from rakor.policy import COMMITTEE

TEMPLATE = "participants/_dashboard_panel.html"


def checkin_panel(user, now=None):
    if getattr(user, "role", None) != COMMITTEE:
        return None
    now = now or utcnow()
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.starts_at <= now + timedelta(hours=12), Meeting.ends_at >= now - timedelta(hours=12),
                              Meeting.status != "cancelled")
        .order_by(Meeting.starts_at, Meeting.id).limit(5)).all()
    if not meetings:
        return None
    days = desk_days([m.id for m in meetings])
    return {"checkin_days": [(m, days[m.id]) for m in meetings]}
