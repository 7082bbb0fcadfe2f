"""What progress adds to meeting pages: in a follow-up meeting, the earlier meeting's agreed
commitments with their latest progress."""
from rakor.policy import can
from rakor.progress import periods, queries
from rakor.progress.lifecycle import UpdateStatus


def earlier_progress_block(earlier, meeting, user):
    """(1 query) None when the earlier meeting agreed nothing."""
    rows = queries.meeting_progress(earlier, user)
    if not rows:
        return None
    return {"earlier": earlier, "rows": rows, "may_open": can(user, "meeting.view", earlier),
            "update_status": UpdateStatus, "period_of": periods.parse_period}
