"""Notices of a meeting moved to another date or cancelled, to the delegates of every agency
invited (the audience participants registers; the committee made the change itself)."""
from datetime import datetime

from flask_babel import gettext as _

from rakor.core.formatting import format_datetime_local
from rakor.notices import kinds, services

RESCHEDULED = "meeting_rescheduled"
CANCELLED = "meeting_cancelled"


def notify_rescheduled(meeting, old_starts_at, by_user=None):
    params = {"meeting_id": meeting.id, "title": meeting.title, "timezone": meeting.timezone,
              "old": old_starts_at.isoformat(), "new": meeting.starts_at.isoformat()}
    return services.notify_meeting(meeting.id, RESCHEDULED, params, by_user=by_user)


def notify_cancelled(meeting, note, by_user=None):
    params = {"meeting_id": meeting.id, "title": meeting.title, "timezone": meeting.timezone,
              "start": meeting.starts_at.isoformat(), "reason": (note or "").strip()}
    return services.notify_meeting(meeting.id, CANCELLED, params, by_user=by_user)


def _when(value, tz):
    return format_datetime_local(datetime.fromisoformat(value), tz)


def _why(p):
    return _("You get this because your agency is invited to this meeting.")


def render_rescheduled(p):
    return kinds.Rendered(
        title=_("Meeting moved: %(title)s", title=p["title"]),
        text=_("\u201c%(title)s\u201d moves from %(old)s to %(new)s.", title=p["title"],
               old=_when(p["old"], p["timezone"]), new=_when(p["new"], p["timezone"])),
        endpoint="meetings.view", values={"meeting_id": p["meeting_id"]}, reason=_why(p),
        action=_("Open the meeting"))


def render_cancelled(p):
    when = _when(p["start"], p["timezone"])
    if p.get("reason"):
        text = _("\u201c%(title)s\u201d of %(when)s is cancelled. Reason: %(reason)s", title=p["title"],
                 when=when, reason=p["reason"])
    else:
        text = _("\u201c%(title)s\u201d of %(when)s is cancelled.", title=p["title"], when=when)
    return kinds.Rendered(title=_("Meeting cancelled: %(title)s", title=p["title"]), text=text,
                          endpoint="meetings.view", values={"meeting_id": p["meeting_id"]}, reason=_why(p),
                          action=_("Open the meeting"))


def register():
    kinds.register(RESCHEDULED, render_rescheduled)
    kinds.register(CANCELLED, render_cancelled)
