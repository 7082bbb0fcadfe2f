"""The administrator's official baseline values (rakor/commitments/baselines.py): the table per
region, indicator and year, the edit of one value, and the upload of a file in the format of
`flask indicators load` through the shared import flow (upload → preview → confirm, all or
nothing). Indicators are the administrator's (see indicators.py), so are their baselines."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from rakor.admin import bp
from rakor.commitments import baselines, queries
from rakor.commitments.forms import BaselineForm
from rakor.core.tabular.flow import ImportFlow
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.policy import ADMIN, roles

PER_PAGE = 100


def _int_arg(name):
    text = request.args.get(name, "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@bp.route("/indicators/baselines")
@roles(ADMIN)
def baseline_list():
    """Baseline values by region code; filtered by indicator and year."""
    indicator_id, year = _int_arg("indicator"), _int_arg("year")
    page = db.paginate(queries.baselines_statement(indicator_id, year), per_page=PER_PAGE, error_out=False)
    return render_template("admin/baselines.html", page=page, indicators=queries.indicator_topics(),
                           years=queries.baseline_years(), indicator_id=indicator_id, year=year)


@bp.route("/indicators/baselines/<int:baseline_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def baseline_edit(baseline_id):
    """Correct one official value and its source."""
    baseline = queries.baseline_with_names(baseline_id)
    if baseline is None:
        abort(404)
    form = BaselineForm(obj=baseline)
    # Back to the list as it was filtered.
    back_url = url_for("admin.baseline_list", indicator=_int_arg("indicator"), year=_int_arg("year"))
    if form.validate_on_submit():
        with domain_action(form) as done:
            baselines.update_baseline(baseline, form.value.data, form.source.data)
        if done.ok:
            flash(_("Baseline value saved."), "success")
            return redirect(back_url)
    return render_template("admin/baseline_form.html", form=form, baseline=baseline, back_url=back_url)


class BaselineImport(ImportFlow):
    kind, spec = baselines.STAGING_KIND, baselines.SPEC
    file_label = _l("Baseline values (CSV or XLSX)")
    templates = ("admin/baseline_upload.html", "admin/baseline_preview.html")

    def read(self, scope, content, filename, max_rows, **options):
        return baselines.preview(content, filename, max_rows)

    def write(self, scope, report, user, **options):
        return baselines.commit(report)

    def preview_context(self, scope, report, options):
        return {"actions": {"create": _("new"), "update": _("changed"), "unchanged": _("unchanged")}}

    def done(self, scope, outcome):
        return (_("Baselines imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.",
                  created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged),
                url_for("admin.baseline_list"))


BaselineImport().register(bp, "/indicators/baselines/import", roles(ADMIN))
