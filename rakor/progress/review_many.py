"""The committee verifies (or sends back) many progress updates at once, each through the single
review's path (`services.review`: current revision only, workflow rules, history), each in a
savepoint of its own (core/bulk.py): an update corrected or reviewed meanwhile is named and the
others go through."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.commitments.models import Commitment
from rakor.core.bulk import BulkOutcome, each_on_its_own
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.policy import can
from rakor.progress import periods, services
from rakor.progress.lifecycle import ReviewStatus
from rakor.progress.models import ProgressUpdate

BULK_REVIEWS = {"verify": ReviewStatus.VERIFIED, "return": ReviewStatus.RETURNED}


def parse_ids(values) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if str(v).isdigit() and len(str(v)) < 10))


def review_many(meeting, update_ids, action, by_user, *, note=None) -> BulkOutcome:
    if action not in BULK_REVIEWS:
        raise DomainError(_l("Choose verify or send back."))
    to_status = BULK_REVIEWS[action]
    if to_status == ReviewStatus.RETURNED and not (note or "").strip():
        raise DomainError(_l("Give the reason for sending back; each reporter reads it."), field="note")
    if not update_ids:
        raise DomainError(_l("Tick the updates to review first."))
    found = db.session.execute(
        select(ProgressUpdate, Commitment.reference).join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .where(Commitment.meeting_id == meeting.id, ProgressUpdate.id.in_(update_ids))
        .order_by(Commitment.reference, ProgressUpdate.period)).all()
    names = {u.id: f"{ref} ({periods.parse_period(u.period).label()})" for u, ref in found}

    def act(update):
        if not can(by_user, "progress.review", update):
            raise DomainError(_l("You cannot review this update."))
        services.review(update, to_status, by_user, note=note, expected_from=ReviewStatus.SUBMITTED)

    outcome = each_on_its_own([u for u, _ref in found], act, lambda u: names[u.id])
    missing = len(update_ids) - len(found)
    if missing:
        outcome.refused.append((str(missing), str(_l("not an update of this meeting"))))
    return outcome
