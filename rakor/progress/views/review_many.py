"""Verify or send back the ticked progress updates of a meeting (its progress page)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.web import domain_action
from rakor.meetings.web import with_meeting
from rakor.policy import COMMITTEE, roles
from rakor.progress import bp, review_many
from rakor.progress.forms import BulkReviewForm


@bp.route("/meetings/<int:meeting_id>/progress/review", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.view")
def review_ticked(meeting):
    form = BulkReviewForm()
    back = redirect(url_for("progress.meeting", meeting_id=meeting.id))
    if not form.validate_on_submit():
        flash(_("Choose verify or send back."), "danger")
        return back
    with domain_action() as done:
        outcome = review_many.review_many(meeting, review_many.parse_ids(request.form.getlist("update")),
                                          form.action.data, current_user, note=form.note.data)
    if done.ok:
        if outcome.done:
            flash((_("Verified: %(names)s.", names=", ".join(outcome.done)) if form.action.data == "verify"
                   else _("Sent back: %(names)s.", names=", ".join(outcome.done))), "success")
        for name, why in outcome.refused:
            flash(_("Not reviewed: %(name)s: %(why)s", name=name, why=why), "warning")
    return back
