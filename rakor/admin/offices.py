"""The offices (OPDs, dinas) under a planning agency (tenancy, issue 22): a regency's committee
adds its own OPDs, as agencies under its Bappeda, to invite them to its meetings; the
administrator adds them under any planning agency. Rule `agency.add_office`."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.admin import bp, queries
from rakor.admin.forms import OfficeForm
from rakor.core.forms import choices
from rakor.core.web import domain_action
from rakor.policy import ADMIN, COMMITTEE, can, roles
from rakor.regions import services as regions_services


@bp.route("/offices", methods=["GET", "POST"])
@roles(ADMIN, COMMITTEE)
def offices():
    """The offices under the planning agencies the user may add them to, and a form to add one."""
    parents = [a for a in queries.planning_agencies() if can(current_user, "agency.add_office", a)]
    if not parents:
        abort(403)
    by_id = {a.id: a for a in parents}
    form = OfficeForm(data={"parent_id": parents[0].id} if len(parents) == 1 else None)
    form.parent_id.choices = choices([(a.id, a.name) for a in parents])
    if form.validate_on_submit():
        with domain_action(form) as done:
            regions_services.create_opd(by_id[form.parent_id.data], form.name.data, form.short_name.data)
        if done.ok:
            flash(_("Office added: it can now be invited to the meetings of its agency."), "success")
            return redirect(url_for("admin.offices"))
    listed = regions_services.offices_under(by_id)
    return render_template("admin/offices.html", form=form, offices=listed, parents=by_id)
