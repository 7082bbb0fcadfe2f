"""The dashboard panel with the user's next meetings (templates/meetings/_dashboard_panel.html),
registered by `rakor.meetings.init_app`."""
from rakor.meetings.queries import upcoming_or_recent
from rakor.meetings.rules import sight_lapses_at

TEMPLATE = "meetings/_dashboard_panel.html"


def upcoming_meetings_panel(user):
    upcoming, recent = upcoming_or_recent(user, limit=5)  # one query
    # Nothing coming up: the latest past meetings rather than an empty card.
    return {"upcoming_meetings": upcoming, "recent_meetings": [] if upcoming else recent}


def upcoming_meetings_lapse(user, context):
    """When the clock alone changes the panel (rakor/main/dashboard.py): the first of its upcoming
    meetings ends (it leaves the list, the next one comes in), or the reader stops seeing one."""
    ends = [m.ends_at for m in context["upcoming_meetings"]]
    sight = sight_lapses_at(user)
    return min([*ends, *([sight] if sight else [])], default=None)
