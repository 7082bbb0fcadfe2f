"""The administrator's webhook page: endpoints (add, pause, resume) and the delivery log (status,
attempts, last answer; send again)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.api import webhooks
from rakor.api.forms import WebhookForm
from rakor.api.models import WebhookDelivery, WebhookEndpoint
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.policy import ADMIN, roles

bp = Blueprint("api_webhooks", __name__)


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@roles(ADMIN)
def page():
    form = WebhookForm()
    if form.validate_on_submit():
        with domain_action(form) as done:
            webhooks.register(form.url.data, form.secret.data, form.events.data, current_user,
                              allow_internal=form.allow_internal.data)
        if done.ok:
            flash(_("The endpoint has been added."), "success")
            return redirect(url_for("api_webhooks.page"))
    return render_template("api/webhooks.html", form=form, endpoints=webhooks.endpoints(),
                           deliveries=webhooks.deliveries())


@bp.route("/admin/webhooks/<int:endpoint_id>/active", methods=["POST"])
@roles(ADMIN)
def toggle(endpoint_id):
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    with domain_action():
        webhooks.set_active(endpoint, not endpoint.active)
    return redirect(url_for("api_webhooks.page"))


@bp.route("/admin/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
@roles(ADMIN)
def resend(delivery_id):
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    with domain_action() as done:
        webhooks.resend(delivery)
    if done.ok:
        if webhooks.enqueue([delivery.id]) == 0:
            with domain_action():
                webhooks.send(delivery.id)
        flash(_("The delivery has been sent again."), "success")
    return redirect(url_for("api_webhooks.page"))
