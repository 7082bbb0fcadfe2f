"""The committee agrees or returns many submitted commitments at once (the meeting's list)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.commitments import bp, bulk
from rakor.commitments.forms import BulkDecisionForm
from rakor.core.web import domain_action
from rakor.meetings.web import with_meeting
from rakor.policy import COMMITTEE, roles


def _report(outcome, action):
    if outcome.done:
        message = (_("Agreed: %(refs)s.", refs=", ".join(outcome.done)) if action == "agree"
                   else _("Returned: %(refs)s.", refs=", ".join(outcome.done)))
        flash(message, "success")
    for name, why in outcome.refused:
        flash(_("Not decided: %(ref)s: %(why)s", ref=name, why=why), "warning")


@bp.route("/meetings/<int:meeting_id>/commitments/decide", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("commitment.manage")
def decide_many(meeting):
    """Agree or return (with one reason for all) the ticked commitments; each on its own."""
    form = BulkDecisionForm()
    back = redirect(url_for("commitments.index", meeting_id=meeting.id, **request.args))
    if not form.validate_on_submit():
        flash(_("Choose agree or return."), "danger")
        return back
    action = form.action.data
    with domain_action() as done:
        outcome = bulk.decide_many(meeting, bulk.parse_picks(request.form.getlist("item")), action,
                                   current_user, note=form.note.data)
    if done.ok:
        _report(outcome, action)
    return back
