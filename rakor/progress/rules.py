"""Who may do what with progress updates.

- A delegate reports on its own agency's agreed commitments only; the committee on any.
- The committee verifies an update or sends it back with a comment.
- Leadership (and the administrator) read everything: dashboards, timelines, reports.
- Others' progress is visible to a delegate where the commitment is (`commitment.view`: the
  agreed commitments of every agency): the reported figures, status and narrative.
- Evidence files (bukti dukung) are the agency's working documents (letters, photos with
  people, budget sheets): its own agency, the committee and leadership (and the administrator)
  download them; other agencies only once the committee marks a file public.
"""
from rakor.auth import tenancy
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, rule

READERS = (ADMIN, COMMITTEE, LEADERSHIP)


def own_agency(user, commitment):
    return user.role == DELEGATE and user.agency_id is not None and commitment.agency_id == user.agency_id


@rule("progress.report")
def _report(user, commitment):
    """Post or correct an update on `commitment`."""
    if commitment.status != CommitmentStatus.AGREED:
        return False
    return user.role == COMMITTEE or own_agency(user, commitment)


@rule("progress.report_meeting")
def _report_meeting(user, meeting):
    """Open the quarterly table of a meeting's commitments."""
    if meeting.status in ("draft", "cancelled"):
        return False
    if user.role == COMMITTEE:
        return tenancy.manages(user, meeting)
    return user.role == DELEGATE and user.agency_id is not None and can(user, "meeting.view", meeting)


@rule("progress.view")
def _view(user, commitment):
    return can(user, "commitment.view", commitment)


@rule("progress.evidence")
def _evidence(user, evidence_and_commitment):
    """Download an evidence file; the object is (evidence, its commitment)."""
    evidence, commitment = evidence_and_commitment
    if not can(user, "progress.view", commitment):
        return False
    return user.role in READERS or own_agency(user, commitment) or bool(evidence.is_public)


@rule("progress.evidence_visibility")
def _evidence_visibility(user, _evidence=None):
    """Mark an evidence file public for every agency of the meeting, or private again."""
    return user.role == COMMITTEE


@rule("progress.review")
def _review(user, update):
    return user.role == COMMITTEE


@rule("progress.dashboard")
def _dashboard(user, _obj=None):
    return user.role in READERS


@rule("progress.manage")
def _manage(user, _obj=None):
    """Local holidays, imports for any agency."""
    return user.role == COMMITTEE


@rule("progress.monitoring")
def _monitoring(user, meeting):
    """The meeting's monitoring report (PDF, XLSX), drafts and issued ones: the committee and
    leadership who see the meeting (its organizer's, rakor/auth/tenancy.py)."""
    return user.role in READERS and can(user, "meeting.view", meeting)


@rule("progress.issue_monitoring")
def _issue_monitoring(user, meeting):
    """Fill in the report's letter elements and issue it (numbered, stored): the committee, for
    a meeting that took place or is about to."""
    return tenancy.manages(user, meeting) and meeting.status not in ("draft", "cancelled")
