"""The participants section of the meeting page (templates/participants/_meeting_section.html)."""
from rakor.participants.invitations import registration_state
from rakor.participants.queries import desk_days
from rakor.participants.stats import meeting_stats
from rakor.policy import COMMITTEE, DELEGATE, can


def meeting_section(meeting, user):
    """Context of templates/participants/_meeting_section.html: per agency quota, registered,
    checked in, and totals, in a fixed number of queries (aggregates in SQL)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    own_agency = user.agency_id if user.role == DELEGATE else None
    stats = meeting_stats(meeting.id, own_agency)
    return {
        "participants_section": {
            "meeting": meeting,
            "stats": stats,
            "is_committee": user.role == COMMITTEE,
            "own_agency": own_agency,
            "can_register": can(user, "participant.register", meeting),
            "registration_state": registration_state(meeting),
            # The committee's view of the desks: first and last desk time, offline marks.
            "desk": desk_days([meeting.id])[meeting.id] if user.role == COMMITTEE else None,
        }
    }
