"""The dashboard panel with the user's next meetings (templates/meetings/_dashboard_panel.html),
registered by `rakor.meetings.init_app`."""
from rakor.meetings.queries import upcoming_or_recent

TEMPLATE = "meetings/_dashboard_panel.html"


def upcoming_meetings_panel(user):
    upcoming, recent = upcoming_or_recent(user, limit=5)  # one query
    # Nothing coming up: the latest past meetings rather than an empty card.
    return {"upcoming_meetings": upcoming, "recent_meetings": [] if upcoming else recent}
