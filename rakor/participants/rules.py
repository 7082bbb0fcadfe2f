"""Who may do what to participants. The meeting rules (who sees a meeting) are in
rakor/meetings/rules.py; these add the participant's agency and the meeting's lifecycle.
The rules on one participant rely on the route's `with_meeting(...)`, which refuses another
organizer's meeting (rakor/auth/tenancy.py) before the participant is loaded."""
from rakor.auth import tenancy
from rakor.meetings import lifecycle
from rakor.meetings.rules import delegate_access
from rakor.policy import COMMITTEE, DELEGATE, rule


@rule("participant.edit")
def _participant_edit(user, participant):
    if user.role == COMMITTEE:
        return True
    return user.role == DELEGATE and participant.agency_id == user.agency_id


@rule("participant.check_in")
def _participant_check_in(user, participant):
    return user.role == COMMITTEE


def _agency_has_quota(meeting, agency_id):
    # The meeting's access rule read it already on a delegate's read (one query for both).
    return agency_id is not None and delegate_access(meeting.id, agency_id)[0]


@rule("participant.register")
def _participant_register(user, meeting):
    """Add participants to `meeting`: the committee for any agency (quota override possible);
    a delegate for its own agency only, within its quota, when the agency has seats in a
    meeting the delegate can see. (The registration window is checked by the services:
    `invitations.check_registration_open` for self-service changes.)"""
    if user.role == COMMITTEE:
        return tenancy.manages(user, meeting) and not lifecycle.is_read_only(meeting)
    if user.role == DELEGATE and meeting.status not in lifecycle.HIDDEN_FROM_DELEGATES | lifecycle.READ_ONLY:
        return _agency_has_quota(meeting, user.agency_id)
    return False
