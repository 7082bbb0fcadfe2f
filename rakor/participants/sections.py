"""The participants section of the meeting page (templates/participants/_meeting_section.html)."""
from flask import url_for

from rakor.mail import queries as mail_queries
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



def failed_mail_section(meeting, user):
    """The committee's list of the meeting's e-mails that the server refused (invitations,
    confirmations, notices), each with "send again" (templates/participants/_meeting_failed_mails.html)."""
    if getattr(user, "role", None) != COMMITTEE:
        return None
    failed = mail_queries.failed_of_meeting(meeting.id)
    if not failed:
        return None
    return {"meeting": meeting, "failed_mails": failed,
            "failed_next": url_for("meetings.view", meeting_id=meeting.id)}
