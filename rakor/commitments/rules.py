"""Who may do what to commitments. Meeting visibility itself is `meeting.view` (the meeting
routes check it first through `with_meeting`); these rules add the commitment's agency and
status. A delegate acts for its own agency only and sees other agencies' commitments once
they are agreed (what the meeting decided together), never their drafts. The rules on one
commitment rely on that `meeting.view` check for the organizer (rakor/auth/tenancy.py): the
committee of another organizer does not see the meeting, so it reaches none of them."""
from rakor.auth import tenancy
from rakor.commitments.lifecycle import EDITABLE_BY_COMMITTEE, EDITABLE_BY_DELEGATE, CommitmentStatus
from rakor.meetings import lifecycle
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, rule

S = CommitmentStatus


def _own(user, commitment):
    return user.role == DELEGATE and user.agency_id is not None and commitment.agency_id == user.agency_id


@rule("commitment.create")
def _create(user, meeting):
    """Add a commitment to `meeting` (a delegate: for its own agency, which must take part;
    the service checks that)."""
    if not lifecycle.is_open(meeting, "commitments"):
        return False
    if user.role == COMMITTEE:
        return tenancy.manages(user, meeting)
    return user.role == DELEGATE and user.agency_id is not None and can(user, "meeting.view", meeting)


@rule("commitment.view")
def _view(user, commitment):
    if user.role in (ADMIN, COMMITTEE, LEADERSHIP):
        return True
    return _own(user, commitment) or commitment.status == S.AGREED


@rule("commitment.edit")
def _edit(user, commitment):
    status = commitment.status
    if user.role == COMMITTEE:
        return status in EDITABLE_BY_COMMITTEE or status == S.AGREED
    return _own(user, commitment) and status in EDITABLE_BY_DELEGATE


@rule("commitment.submit")
def _submit(user, commitment):
    return commitment.status in (S.DRAFT, S.RETURNED) and (user.role == COMMITTEE or _own(user, commitment))


@rule("commitment.review")
def _review(user, commitment):
    """Agree or return a submitted commitment."""
    return user.role == COMMITTEE and commitment.status == S.SUBMITTED


@rule("commitment.withdraw")
def _withdraw(user, commitment):
    if user.role == COMMITTEE:
        return commitment.status != S.WITHDRAWN
    return _own(user, commitment) and commitment.status in (S.DRAFT, S.SUBMITTED, S.RETURNED)


@rule("commitment.manage")
def _manage(user, meeting):
    """Import, edit signatories of the agreement record: the committee."""
    return tenancy.manages(user, meeting) and not lifecycle.is_read_only(meeting)
