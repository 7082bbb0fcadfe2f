"""The committee's "send again" for a failed e-mail."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.urls import is_safe_next
from rakor.core.web import domain_action
from rakor.mail import bp, services
from rakor.mail.models import SENT
from rakor.policy import COMMITTEE, require, roles


@bp.route("/<int:mail_id>/retry", methods=["POST"])
@roles(COMMITTEE)
def retry(mail_id):
    """Queue the failed mail again and send it now; back to the page the button was on."""
    require(current_user, "mail.retry", services.meeting_id_of(mail_id))
    with domain_action() as done:
        services.retry(mail_id)
    if done.ok:
        outcome = services.send_committed()
        if outcome.get(mail_id) == SENT:
            flash(_("The e-mail was sent."), "success")
        else:
            flash(_("The e-mail could not be sent again; the reason is shown in the list."), "warning")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))


@bp.route("/meetings/<int:meeting_id>/retry", methods=["POST"])
@roles(COMMITTEE)
def retry_meeting(meeting_id):
    """Send every failed e-mail of a meeting again (the button on its page)."""
    require(current_user, "mail.retry", meeting_id)
    with domain_action() as done:
        ids = services.retry_failed(meeting_id)
    if done.ok:
        outcome = services.send_committed()
        failed = sum(1 for i in ids if outcome.get(i) != SENT)
        if failed:
            flash(_("%(sent)d e-mails sent; %(failed)d still could not be sent.", sent=len(ids) - failed,
                    failed=failed), "warning")
        else:
            flash(_("%(n)d e-mails sent.", n=len(ids)), "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))
