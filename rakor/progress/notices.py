"""Notices of the committee's review of a progress update, to the delegates of its agency."""
from flask_babel import gettext as _
from sqlalchemy import select

from rakor.commitments.models import Commitment
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.notices import kinds, queries, services
from rakor.progress import periods
from rakor.progress.lifecycle import ReviewStatus
from rakor.regions.models import Agency

VERIFIED = "progress_verified"
RETURNED = "progress_returned"


def notify_review(update, to_status, note, by_user):
    """Called by `services.review` once the update is verified or sent back."""
    kind = {ReviewStatus.VERIFIED: VERIFIED, ReviewStatus.RETURNED: RETURNED}.get(ReviewStatus(to_status))
    if kind is None:
        return []
    c = db.session.execute(
        select(Commitment.id, Commitment.reference, Commitment.title, Commitment.meeting_id, Commitment.agency_id,
               Meeting.title.label("meeting"), Agency.name.label("agency"))
        .join(Meeting, Meeting.id == Commitment.meeting_id).join(Agency, Agency.id == Commitment.agency_id)
        .where(Commitment.id == update.commitment_id)).one()
    params = {"meeting_id": c.meeting_id, "commitment_id": c.id, "reference": c.reference, "title": c.title,
              "meeting": c.meeting, "agency": c.agency, "period": update.period, "reason": (note or "").strip()}
    return services.notify(queries.delegates_of([c.agency_id]), kind, params, meeting_id=c.meeting_id,
                           by_user=by_user)


def _period(p):
    try:
        return periods.parse_period(p["period"]).label()
    except ValueError:
        return p["period"]


def _link(p):
    return {"meeting_id": p["meeting_id"], "commitment_id": p["commitment_id"]}


def _why(p):
    return _("You get this because you are a delegate of %(agency)s, which reports on this commitment.",
             agency=p["agency"])


def render_verified(p):
    return kinds.Rendered(
        title=_("Progress of %(ref)s for %(period)s was verified", ref=p["reference"], period=_period(p)),
        text=_("The committee verified the report on \u201c%(title)s\u201d for %(period)s.",
               title=p["title"], period=_period(p)),
        endpoint="progress.timeline", values=_link(p), reason=_why(p), action=_("Open the progress"))


def render_returned(p):
    return kinds.Rendered(
        title=_("Progress of %(ref)s for %(period)s was sent back", ref=p["reference"], period=_period(p)),
        text=_("The committee sent back the report on \u201c%(title)s\u201d for %(period)s. Reason: %(reason)s",
               title=p["title"], period=_period(p), reason=p["reason"] or "\u2013"),
        endpoint="progress.timeline", values=_link(p), reason=_why(p), action=_("Correct the report"))


def register():
    kinds.register(VERIFIED, render_verified)
    kinds.register(RETURNED, render_returned)
