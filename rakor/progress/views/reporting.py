"""Reporting progress: the meeting's progress page, the quarterly table where a delegate fills
in all its agency's commitments at once, a commitment's timeline with its chart, the single
update form (also for ad-hoc dates), the committee's review, evidence downloads."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.errors import DomainError
from rakor.core.forms import add_domain_error
from rakor.core.web import domain_action
from rakor.meetings import materials
from rakor.meetings.web import with_meeting
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, require, roles
from rakor.progress import bp, charts, periods, queries, services, workdays
from rakor.progress.achievement import absorption, band
from rakor.progress.expected import expected_share
from rakor.progress.forms import CsrfForm, PeriodForm, ReviewForm, UpdateRowForm
from rakor.progress.lifecycle import ReviewStatus, UpdateStatus
from rakor.progress.services import UnconfirmedPercentError, UpdateData

EVERYONE = (ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
REVIEW_ACTIONS = {"verify": ReviewStatus.VERIFIED, "return": ReviewStatus.RETURNED}


def labels():
    return {"update_status": UpdateStatus, "review_status": ReviewStatus, "band_of": band,
            "expected_share": expected_share,
            "absorption": absorption, "period_of": periods.parse_period, "measurable": services.measurable}


@bp.route("/meetings/<int:meeting_id>/progress")
@roles(*EVERYONE)
@with_meeting("meeting.view")
def meeting(meeting):
    """The meeting's agreed commitments with their latest progress."""
    rows = queries.meeting_progress(meeting, current_user)
    opens = queries.reporting_opens(meeting, workdays.today())
    return render_template("progress/meeting.html", meeting=meeting, rows=rows, opens=opens,
                           may_report=not opens and can(current_user, "progress.report_meeting", meeting),
                           **labels())


def _default_period(options):
    """The quarter to report on now: the one just ended, or the meeting's own."""
    return options[1] if len(options) > 1 else options[0]


def _not_open_yet(meeting, today, back):
    """A meeting in a later quarter has no period to report on yet: say from when, no form."""
    opens = queries.reporting_opens(meeting, today)
    if opens is None:
        return None
    flash(_("Reports can be filed from %(period)s.", period=opens.label()), "info")
    return redirect(back)


def _agency_id(meeting):
    """The delegate's own agency; the committee picks one (the first by default)."""
    if current_user.role == DELEGATE:
        return current_user.agency_id, []
    agencies = queries.reporting_agencies(meeting)
    wanted = request.args.get("agency", "")
    chosen = next((a.id for a in agencies if str(a.id) == wanted), agencies[0].id if agencies else None)
    return chosen, agencies


def _data(form, period):
    return UpdateData(period=period, status=form.status.data or None, realised_value=form.realised_value.data,
                      percent=form.percent.data, budget_realised=form.budget_realised.data,
                      physical_percent=form.physical_percent.data,
                      narrative=form.narrative.data, obstacles=form.obstacles.data,
                      next_steps=form.next_steps.data)


def _prefill(form, update):
    for name in ("realised_value", "budget_realised", "physical_percent", "status", "narrative", "obstacles",
                 "next_steps"):
        getattr(form, name).data = getattr(update, name)
    if update.percent_stated:
        form.percent.data = update.percent_achieved
    form.revision.data = str(update.revision)


def _row_error(form, state, key):
    def report(error):
        if isinstance(error, UnconfirmedPercentError):
            state.setdefault("confirm", set()).add(key)
        add_domain_error(form, error)
    return report


def _check_rows(meeting, rows, period_key, today):
    """Check every filled row with the services' rules before anything is written; errors go
    on their row. Returns the rows to write."""
    state, filled = {}, []
    for commitment, form in rows:
        if not form.filled():
            continue
        try:
            services.check_reporter(commitment, current_user)
            services.validate(commitment, meeting, _data(form, period_key),
                              confirm_percent=form.confirm_percent.data, today=today)
        except DomainError as error:
            _row_error(form, state, commitment.id)(error)
            continue
        filled.append((commitment, form))
    return filled, state


@bp.route("/meetings/<int:meeting_id>/progress/report", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("progress.report_meeting")
def table(meeting):
    """The quarterly table: every agreed commitment of one agency for one period, filled in at
    once. Rows left empty are skipped; a row whose figures did not change writes nothing; a
    changed row becomes a new revision of the period's update."""
    today = workdays.today()
    closed = _not_open_yet(meeting, today, url_for("progress.meeting", meeting_id=meeting.id))
    if closed:
        return closed
    options = queries.reportable_periods(meeting, today)
    wanted = request.args.get("period", "")
    period = next((p for p in options if p.key == wanted), None) or _default_period(options)
    agency_id, agencies = _agency_id(meeting)
    commitments = queries.agency_commitments(meeting, agency_id) if agency_id else []
    current = queries.current_updates([c.id for c in commitments], period.key)
    evidence = queries.evidence_of([c.id for c in commitments], period.key)
    page_form = CsrfForm()
    rows = []
    for c in commitments:
        form = UpdateRowForm(prefix=f"c{c.id}", meta={"csrf": False})
        if request.method == "GET" and c.id in current:
            _prefill(form, current[c.id])
        rows.append((c, form))
    state = {}
    if page_form.validate_on_submit() and all([form.validate() for _c, form in rows]):
        filled, state = _check_rows(meeting, rows, period.key, today)
        if not state and not any(form.errors for _c, form in rows):
            written = 0
            with materials.removed_unless_committed(services.EVIDENCE_FOLDER) as stored, domain_action() as done:
                for c, form in filled:
                    result = services.report(c, _data(form, period.key), current_user,
                                             confirm_percent=form.confirm_percent.data,
                                             expected_revision=form.expected_revision(), today=today)
                    written += result.created
                    if form.evidence.data:
                        services.add_evidence(result.update, form.evidence.data.stream,
                                              form.evidence.data.filename, current_user, stored)
                        written += not result.created
            if done.ok:
                flash(_("%(period)s: %(n)d reports saved.", period=period.label(), n=written), "success")
                return redirect(url_for("progress.table", meeting_id=meeting.id, period=period.key,
                                        agency=agency_id if agencies else None))
    return render_template("progress/table.html", meeting=meeting, period=period, options=options,
                           agencies=agencies, agency_id=agency_id, rows=rows, current=current,
                           evidence=evidence, page_form=page_form, confirm=state.get("confirm", set()),
                           **labels())


@bp.route("/meetings/<int:meeting_id>/commitments/<int:commitment_id>/progress")
@roles(*EVERYONE)
@with_meeting("meeting.view")
def timeline(meeting, commitment_id):
    """Baseline, every update (with its revisions, evidence and review) and the target."""
    commitment = queries.get_commitment(meeting, commitment_id)
    require(current_user, "progress.view", commitment)
    updates, evidence, reviews = queries.timeline(commitment)
    current = [u for u in updates if u.is_current]
    opens = queries.reporting_opens(meeting, workdays.today())
    return render_template("progress/timeline.html", meeting=meeting, c=commitment, updates=updates,
                           current=current, evidence=evidence, reviews=reviews, review_form=ReviewForm(),
                           delete_form=CsrfForm(), opens=opens,
                           may_report=not opens and can(current_user, "progress.report", commitment),
                           chart=charts.data_uri(charts.timeline_chart(commitment, current)),
                           chart_text=charts.timeline_text(commitment, current), **labels())


@bp.route("/meetings/<int:meeting_id>/commitments/<int:commitment_id>/progress/new", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def new_update(meeting, commitment_id):
    """Report on one commitment for any period: a quarter, or a date for an ad-hoc update."""
    commitment = queries.get_commitment(meeting, commitment_id)
    require(current_user, "progress.report", commitment)
    today = workdays.today()
    closed = _not_open_yet(meeting, today, url_for("progress.timeline", meeting_id=meeting.id,
                                                   commitment_id=commitment.id))
    if closed:
        return closed
    period_form = PeriodForm(prefix="p")
    form = UpdateRowForm(prefix="u", meta={"csrf": False})
    state = {}
    if request.method == "GET":
        period_form.period.data = request.args.get("period") or _default_period(
            queries.reportable_periods(meeting, today)).label()
        try:
            period = periods.parse_period(period_form.period.data)
            existing = queries.current_updates([commitment.id], period.key).get(commitment.id)
        except ValueError:
            existing = None
        if existing is not None:
            _prefill(form, existing)
    elif period_form.validate_on_submit() and form.validate():
        row_error = _row_error(form, state, commitment.id)

        def on_error(error):
            if error.field == "period":
                add_domain_error(period_form, error)
            else:
                row_error(error)

        with materials.removed_unless_committed(services.EVIDENCE_FOLDER) as stored, \
                domain_action(on_error=on_error) as done:
            result = services.report(commitment, _data(form, period_form.period.data), current_user,
                                     confirm_percent=form.confirm_percent.data,
                                     expected_revision=form.expected_revision())
            if form.evidence.data:
                services.add_evidence(result.update, form.evidence.data.stream, form.evidence.data.filename,
                                      current_user, stored)
        if done.ok:
            flash(_("Progress of %(ref)s saved.", ref=commitment.reference), "success")
            return redirect(url_for("progress.timeline", meeting_id=meeting.id, commitment_id=commitment.id))
    return render_template("progress/update_form.html", meeting=meeting, c=commitment, form=form,
                           period_form=period_form, confirm=bool(state.get("confirm")), **labels())


@bp.route("/meetings/<int:meeting_id>/progress/updates/<int:update_id>/<action>", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.view")
def review(meeting, update_id, action):
    """Verify an update, or send it back to the reporter with a comment."""
    if action not in REVIEW_ACTIONS:
        abort(404)
    update = queries.get_update(meeting, update_id)
    require(current_user, "progress.review", update)
    form = ReviewForm()
    if not form.validate():
        abort(400)
    with domain_action() as done:
        services.review(update, REVIEW_ACTIONS[action], current_user, note=form.note.data,
                        expected_from=form.expected.data or None)
    if done.ok:
        flash(_("%(period)s: %(status)s.", period=periods.parse_period(update.period).label(),
                status=REVIEW_ACTIONS[action].label), "success")
    return redirect(url_for("progress.timeline", meeting_id=meeting.id, commitment_id=update.commitment_id))


@bp.route("/meetings/<int:meeting_id>/progress/evidence/<int:evidence_id>/delete", methods=["POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def evidence_delete(meeting, evidence_id):
    """Remove a wrong evidence file while the report is not verified (record and file; the file
    goes once the deletion is committed)."""
    item, commitment = queries.get_evidence(meeting, evidence_id)
    require(current_user, "progress.report", commitment)
    if not CsrfForm().validate_on_submit():
        abort(400)
    name = item.original_filename
    with domain_action() as done:
        stored = services.remove_evidence(item, current_user)
    if done.ok:
        materials.remove_files([stored], services.EVIDENCE_FOLDER)
        flash(_("Evidence file %(name)s removed.", name=name), "success")
    return redirect(url_for("progress.timeline", meeting_id=meeting.id, commitment_id=commitment.id))


@bp.route("/meetings/<int:meeting_id>/progress/evidence/<int:evidence_id>/visibility", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.view")
def evidence_visibility(meeting, evidence_id):
    """The committee marks an evidence file public for every agency (public=1) or not (0)."""
    item, commitment = queries.get_evidence(meeting, evidence_id)
    require(current_user, "progress.evidence_visibility", item)
    if not CsrfForm().validate_on_submit():
        abort(400)
    public = request.form.get("public") == "1"
    with domain_action() as done:
        services.set_evidence_public(item, public, current_user)
    if done.ok:
        flash(_("Evidence file %(name)s can now be downloaded by every agency.", name=item.original_filename)
              if public else _("Evidence file %(name)s is again for its agency, the committee and leadership only.",
                               name=item.original_filename), "success")
    return redirect(url_for("progress.timeline", meeting_id=meeting.id, commitment_id=commitment.id))


@bp.route("/meetings/<int:meeting_id>/progress/evidence/<int:evidence_id>")
@roles(*EVERYONE)
@with_meeting("meeting.view")
def evidence(meeting, evidence_id):
    """An evidence file, as an attachment (never rendered in the page's origin)."""
    item, commitment = queries.get_evidence(meeting, evidence_id)
    require(current_user, "progress.evidence", (item, commitment))
    return materials.send_stored(item.stored_name, services.EVIDENCE_FOLDER, mimetype=item.content_type,
                                 download_name=item.original_filename, etag=item.sha256,
                                 what=f"evidence {item.id}")
