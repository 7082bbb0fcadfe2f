"""Moving a meeting ("rapat diundur"): the new time, the plan shown before saving, the move.

Two steps on one page: the committee enters the new start and end and sees where the meeting,
each timed agenda item and the registration window would go; "Save the new schedule" applies
that plan. Then the features that tell people (participants: the invited agencies, by e-mail
with the new .ics and a WhatsApp text) offer to do so: `hooks.after_move`.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.dates import day_off_note
from rakor.core.errors import DomainError
from rakor.core.formatting import local_date
from rakor.core.forms import add_domain_error
from rakor.core.web import domain_action
from rakor.meetings import bp, hooks, queries, reschedule
from rakor.meetings.forms import RescheduleForm
from rakor.meetings.views.meeting import _explain_final_minutes, _local_naive
from rakor.meetings.web import with_meeting
from rakor.policy import COMMITTEE, roles


def _initial(meeting):
    return {"starts_at": _local_naive(meeting.starts_at, meeting.timezone),
            "ends_at": _local_naive(meeting.ends_at, meeting.timezone),
            "shift_registration": True,
            "expected": meeting.starts_at.isoformat()}


def _expected(form):
    from datetime import datetime

    try:
        return datetime.fromisoformat(form.expected.data) if form.expected.data else None
    except ValueError:
        return None


@bp.route("/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit", refused=_explain_final_minutes)
def reschedule_meeting(meeting):
    """Move the meeting with its agenda: plan first, then save."""
    form = RescheduleForm() if request.method == "POST" else RescheduleForm(data=_initial(meeting))
    plan = None
    if form.validate_on_submit():
        expected = _expected(form)
        if form.confirm.data == "yes":
            with domain_action(form) as done:
                change = reschedule.reschedule(
                    meeting, form.starts_at.data, form.ends_at.data, user=current_user,
                    reason=form.reason.data, shift_registration=form.shift_registration.data,
                    expected_starts_at=expected)
            if done.ok:
                flash(_("The meeting was moved; its agenda moved with it."), "success")
                after = next(iter(hooks.after_move), None)
                if after is not None:
                    return redirect(url_for(after.endpoint, meeting_id=meeting.id, change_id=change.id))
                return redirect(url_for("meetings.view", meeting_id=meeting.id))
        else:
            try:
                plan = reschedule.plan_reschedule(meeting, form.starts_at.data, form.ends_at.data,
                                                  shift_registration=form.shift_registration.data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                form.expected.data = meeting.starts_at.isoformat()
    day_note = day_off_note(local_date(plan.to_starts_at, meeting.timezone)) if plan else None
    return render_template("meetings/reschedule.html", meeting=meeting, form=form, plan=plan,
                           day_note=day_note, history=queries.date_changes_of(meeting.id))
