"""The dashboard panel with the user's next meetings (templates/meetings/_dashboard_panel.html),
registered by `rakor.meetings.init_app`."""
from rakor.meetings.queries import upcoming_for

TEMPLATE = "meetings/_dashboard_panel.html"


def upcoming_meetings_panel(user):
    return {"upcoming_meetings": upcoming_for(user, limit=5)}
