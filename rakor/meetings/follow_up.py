"""The "follow-up of an earlier meeting" section of a meeting's agenda.

A meeting that follows up an earlier one shows, right after its agenda, what the earlier
meeting concluded: its agenda items with topics, presenters and conclusions. The agreed
commitments (rencana tindak lanjut) of the earlier meeting belong here too; the commitments
feature adds them from its init_app with
`hooks.follow_up_blocks.register(key, template=..., loader=...)`, where
`loader(earlier_meeting, meeting, user) -> context | None` loads its data in a fixed number of
queries. Each block template is included inside this section with its context as `block`.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.extensions import db
from rakor.meetings import hooks
from rakor.meetings.models import AgendaItem, Meeting, agenda_order
from rakor.policy import can

TEMPLATE = "meetings/_section_follow_up.html"

def load_section(meeting, user):
    if meeting.follow_up_of_id is None:
        return None
    # Already in the session when the meeting page loaded it (no query then).
    earlier = db.session.get(Meeting, meeting.follow_up_of_id)
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == earlier.id)
        .options(joinedload(AgendaItem.topic)).order_by(*agenda_order())
    ).all()
    blocks = hooks.follow_up_block_contexts(earlier, meeting, user)
    return {"follow_up": {
        "meeting": meeting,
        "earlier": earlier,
        "earlier_items": items,
        "may_open_earlier": can(user, "meeting.view", earlier),
        "blocks": blocks,
    }}
