"""What each role sees first. Later features add their panels through `PANELS`."""
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.policy import ADMIN
from rakor.regions.models import Agency, Region

# Callables (user) -> dict merged into the dashboard's context; features register here.
PANELS = []


def panel(fn):
    PANELS.append(fn)
    return fn


def dashboard_context(user):
    context = {}
    if user.role == ADMIN:  # reference-data counters matter to the administrator only
        context["region_count"] = db.session.scalar(select(func.count(Region.id)))
        context["agency_count"] = db.session.scalar(select(func.count(Agency.id)))
    for fn in PANELS:
        context.update(fn(user))
    return context
