"""Commitment pages: the meeting's list (by region or topic, with filters and totals), the
form (a phone in the meeting room is the first screen it is made for), a commitment with its
history and the decisions on it, a region's commitments across meetings, and the signatories
of the agreement record."""
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from rakor.commitments import bp, queries, services
from rakor.commitments.forms import MISSING_VERSION, CommitmentForm, DecisionForm, SignatoryForm
from rakor.commitments.lifecycle import FUNDING_SOURCES, CommitmentStatus
from rakor.commitments.list_rows import CommitmentCards
from rakor.commitments.services import CommitmentData, UnconfirmedDirectionError
from rakor.commitments.views import imports
from rakor.core import page_cache
from rakor.core.formatting import current_locale
from rakor.core.forms import add_domain_error, choices
from rakor.core.urls import url_pattern
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.web import kept_content, kept_for_reader, with_meeting
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, require, roles
from rakor.regions.models import Region

S = CommitmentStatus
EVERYONE = (ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
DECISIONS = {  # URL action -> (target status, policy rule, success message)
    "submit": (S.SUBMITTED, "commitment.submit"),
    "agree": (S.AGREED, "commitment.review"),
    "return": (S.RETURNED, "commitment.review"),
    "withdraw": (S.WITHDRAWN, "commitment.withdraw"),
}


EVENT_LABELS = {
    "created": _l("Created"), "updated": _l("Changed"), "submitted": _l("Submitted"),
    "returned": _l("Returned"), "agreed": _l("Agreed"), "amended": _l("Amended"),
    "withdrawn": _l("Withdrawn"),
}


class _Statuses:
    """CommitmentStatus for a list's template, labels translated once per page rather than once
    per row (a lazy label resolves through Flask-Babel's context on every use): callable like
    the enum (`status_of(c.status)`) and iterable like it (the filter's options)."""

    def __init__(self):
        self._by_value = {s.value: SimpleNamespace(value=s.value, label=str(s.label), badge=s.badge) for s in S}

    def __call__(self, status):
        return self._by_value[S(status).value]

    def __iter__(self):
        return iter(self._by_value.values())


def _list_labels():
    return {"status_of": _Statuses(), "funding_sources": {k: str(v) for k, v in FUNDING_SOURCES.items()}}


def _labels():
    # The field labels (a commitment's history names what changed) cost a whole form: only the
    # pages of one commitment need them, not the lists.
    return {**_list_labels(), "event_labels": EVENT_LABELS,
            "field_labels": {name: f.label.text for name, f in CommitmentForm(meta={"csrf": False})._fields.items()}}


@bp.route("/meetings/<int:meeting_id>/commitments")
@roles(*EVERYONE)
@kept_for_reader("commitments", [page_cache.COMMITMENTS])
@with_meeting("meeting.view")
def index(meeting):
    """The meeting's commitments grouped by region or topic, with counts and budget totals; the
    content is kept for every viewer of the same class until the meeting's commitments change
    (a commitment submitted elsewhere in the meeting re-renders it, a check-in does not)."""
    def content():
        filters = queries.Filters.from_args(request.args)
        commitments = queries.meeting_commitment_rows(meeting, current_user, filters)
        topics, regions = queries.filter_choices(meeting)
        counts = queries.status_counts(commitments)
        labels = _list_labels()
        may_decide = bool(counts[S.SUBMITTED]) and can(current_user, "commitment.manage", meeting)
        cards = CommitmentCards(
            commitment_url=url_pattern("commitments.view", "commitment_id", meeting_id=meeting.id),
            status_of=labels["status_of"], funding_sources=labels["funding_sources"], may_decide=may_decide,
            locale=current_locale())
        return render_template(
            "commitments/_index_body.html", meeting=meeting, filters=filters, commitments=commitments,
            cards=cards, may_decide=may_decide, region_url=url_pattern("commitments.region", "region_id"),
            groups=queries.grouped(commitments, filters.group), counts=counts,
            topics=topics, regions=regions, may_create=can(current_user, "commitment.create", meeting),
            commitment_links=imports.links(meeting, current_user),
            total_budget=sum(g.budget for g in queries.grouped(commitments)), **labels)

    body = kept_content("commitments", meeting, [page_cache.COMMITMENTS], content)
    return render_template("commitments/index.html", meeting=meeting, body=body)


def _fill_choices(form, meeting):
    items, topics, indicators, programmes = queries.form_choices(meeting)
    agencies = queries.participating_agencies(meeting)
    form.agency_id.choices = choices([("", "—")] + [(a.id, a.name) for a in agencies])
    form.agenda_item_id.choices = choices([("", "—")] + [(i.id, i.title) for i in items])
    form.topic_id.choices = choices([("", "—")] + [(t.id, t.name) for t in topics])
    form.indicator_id.choices = choices([("", _("— no numeric indicator —"))]
                                        + [(t.id, f"{t.name} ({t.unit})") for t in indicators])
    return {"programmes": programmes, "indicators": indicators}


def _data(form, agency_id):
    return CommitmentData(agency_id=agency_id, **{name: getattr(form, name).data for name in (
        "agenda_item_id", "topic_id", "title", "description", "programme_code", "indicator_id",
        "baseline_value", "baseline_year", "target_value", "target_date", "responsible_office",
        "contact_person", "budget", "funding_source", "budget_year")})


def _agency_of_form(form):
    """A delegate's commitments are its own agency's: the form shows no agency choice, and a
    crafted agency id reaches the service, which refuses it."""
    if current_user.role == DELEGATE:
        return form.agency_id.data or current_user.agency_id
    return form.agency_id.data


def _baselines_for(agency_id):
    """{indicator id: {value, year, source}} for the form's script that prefills the baseline."""
    return {str(k): {"value": format(b.value.normalize(), "f").replace(".", ","), "year": b.year,
                     "source": b.source or ""}
            for k, b in queries.baselines_of_agency(agency_id).items()}


def _on_error(form, state):
    def report(error):
        if isinstance(error, UnconfirmedDirectionError):
            state["confirm"] = True
        add_domain_error(form, error)
    return report


@bp.route("/meetings/<int:meeting_id>/commitments/new", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("commitment.create")
def new(meeting):
    """Draft a commitment; 'save and submit' sends it to the committee at once."""
    form = CommitmentForm()
    extra = _fill_choices(form, meeting)
    state = {"confirm": False}
    if request.method == "GET" and current_user.role == DELEGATE:
        form.agency_id.data = current_user.agency_id
    if form.validate_on_submit():
        with domain_action(on_error=_on_error(form, state)) as done:
            commitment = services.create_commitment(
                meeting, _data(form, _agency_of_form(form)), current_user,
                submit="submit_now" in request.form, confirm_direction=form.confirm_direction.data)
        if done.ok:
            flash(_("Commitment %(ref)s saved.", ref=commitment.reference), "success")
            return redirect(url_for("commitments.view", meeting_id=meeting.id, commitment_id=commitment.id))
    return render_template("commitments/form.html", meeting=meeting, form=form, commitment=None,
                           needs_confirmation=state["confirm"] or form.confirm_direction.data,
                           baselines=_baselines_for(_agency_of_form(form)), **extra, **_labels())


@bp.route("/meetings/<int:meeting_id>/commitments/<int:commitment_id>")
@roles(*EVERYONE)
@with_meeting("meeting.view")
def view(meeting, commitment_id):
    """A commitment, its history (who, when, what changed) and the decisions the user may take."""
    commitment = queries.get_commitment(meeting, commitment_id, with_history=True)
    require(current_user, "commitment.view", commitment)
    return render_template("commitments/view.html", meeting=meeting, c=commitment,
                           decision_form=DecisionForm(), **_labels())


@bp.route("/meetings/<int:meeting_id>/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def edit(meeting, commitment_id):
    """Change a commitment; an agreed one is amended by the committee, with a reason."""
    commitment = queries.get_commitment(meeting, commitment_id)
    require(current_user, "commitment.edit", commitment)
    form = CommitmentForm() if request.method == "POST" else CommitmentForm(obj=commitment)
    extra = _fill_choices(form, meeting)
    if request.method == "GET":
        form.version.data = commitment.version
    state = {"confirm": False}
    valid = form.validate_on_submit()
    expected = form.expected_version()
    if valid and expected is None:
        form.form_errors.append(MISSING_VERSION)  # an edit is never saved unchecked
    elif valid:
        submit = "submit_now" in request.form and can(current_user, "commitment.submit", commitment)
        with domain_action(on_error=_on_error(form, state)) as done:
            services.update_commitment(commitment, _data(form, commitment.agency_id), current_user,
                                       expected_version=expected, reason=form.reason.data,
                                       confirm_direction=form.confirm_direction.data)
            if submit:  # "Save and submit" on a draft or a returned commitment
                services.change_status(commitment, S.SUBMITTED, current_user)
        if done.ok:
            flash(_("Commitment %(ref)s saved and submitted to the committee.", ref=commitment.reference)
                  if submit else _("Commitment %(ref)s saved.", ref=commitment.reference), "success")
            return redirect(url_for("commitments.view", meeting_id=meeting.id, commitment_id=commitment.id))
    return render_template("commitments/form.html", meeting=meeting, form=form, commitment=commitment,
                           needs_confirmation=state["confirm"] or form.confirm_direction.data,
                           baselines=_baselines_for(commitment.agency_id), **extra, **_labels())


@bp.route("/meetings/<int:meeting_id>/commitments/<int:commitment_id>/<action>", methods=["POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def decide(meeting, commitment_id, action):
    """Submit, agree, return with a comment, or withdraw."""
    if action not in DECISIONS:
        abort(404)
    commitment = queries.get_commitment(meeting, commitment_id)
    to_status, action_rule = DECISIONS[action]
    require(current_user, action_rule, commitment)
    form = DecisionForm()
    if not form.validate():
        abort(400)
    with domain_action() as done:
        services.change_status(commitment, to_status, current_user, note=form.note.data,
                               expected_status=form.expected.data or None)
    if done.ok:
        flash(_("Commitment %(ref)s: %(status)s.", ref=commitment.reference, status=to_status.label), "success")
    return redirect(url_for("commitments.view", meeting_id=meeting.id, commitment_id=commitment.id))


@bp.route("/regions/<int:region_id>/commitments")
@roles(*EVERYONE)
def region(region_id):
    """A region's commitments across every meeting the user may see."""
    region = db.get_or_404(Region, region_id)
    commitments = queries.region_commitments(region, current_user)
    return render_template("commitments/region.html", region=region, commitments=commitments,
                           counts=queries.status_counts(commitments), **_list_labels())


@bp.route("/meetings/<int:meeting_id>/commitments/signatories", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("commitment.manage")
def signatories(meeting):
    """Who signs the agreement record for each agency: proposed from its delegates, editable."""
    agencies = queries.participating_agencies(meeting)
    saved, proposed = queries.signatories(meeting), queries.proposed_signatories(meeting)
    forms = []
    for agency in agencies:
        current = saved.get(agency.id) or proposed.get(agency.id)
        form = SignatoryForm(prefix=f"a{agency.id}", meta={"csrf": False},
                             obj=current if request.method == "GET" else None)
        forms.append((agency, form))
    # One CSRF token for the page; the per-agency forms carry none of their own.
    if DecisionForm().validate_on_submit() and all([f.validate() for _a, f in forms]):
        with domain_action() as done:
            services.save_signatories(meeting, {a.id: (f.name.data, f.position.data, f.nip.data, f.rank.data)
                                                for a, f in forms})
        if done.ok:
            flash(_("Signatories saved."), "success")
            return redirect(url_for("commitments.index", meeting_id=meeting.id))
    return render_template("commitments/signatories.html", meeting=meeting, forms=forms)
