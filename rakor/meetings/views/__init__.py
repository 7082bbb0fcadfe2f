"""Meeting pages, one module per group of routes:

- `pages`: the list and the calendar;
- `meeting`: create and edit, the meeting page, status changes, the .ics download;
- `agenda`: the agenda builder;
- `materials`: uploading, downloading and deleting materials;
- `reschedule`: moving the meeting with its agenda.

Meeting-scoped routes load and authorise through `with_meeting(action)` (rakor/meetings/web.py),
read through `queries`, write through `services` inside `domain_action` (rakor/core/web.py).
"""
from types import SimpleNamespace

from rakor.meetings import lifecycle

MEETING_LABELS = SimpleNamespace(
    kind=lifecycle.KIND_LABELS, kind_short=lifecycle.KIND_SHORT, status=lifecycle.STATUS_LABELS,
    badge=lifecycle.STATUS_BADGES, transition=lifecycle.TRANSITION_LABELS)


def _labels():
    # App-wide: the dashboard panel and other features' meeting sections use them too.
    return {"meeting_labels": MEETING_LABELS}


from rakor.meetings.views import agenda, feed, materials, meeting, pages, reschedule  # noqa: E402,F401
