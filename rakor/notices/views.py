"""A user's notices: the list, open one (marks it read), mark all read."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.notices import bp, kinds, queries, services
from rakor.notices.forms import CsrfForm
from rakor.policy import authenticated

PER_PAGE = 30


@bp.route("/notices")
@authenticated
def index():
    page = db.paginate(queries.page_statement(current_user), per_page=PER_PAGE, error_out=False)
    shown = [(n, kinds.render(n.kind, n.params)) for n in page.items]
    return render_template("notices/index.html", page=page, shown=shown, form=CsrfForm())


def _own_posted(notice_id):
    """The user's own notice for a posted form: 404 for anyone else's, 400 without CSRF."""
    notice = queries.own_notice(current_user, notice_id)
    if notice is None:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    return notice


@bp.route("/notices/<int:notice_id>/open", methods=["POST"])
@authenticated
def open_notice(notice_id):
    """Mark the notice read and go where it points."""
    notice = _own_posted(notice_id)
    with domain_action():
        services.mark_read(notice)
    shown = kinds.render(notice.kind, notice.params)
    return redirect(url_for(shown.endpoint, **shown.values))


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@authenticated
def mark_read(notice_id):
    notice = _own_posted(notice_id)
    with domain_action():
        services.mark_read(notice)
    return redirect(url_for("notices.index"))


@bp.route("/notices/read-all", methods=["POST"])
@authenticated
def mark_all_read():
    if not CsrfForm().validate_on_submit():
        abort(400)
    with domain_action() as done:
        n = services.mark_all_read(current_user)
    if done.ok:
        flash(_("%(n)d notices marked as read.", n=n), "success")
    return redirect(url_for("notices.index"))
