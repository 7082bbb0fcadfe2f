"""The "follow-up of an earlier meeting" section of a meeting's agenda.

A meeting that follows up an earlier one shows, right after its agenda, what the earlier
meeting concluded: its agenda items with topics, presenters and conclusions. The agreed
commitments (rencana tindak lanjut) of the earlier meeting belong here too; the commitments
feature adds them with `register_block(loader)`, where
`loader(earlier_meeting, meeting, user) -> (template, context) | None`, loading its data in a
fixed number of queries. Each block template is included inside this section with its
context as the variable `block`.
"""
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.extensions import db
from rakor.meetings import sections
from rakor.meetings.models import AgendaItem, Meeting
from rakor.policy import can

TEMPLATE = "meetings/_section_follow_up.html"
_BLOCKS: list[Callable] = []


def register_block(loader: Callable):
    """Add a block to the follow-up section (e.g. the earlier meeting's agreed commitments)."""
    if loader not in _BLOCKS:
        _BLOCKS.append(loader)
    return loader


def load_section(meeting, user):
    if meeting.follow_up_of_id is None:
        return None
    # Already in the session when the meeting page loaded it (no query then).
    earlier = db.session.get(Meeting, meeting.follow_up_of_id)
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == earlier.id)
        .options(joinedload(AgendaItem.topic)).order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    blocks = [b for b in (loader(earlier, meeting, user) for loader in _BLOCKS) if b]
    return {"follow_up": {
        "meeting": meeting,
        "earlier": earlier,
        "earlier_items": items,
        "may_open_earlier": can(user, "meeting.view", earlier),
        "blocks": blocks,
    }}


sections.register(TEMPLATE, load_section, order=10)
