"""What commitments add to meeting pages: a section with the counts and the agreed budget, and
in a follow-up meeting the earlier meeting's agreed commitments."""
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.commitments.queries import visible_to
from rakor.extensions import db
from rakor.policy import can
from rakor.regions.models import Agency, Region

S = CommitmentStatus


def meeting_section(meeting, user):
    """Counts by status and the agreed budget, in one aggregate query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    rows = db.read(
        select(Commitment.status, func.count(Commitment.id), func.sum(Commitment.budget))
        .where(Commitment.meeting_id == meeting.id, visible_to(user)).group_by(Commitment.status)).all()
    counts = {S(status): n for status, n, _b in rows}
    return {"commitments_section": {
        "meeting": meeting, "counts": counts, "total": sum(counts.values()),
        "agreed_budget": next((b for status, _n, b in rows if status == S.AGREED), None) or Decimal(0),
        "may_create": can(user, "commitment.create", meeting),
        "statuses": S,
    }}


def earlier_commitments_block(earlier, meeting, user):
    """The agreed commitments of the meeting this one follows up, by region (one query)."""
    commitments = db.session.scalars(
        select(Commitment).join(Agency, Agency.id == Commitment.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Commitment.meeting_id == earlier.id, Commitment.status == S.AGREED)
        .options(joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.indicator))
        .order_by(Region.kemendagri_code, Commitment.sequence)).unique().all()
    return {"earlier": earlier, "commitments": commitments,
            "may_open": can(user, "meeting.view", earlier)}
