"""The committee's decisions on many submitted commitments at once, in the meeting room.

Each commitment goes through the same path as a single decision (`services.change_status`:
row lock, workflow rules, history event) and keeps its optimistic lock: the version the page
showed must still be the commitment's, else it is refused by name and the others go through
(core/bulk.py)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.commitments import services
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core.bulk import BulkOutcome, each_on_its_own
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.policy import can

S = CommitmentStatus
BULK_DECISIONS = {"agree": S.AGREED, "return": S.RETURNED}


def parse_picks(values) -> list[tuple[int, int]]:
    """Ticked boxes "<id>:<version>" -> [(id, version)]; anything else is ignored."""
    picks = []
    for value in values:
        ident, _colon, version = str(value).partition(":")
        if ident.isdigit() and version.isdigit() and len(ident) < 10 and len(version) < 10:
            picks.append((int(ident), int(version)))
    return list(dict(picks).items())


def decide_many(meeting, picks, action, by_user, *, note=None) -> BulkOutcome:
    """Agree or return (with `note`) each picked commitment of `meeting`."""
    if action not in BULK_DECISIONS:
        raise DomainError(_l("Choose agree or return."))
    to_status = BULK_DECISIONS[action]
    if to_status == S.RETURNED and not (note or "").strip():
        raise DomainError(_l("Give the reason for returning; each delegate reads it."), field="note")
    if not picks:
        raise DomainError(_l("Tick the commitments to decide on first."))
    versions = dict(picks)
    found = db.session.scalars(select(Commitment).where(
        Commitment.meeting_id == meeting.id, Commitment.id.in_(list(versions)))
        .order_by(Commitment.reference)).all()

    def act(commitment):
        if not can(by_user, "commitment.review", commitment):
            raise DomainError(_l("You cannot decide on this commitment."))
        services.lock_version(commitment, versions[commitment.id])
        services.change_status(commitment, to_status, by_user, note=note, expected_status=S.SUBMITTED)

    outcome = each_on_its_own(found, act, lambda c: c.reference)
    missing = len(versions) - len(found)
    if missing:
        outcome.refused.append((str(missing), str(_l("not a commitment of this meeting"))))
    return outcome
