"""The dashboard panel with the user's next meetings (templates/meetings/_dashboard_panel.html)."""
from rakor.main.dashboard import panel
from rakor.meetings.queries import upcoming_for


@panel
def upcoming_meetings_panel(user):
    return {"upcoming_meetings": upcoming_for(user, limit=5)}
