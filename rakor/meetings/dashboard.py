"""The dashboard panel with the user's next meetings (templates/meetings/_dashboard_panel.html),
registered by `rakor.meetings.init_app`."""
from rakor.meetings.queries import recent_for, upcoming_for

TEMPLATE = "meetings/_dashboard_panel.html"


def upcoming_meetings_panel(user):
    upcoming = upcoming_for(user, limit=5)
    # Nothing coming up: the latest past meetings rather than an empty card.
    return {"upcoming_meetings": upcoming, "recent_meetings": [] if upcoming else recent_for(user, limit=5)}
