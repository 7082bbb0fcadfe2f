"""A status workflow with history, shared by every entity that moves through statuses:
meetings (`meetings/services.MEETING_FLOW`), commitments (`commitments/services.FLOW`, whose
history rows are its events, with `history_values` giving each its kind) and the review of
progress updates (`progress/lifecycle.REVIEW_FLOW`, on `review_status`). The statuses, the table
of allowed moves and the moves that need a note live in each feature's `lifecycle.py`; minutes
have no transition table (a version's draft revisions end in one final revision, see
`minutes/lifecycle.py`), so they do not use it.

    MEETING_FLOW = Workflow(transitions=lifecycle.TRANSITIONS, note_required=lifecycle.NOTE_REQUIRED,
                            history=MeetingTransition, owner_key="meeting_id", messages=...)
    MEETING_FLOW.move(meeting, "held", user, note=..., expected_from="scheduled", guard=...)

`move` locks the entity's row (SELECT ... FOR UPDATE on PostgreSQL, with fresh values; SQLite
serialises writers anyway), refuses a stale page (`expected_from` is the status the user saw),
refuses a transition the table does not list, asks for a note where the table says so, runs
the caller's own `guard(entity, from_status, to_status)`, then sets the status and writes one
history row. `record` writes a history row alone (an entity's creation). The history model
has `<owner_key>, from_status, to_status, user_id, note, at`.
"""
from collections.abc import Callable
from dataclasses import dataclass
from types import FunctionType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db

NOTE_MAX = 1000


@dataclass(frozen=True)
class WorkflowMessages:
    """Each message is a (lazy) string, or a function (entity, from_status, to_status) -> string
    for a message that names the statuses."""

    stale: Any      # the status changed since the user's page was drawn
    illegal: Any    # the table has no such transition
    note: Any       # this transition needs a reason

    def say(self, name, entity, from_status, to_status):
        message = getattr(self, name)
        return message(entity, from_status, to_status) if isinstance(message, FunctionType) else message


@dataclass(frozen=True)
class Workflow:
    transitions: dict       # {from_status: (to_status, ...)}
    note_required: frozenset  # {(from_status, to_status), ...}
    history: type           # the history model
    owner_key: str          # its column pointing at the entity, e.g. "meeting_id"
    messages: WorkflowMessages
    status_attr: str = "status"
    # Extra columns of a history row, e.g. a commitment event's `kind`: (from, to) -> {column: value}.
    history_values: Callable | None = None

    def allowed(self, entity):
        return self.transitions.get(getattr(entity, self.status_attr), ())

    def lock(self, entity):
        """`entity`'s row, locked until the transaction ends, with fresh values."""
        model = type(entity)
        return db.session.scalar(
            select(model).where(model.id == entity.id).with_for_update()
            .execution_options(populate_existing=True))

    def record(self, entity, from_status, to_status, user=None, note=None, now=None):
        extra = self.history_values(from_status, to_status) if self.history_values else {}
        row = self.history(**{self.owner_key: entity.id}, from_status=from_status,
                           to_status=to_status, user_id=getattr(user, "id", None), note=note,
                           at=now or utcnow(), **extra)
        db.session.add(row)
        return row

    def move(self, entity, to_status, user=None, note=None, expected_from=None, now=None,
             guard=None):
        """Lock, check and move `entity` to `to_status`; returns the flushed history row."""
        entity = self.lock(entity)
        note = (str(note).strip() or None) if note is not None else None
        if note is not None and len(note) > NOTE_MAX:
            raise DomainError(_l("At most %(n)d characters.", n=NOTE_MAX), field="note")
        from_status = getattr(entity, self.status_attr)
        if expected_from is not None and expected_from != from_status:
            raise DomainError(self.messages.say("stale", entity, from_status, to_status))
        if to_status not in self.transitions.get(from_status, ()):
            raise DomainError(self.messages.say("illegal", entity, from_status, to_status))
        if (from_status, to_status) in self.note_required and not note:
            raise DomainError(self.messages.say("note", entity, from_status, to_status), field="note")
        if guard is not None:
            guard(entity, from_status, to_status)
        setattr(entity, self.status_attr, to_status)
        row = self.record(entity, from_status, to_status, user, note=note, now=now)
        db.session.flush()
        return row
