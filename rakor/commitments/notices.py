"""Notices of the committee's decisions on a commitment, to the delegates of its agency."""
from flask_babel import gettext as _
from sqlalchemy import select

from rakor.commitments.lifecycle import CommitmentStatus as S
from rakor.commitments.models import Commitment
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.notices import kinds, queries, services
from rakor.regions.models import Agency

RETURNED = "commitment_returned"
AGREED = "commitment_agreed"


def notify_decision(commitment, to_status, note, by_user):
    """Called by `services.change_status` once the move is made: returned (with the reason) or
    agreed reaches the agency's delegates."""
    kind = {S.RETURNED: RETURNED, S.AGREED: AGREED}.get(S(to_status))
    if kind is None:
        return []
    meeting_title, agency_name = db.session.execute(
        select(Meeting.title, Agency.name).select_from(Commitment)
        .join(Meeting, Meeting.id == Commitment.meeting_id).join(Agency, Agency.id == Commitment.agency_id)
        .where(Commitment.id == commitment.id)).one()
    params = {"meeting_id": commitment.meeting_id, "commitment_id": commitment.id,
              "reference": commitment.reference, "title": commitment.title, "meeting": meeting_title,
              "agency": agency_name, "reason": (note or "").strip()}
    return services.notify(queries.delegates_of([commitment.agency_id]), kind, params,
                           meeting_id=commitment.meeting_id, by_user=by_user)


def _link(p):
    return {"meeting_id": p["meeting_id"], "commitment_id": p["commitment_id"]}


def _why(p):
    return _("You get this because you are a delegate of %(agency)s, whose commitment it is.", agency=p["agency"])


def render_returned(p):
    return kinds.Rendered(
        title=_("Commitment %(ref)s was returned for changes", ref=p["reference"]),
        text=_("The committee returned \u201c%(title)s\u201d (%(meeting)s) for changes. Reason: %(reason)s",
               title=p["title"], meeting=p["meeting"], reason=p["reason"] or "\u2013"),
        endpoint="commitments.view", values=_link(p), reason=_why(p), action=_("Fix the commitment"))


def render_agreed(p):
    return kinds.Rendered(
        title=_("Commitment %(ref)s was agreed", ref=p["reference"]),
        text=_("The committee agreed \u201c%(title)s\u201d (%(meeting)s). Its progress is reported every "
               "quarter.", title=p["title"], meeting=p["meeting"]),
        endpoint="commitments.view", values=_link(p), reason=_why(p), action=_("Open the commitment"))


def register():
    kinds.register(RETURNED, render_returned)
    kinds.register(AGREED, render_agreed)
