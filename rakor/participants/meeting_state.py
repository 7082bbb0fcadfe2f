"""Whether a meeting's status still lets participant data change: the one place the
participant services ask (registration, quotas, invitation links, check-in).

meetings.lifecycle.check_open will replace this at merge; until then each use keeps the
wording its users already see."""
from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError

_REGISTRATION_CLOSED = _l("Registration for this meeting is closed.")

# use -> {meeting status that stops it: the message}
_CLOSED = {
    "participants": {
        "cancelled": _l("This meeting is cancelled; registration is closed."),
        "minutes_final": _l("The minutes of this meeting are final; participants can no longer change."),
    },
    # Quotas stay adjustable after the minutes (late corrections); only cancelling freezes them.
    "quotas": {"cancelled": _l("This meeting is cancelled; it can no longer be changed.")},
    "invitations": {"cancelled": _REGISTRATION_CLOSED, "minutes_final": _REGISTRATION_CLOSED},
    "check_in": {"cancelled": _l("This meeting is cancelled.")},
}


def check_meeting_open(meeting, for_: str):
    """Raise DomainError when `meeting`'s status stops `for_` ('participants', 'quotas',
    'invitations' or 'check_in')."""
    message = _CLOSED[for_].get(meeting.status)
    if message is not None:
        raise DomainError(message)
