"""Notice of final minutes, to the invited agencies' delegates and to the leadership that sees
the meeting (its organizer's and the agencies' above it: rakor/auth/tenancy.py)."""
from flask_babel import gettext as _

from rakor.notices import kinds, queries, services
from rakor.policy import LEADERSHIP, can

FINAL = "minutes_final"


def notify_final(meeting, revision, by_user=None):
    params = {"meeting_id": meeting.id, "title": meeting.title, "version": revision.version}
    leaders = [u for u in queries.users_with_roles(LEADERSHIP) if can(u, "meeting.view", meeting)]
    return services.notify_meeting(meeting.id, FINAL, params, extra_users=leaders, by_user=by_user)


def render_final(p):
    return kinds.Rendered(
        title=_("Minutes final: %(title)s", title=p["title"]),
        text=_("Version %(n)d of the minutes of \u201c%(title)s\u201d is final; the signed PDF can be "
               "downloaded.", n=p["version"], title=p["title"]),
        endpoint="minutes.index", values={"meeting_id": p["meeting_id"]},
        reason=_("You get this because you took part in this meeting or lead the agency."),
        action=_("Open the minutes"))


def register():
    kinds.register(FINAL, render_final)
