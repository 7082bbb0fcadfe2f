"""What minutes add to other pages: a section of the meeting page (state, one-click download)
and the dashboard panel with the latest final minutes (leadership's one job)."""
from rakor.minutes import queries
from rakor.policy import LEADERSHIP, can


def meeting_section(meeting, user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    may_draft = can(user, "minutes.view_draft", meeting)
    final, current = queries.final_and_current(meeting.id) if may_draft else (queries.latest_final(meeting.id), None)
    may_edit = can(user, "minutes.edit", meeting)
    if final is None and current is None and not may_edit:
        return None
    return {"minutes_section": {"meeting": meeting, "final": final, "current": current,
                                "may_edit": may_edit, "may_draft": may_draft}}


def latest_minutes_panel(user):
    """Leadership always gets the panel (downloading minutes is what they come for); the
    others when there is something in it."""
    rows = queries.latest_final_minutes(user, limit=5)
    if not rows and user.role != LEADERSHIP:
        return None
    return {"latest_minutes": rows}
