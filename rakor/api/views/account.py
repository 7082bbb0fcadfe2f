"""API tokens on the account menu: create (shown once), list, revoke; the administrator's
list of every token, with revoke."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.api import tokens
from rakor.api.forms import TokenForm
from rakor.core.formatting import DEFAULT_TZ
from rakor.core.web import domain_action
from rakor.policy import ADMIN, authenticated, roles

bp = Blueprint("api_account", __name__)


def _end_of_day(day):
    """A token "expires on" a day: it works until that day ends in the default zone (WITA)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(DEFAULT_TZ))


@bp.route("/account/tokens", methods=["GET", "POST"])
@authenticated
def tokens_page():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        with domain_action(form) as done:
            issued = tokens.issue(current_user, form.name.data, form.scope.data,
                                  _end_of_day(form.expires_on.data))
            secret = issued.secret
        if done.ok:
            form = TokenForm(formdata=None)
        else:
            secret = None
    return render_template("api/tokens.html", form=form, secret=secret,
                           tokens=tokens.tokens_of(current_user))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@authenticated
def revoke(token_id):
    token = tokens.get_token(token_id)
    if token is None or (token.user_id != current_user.id and current_user.role != ADMIN):
        abort(404)
    with domain_action() as done:
        tokens.revoke(token, current_user)
    if done.ok:
        flash(_("The token %(name)s has been revoked; it no longer works.", name=token.name), "success")
    if token.user_id != current_user.id:
        return redirect(url_for("api_account.all_tokens"))
    return redirect(url_for("api_account.tokens_page"))


@bp.route("/admin/api-tokens")
@roles(ADMIN)
def all_tokens():
    return render_template("api/all_tokens.html", rows=tokens.all_tokens())
