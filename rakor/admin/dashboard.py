"""The administrator's dashboard panel: counters of the reference data (regions, agencies)."""
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.policy import ADMIN
from rakor.regions.models import Agency, Region

TEMPLATE = "admin/_dashboard_panel.html"


def reference_data_panel(user):
    if user.role != ADMIN:  # reference data matters to the administrator only
        return None
    return {"region_count": db.session.scalar(select(func.count(Region.id))),
            "agency_count": db.session.scalar(select(func.count(Agency.id)))}
