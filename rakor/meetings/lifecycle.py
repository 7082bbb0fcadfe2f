"""The meeting lifecycle as data: statuses with their labels and badges, the transitions, and
what each status closes.

    draft -> scheduled -> held -> minutes_final;  draft/scheduled -> cancelled;  held -> scheduled

held -> scheduled is "reopen": a meeting marked held by mistake, or one that has to move to
another date, goes back to scheduled (recorded, with a reason). A held meeting is not
cancelled: it took place; reopen it first if it really did not.

"Open for what?" is one table, `CLOSED_FOR`, read by `check_open` (services), `closed_reason`
(reports that collect messages instead of raising) and the policy rules (`is_frozen`):

    lifecycle.check_open(meeting)                      # details and agenda ("edit")
    lifecycle.check_open(meeting, for_="materials")    # uploading / deleting materials
    lifecycle.check_open(meeting, for_="registration") # adding / changing / cancelling participants
    lifecycle.check_open(meeting, for_="seats")        # seat quotas
    lifecycle.check_open(meeting, for_="invitations")  # invitation links
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    HELD = "held"
    MINUTES_FINAL = "minutes_final"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return _STATUS_LABELS[self]

    @property
    def badge(self):
        """Bootstrap colour of the status badge."""
        return _STATUS_BADGES[self]


DRAFT, SCHEDULED, HELD, MINUTES_FINAL, CANCELLED = MeetingStatus

_STATUS_LABELS = {
    DRAFT: _l("Draft"),
    SCHEDULED: _l("Scheduled"),
    HELD: _l("Held"),
    MINUTES_FINAL: _l("Minutes final"),
    CANCELLED: _l("Cancelled"),
}
_STATUS_BADGES = {DRAFT: "secondary", SCHEDULED: "primary", HELD: "success",
                  MINUTES_FINAL: "dark", CANCELLED: "danger"}
# By status value, for templates and other features (`meeting_labels.status[...]`).
STATUS_LABELS = {s: s.label for s in MeetingStatus}
STATUS_BADGES = {s: s.badge for s in MeetingStatus}

KIND_LABELS = {
    "rakor": _l("Coordination meeting (Rakor)"),
    "fgd": _l("Focus group discussion (FGD)"),
    "other": _l("Other meeting"),
}
KIND_SHORT = {"rakor": "Rakor", "fgd": "FGD", "other": _l("Other")}

TRANSITIONS = {
    DRAFT: (SCHEDULED, CANCELLED),
    SCHEDULED: (HELD, CANCELLED),
    HELD: (MINUTES_FINAL, SCHEDULED),
    MINUTES_FINAL: (),
    CANCELLED: (),
}
# Transitions that need a reason in the record.
NOTE_REQUIRED = frozenset({(SCHEDULED, CANCELLED), (DRAFT, CANCELLED), (HELD, SCHEDULED)})
REOPEN = (HELD, SCHEDULED)
# Button label of each transition, by target status ("reopen" for held -> scheduled).
TRANSITION_LABELS = {
    SCHEDULED: _l("Schedule"),
    HELD: _l("Mark as held"),
    MINUTES_FINAL: _l("Finalise minutes"),
    CANCELLED: _l("Cancel meeting"),
    "reopen": _l("Reopen"),
}
# Statuses whose date can no longer change (reopen first).
DATE_LOCKED = frozenset({HELD, MINUTES_FINAL})
# Statuses whose details and agenda no longer change: the minutes are final / it was cancelled.
FROZEN = frozenset({MINUTES_FINAL, CANCELLED})
# Read-only for everything: a cancelled meeting is kept as it was.
READ_ONLY = frozenset({CANCELLED})
# Statuses a delegate never sees: drafts are the committee's working copies.
HIDDEN_FROM_DELEGATES = frozenset({DRAFT})
# Meetings another meeting may follow up.
FOLLOWABLE = (SCHEDULED, HELD, MINUTES_FINAL)

_CANCELLED_NO_CHANGE = _l("This meeting is cancelled; it can no longer be changed.")
_REGISTRATION_CLOSED = _l("Registration for this meeting is closed.")
_COMMITMENTS_NOT_YET = _l("This meeting is still a draft; commitments open once it is scheduled.")
_COMMITMENTS_CANCELLED = _l("This meeting is cancelled; its commitments can no longer change.")

# {purpose: {status that closes it: the message that says so}}. Materials stay open after the
# minutes are final (the signed minutes, photos), seat quotas too; a cancelled meeting is
# read-only for everything.
CLOSED_FOR = {
    "edit": {
        CANCELLED: _CANCELLED_NO_CHANGE,
        MINUTES_FINAL: _l("The minutes of this meeting are final; it can no longer be changed."),
    },
    "materials": {CANCELLED: _CANCELLED_NO_CHANGE},
    "seats": {CANCELLED: _CANCELLED_NO_CHANGE},
    "registration": {
        CANCELLED: _l("This meeting is cancelled; registration is closed."),
        MINUTES_FINAL: _l("The minutes of this meeting are final; participants can no longer change."),
    },
    "invitations": {CANCELLED: _REGISTRATION_CLOSED, MINUTES_FINAL: _REGISTRATION_CLOSED},
    "check_in": {CANCELLED: _l("This meeting is cancelled.")},
    # Commitments are made once a meeting is scheduled and close with its final minutes;
    # amendments of agreed commitments go on after the minutes.
    "commitments": {
        DRAFT: _COMMITMENTS_NOT_YET,
        CANCELLED: _COMMITMENTS_CANCELLED,
        MINUTES_FINAL: _l("The minutes of this meeting are final; only the committee can still "
                          "amend agreed commitments."),
    },
    "amendments": {DRAFT: _COMMITMENTS_NOT_YET, CANCELLED: _COMMITMENTS_CANCELLED},
}


def allowed_transitions(meeting):
    return TRANSITIONS.get(meeting.status, ())


def is_reopen(from_status, to_status):
    return (from_status, to_status) == REOPEN


def is_frozen(meeting):
    """Details and agenda no longer change (minutes final, or cancelled)."""
    return meeting.status in FROZEN


def is_read_only(meeting):
    return meeting.status in READ_ONLY


def closed_reason(meeting, for_="edit"):
    """Why `meeting` is closed for `for_` (a key of CLOSED_FOR), or None when it is open."""
    return CLOSED_FOR[for_].get(meeting.status)


def is_open(meeting, for_="edit"):
    return closed_reason(meeting, for_) is None


def check_open(meeting, for_="edit"):
    """Raise the DomainError that says why `meeting` is closed for `for_`; nothing when open.
    Services call it on the locked meeting row."""
    reason = closed_reason(meeting, for_)
    if reason is not None:
        raise DomainError(reason)
