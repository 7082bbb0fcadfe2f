"""The organizer rules that are not about one meeting (tenancy, issue 22; rakor/auth/tenancy.py):
naming an agency as a meeting's organizer, adding an office (OPD) under a planning agency, and
the outbox's "send again", which sits below meetings and names its meeting by id. The rules
about one meeting are in rules.py, whose every input the kept meeting page must know
(tests/meetings/test_page_cache_inputs.py)."""
from rakor.auth import tenancy
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.policy import ADMIN, COMMITTEE, rule


@rule("meeting.organize_for")
def _meeting_organize_for(user, agency_id):
    """Name agency `agency_id` as a meeting's organizer: the committee of that agency (or of
    one the administrator added for the user), an instance-wide committee."""
    return user.role == COMMITTEE and tenancy.acts_for(user, agency_id)


@rule("agency.add_office")
def _agency_add_office(user, parent):
    """Add an office (OPD, dinas) under planning agency `parent`, to invite it to the parent's
    meetings: the administrator, or the committee of that agency."""
    if not parent.is_planning_agency:
        return False
    return user.role == ADMIN or (user.role == COMMITTEE and tenancy.acts_for(user, parent.id))


@rule("mail.retry")
def _mail_retry(user, meeting_id):
    """Send a meeting's failed e-mail again (rakor/mail/views.py, which sits below meetings and
    so names the meeting by id): its organizer's committee. A mail of no meeting (or of a
    meeting deleted since): an instance-wide committee account."""
    if user.role != COMMITTEE:
        return False
    meeting = db.session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None:  # no meeting, or one deleted since (the outbox keeps a plain id)
        return tenancy.instance_wide(user)
    return tenancy.manages(user, meeting)
