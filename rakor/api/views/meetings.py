"""Meetings: list (filters), detail, agenda, participants."""
from flask_login import current_user

from rakor.api import queries, schemas, serialize
from rakor.api.blueprints import meetings as blp
from rakor.api.http import respond
from rakor.api.views.common import FIRST_ITEM, ID, after_of, link, links, page, visible_or_404
from rakor.policy import COMMITTEE, authenticated


def _meeting_links(source):
    return {"GetMeeting": link("get_meeting", "The meeting.", path_meeting_id=source),
            "GetAgenda": link("get_agenda", "Its agenda.", path_meeting_id=source),
            "GetParticipants": link("get_participants", "Its participants.", path_meeting_id=source),
            "GetMinutesRecord": link("minutes_record", "Its final minutes' record.", path_meeting_id=source)}


@blp.route("/meetings")
@blp.arguments(schemas.MeetingListArgs(), location="query", as_kwargs=True)
@blp.response(200, schemas.MeetingPage)
@blp.doc(**links(200, **_meeting_links(FIRST_ITEM)))
@authenticated
def list_meetings(limit, **filters):
    """Meetings the caller may see, oldest first."""
    after = after_of(filters)
    filters.pop("cursor", None)
    rows = queries.meetings(current_user, after=after, limit=limit, **filters)
    return page(rows, limit, serialize.meeting)


@blp.route("/meetings/<int:meeting_id>")
@blp.response(200, schemas.MeetingOut)
@blp.doc(**links(200, **_meeting_links(ID)))
@authenticated
def get_meeting(meeting_id):
    meeting = visible_or_404(queries.meeting(meeting_id), "meeting.view")
    return respond(serialize.meeting(meeting))


@blp.route("/meetings/<int:meeting_id>/agenda")
@blp.response(200, schemas.AgendaOut)
@authenticated
def get_agenda(meeting_id):
    visible_or_404(queries.meeting(meeting_id), "meeting.view")
    return respond({"items": [serialize.agenda_item(i) for i in queries.agenda(meeting_id)]})


@blp.route("/meetings/<int:meeting_id>/participants")
@blp.response(200, schemas.ParticipantsOut)
@authenticated
def get_participants(meeting_id):
    """The committee gets the registered participants; everyone else who sees the meeting gets
    the number registered per agency (`participants` is then empty)."""
    visible_or_404(queries.meeting(meeting_id), "meeting.view")
    counts = [{"agency": {"id": i, "name": n}, "registered": c}
              for i, n, c in queries.participant_counts(meeting_id)]
    people = []
    if current_user.role == COMMITTEE:
        people = [{"id": p.id, "name": p.name, "position": p.position,
                   "agency": {"id": p.agency.id, "name": p.agency.name}, "role": p.meeting_role,
                   "checked_in": p.checked_in_at is not None}
                  for p in queries.participants(meeting_id)]
    return respond({"counts": counts, "participants": people})
