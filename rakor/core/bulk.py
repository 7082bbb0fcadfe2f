"""One decision on many items at once (agree twelve commitments in the room, verify a page of
progress updates), each item on its own: every item runs in a savepoint, so an item the rules
refuse (changed meanwhile, no longer in that status) is rolled back alone, reported by name,
and the others go through. The caller commits once, as for any action (core/web.py).
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rakor.core.errors import DomainError
from rakor.extensions import db


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)             # names of the items decided
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def each_on_its_own(items: Iterable, act: Callable, name_of: Callable) -> BulkOutcome:
    """`act(item)` for every item in a savepoint of its own; DomainError refuses that item only."""
    outcome = BulkOutcome()
    for item in items:
        try:
            with db.session.begin_nested():
                act(item)
        except DomainError as error:
            outcome.refused.append((name_of(item), str(error.message)))
        else:
            outcome.done.append(name_of(item))
    return outcome
