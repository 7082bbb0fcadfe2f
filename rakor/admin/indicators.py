"""The administrator's list of indicators (the topics commitments are measured by): names in
Indonesian and English, unit, direction, decimals, usual source, and how many official
baselines are loaded for each."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from rakor.admin import bp
from rakor.commitments import indicators, queries
from rakor.commitments.forms import IndicatorForm
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.models import Topic
from rakor.policy import ADMIN, roles


@bp.route("/indicators")
@roles(ADMIN)
def indicator_list():
    """Every topic and indicator with its unit, direction and loaded baselines."""
    return render_template("admin/indicators.html", rows=queries.indicator_rows())


def _save(form, topic):
    data = indicators.IndicatorData(**{name: getattr(form, name).data for name in indicators.IndicatorData.FIELDS})
    with domain_action(form) as done:
        indicators.save_indicator(topic, data)
    return done.ok


@bp.route("/indicators/new", methods=["GET", "POST"])
@roles(ADMIN)
def indicator_new():
    """Add a topic or indicator."""
    form = IndicatorForm()
    if form.validate_on_submit() and _save(form, None):
        flash(_("Indicator saved."), "success")
        return redirect(url_for("admin.indicator_list"))
    return render_template("admin/indicator_form.html", form=form, topic=None)


@bp.route("/indicators/<int:topic_id>/edit", methods=["GET", "POST"])
@roles(ADMIN)
def indicator_edit(topic_id):
    """Change an indicator's names, unit, direction, decimals or source."""
    topic = db.get_or_404(Topic, topic_id)
    form = IndicatorForm(obj=topic)
    if form.validate_on_submit() and _save(form, topic):
        flash(_("Indicator saved."), "success")
        return redirect(url_for("admin.indicator_list"))
    return render_template("admin/indicator_form.html", form=form, topic=topic)
