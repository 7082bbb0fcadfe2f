"""Who may do what with a meeting's minutes. Seeing the meeting (`meeting.view`) comes first;
then:
- the committee writes them (notulis) while the meeting is scheduled, held or has final minutes
  (a change after finalisation opens the next version);
- the committee or the chair finalises them. The chair (pimpinan rapat) signs in as leadership:
  that role is who chairs meetings; only for a held meeting (or, for version 2+, one whose
  minutes are already final);
- drafts are read by the committee, leadership and administrators; a delegate of the meeting
  reads final versions only."""
from rakor.auth import tenancy
from rakor.meetings import lifecycle
from rakor.minutes.queries import latest_final
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, can, rule

WRITABLE = (lifecycle.SCHEDULED, lifecycle.HELD, lifecycle.MINUTES_FINAL)
FINALISABLE = (lifecycle.HELD, lifecycle.MINUTES_FINAL)
READ_DRAFTS = (ADMIN, COMMITTEE, LEADERSHIP)


@rule("minutes.view")
def _view(user, meeting):
    return can(user, "meeting.view", meeting)


@rule("minutes.view_draft")
def _view_draft(user, meeting):
    return user.role in READ_DRAFTS and can(user, "meeting.view", meeting)


@rule("minutes.edit")
def _edit(user, meeting):
    return tenancy.manages(user, meeting) and meeting.status in WRITABLE


@rule("minutes.finalise")
def _finalise(user, meeting):
    """The organizer's committee, or the chair: leadership of the organizing agency (or of one
    added for it; an instance-wide leadership account), not of an agency above it."""
    if meeting.status not in FINALISABLE:
        return False
    if user.role == LEADERSHIP:
        return tenancy.instance_wide(user) or meeting.organizer_agency_id in tenancy.own_agency_ids(user)
    return tenancy.manages(user, meeting)


@rule("minutes.download")
def _download(user, meeting):
    """The final PDF, for everyone who sees the meeting, once there is one."""
    return can(user, "meeting.view", meeting) and latest_final(meeting.id) is not None
