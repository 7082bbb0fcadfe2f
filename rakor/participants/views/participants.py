"""The participants of a meeting: the list, and adding, editing and cancelling a participant
(the committee for any agency, a delegate for its own)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload

from rakor.auth import tenancy
from rakor.core import page_cache
from rakor.core.formatting import current_locale
from rakor.core.forms import add_domain_error, add_errors, choices
from rakor.core.urls import int_arg, url_pattern
from rakor.core.web import domain_action
from rakor.extensions import MAX_PAGE
from rakor.meetings.web import in_meeting, kept_content, kept_for_reader, with_meeting
from rakor.participants import bp, queries
from rakor.participants.forms import DelegateForm, ParticipantForm
from rakor.participants.list_rows import ParticipantRows
from rakor.participants.models import Participant
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    clean_participant,
    register_participant,
    update_participant,
)
from rakor.participants.stats import meeting_stats
from rakor.participants.views._common import flash_warnings, is_delegate, meeting_context, raw_from_form
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, require, roles

PER_PAGE = 50


@bp.route("/meetings/<int:meeting_id>/participants")
@roles(ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
@kept_for_reader("participants", [page_cache.PARTICIPANTS])
@with_meeting("meeting.view")
def index(meeting):
    """The meeting's participants (a delegate sees its own agency), searchable and filtered; the
    content is kept for every viewer of the same class until the meeting's participants change."""
    def content():
        own_agency = current_user.agency_id if is_delegate() else None
        q = request.args.get("q", "").strip()[:100]
        status = request.args.get("status", "registered")
        status = status if status in queries.STATUS_FILTERS else "registered"
        agency_filter = int_arg(request.args, "agency")
        stmt = queries.participant_list(meeting.id, own_agency=own_agency, agency_id=agency_filter, q=q,
                                        status=status)
        page = queries.paginate_listed(stmt, page=int_arg(request.args, "page", 1, MAX_PAGE) or 1, per_page=PER_PAGE)
        stats = meeting_stats(meeting.id, own_agency)
        context = meeting_context(meeting)
        rows = ParticipantRows(
            user=current_user, row_url={action: url_pattern(f"participants.{action}", "participant_id",
                                                            meeting_id=meeting.id)
                                        for action in ("edit", "badge", "cancel")},
            may_change=current_user.role == COMMITTEE or context["registration_state"] == "open",
            csrf_token=generate_csrf(), role_labels=context["role_labels"], gender_labels=context["gender_labels"],
            timezone=meeting.timezone, locale=current_locale())
        return render_template(
            "participants/_index_body.html", page=page, stats=stats, q=q, status=status, rows=rows,
            agency_filter=agency_filter, can_register=can(current_user, "participant.register", meeting),
            **context)

    body = kept_content("participants", meeting, [page_cache.PARTICIPANTS], content)
    return render_template("participants/index.html", meeting=meeting, body=body)


def _form_for_user(meeting, obj=None):
    if is_delegate():
        return DelegateForm(obj=obj)
    form = ParticipantForm(obj=obj)
    form.agency_id.choices = choices([("", "—"), *queries.agency_choices(meeting.id, tenancy.invitable_agencies(current_user, meeting.organizer_agency_id))])
    return form


def _override_reason(form, errors):
    if is_delegate() or not form.override.data:
        return None
    reason = (form.override_reason.data or "").strip()
    if not reason:
        errors["override_reason"] = _("Give the reason for exceeding the quota; it is recorded.")
    return reason


def _clean(form, agency_id, meeting_role):
    raw = raw_from_form(form)
    raw["meeting_role"] = meeting_role
    result = clean_participant(raw, agency_id)
    return result.data, dict(result.errors)


def _report_on(form):
    """on_error of the participant form: a full quota tells the committee how to override it."""
    def report(error):
        if not isinstance(error, QuotaFullError):
            add_domain_error(form, error)
        elif is_delegate():
            form.form_errors.append(error.message)
        else:
            form.form_errors.append(_("%(problem)s Tick \"Register beyond the agency's quota\" and give "
                                      "a reason to register anyway.", problem=error.message))
    return report


def _offers_override(form, done):
    """Show the override fields: ticked already, or the committee just hit a full quota."""
    if is_delegate():
        return False
    return bool(form.override.data) or isinstance(done.error, QuotaFullError)


@bp.route("/meetings/<int:meeting_id>/participants/new", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("participant.register")
def new(meeting):
    """Register a participant: any agency for the committee, its own for a delegate."""
    form = _form_for_user(meeting)
    show_override = not is_delegate() and bool(form.override.data)
    if form.validate_on_submit():
        delegate = is_delegate()
        agency_id = current_user.agency_id if delegate else form.agency_id.data
        data, errors = _clean(form, agency_id, "peserta" if delegate else form.meeting_role.data)
        override_reason = _override_reason(form, errors)
        if errors:
            add_errors(form, errors)
        else:
            with domain_action(on_error=_report_on(form)) as done:
                participant, warnings = register_participant(
                    meeting, data, by_user=current_user, via="invitation" if delegate else "committee",
                    override_reason=override_reason, self_service=delegate)
            show_override = _offers_override(form, done)
            if done.ok:
                flash(_("%(name)s is registered.", name=participant.name), "success")
                flash_warnings(warnings)
                if request.form.get("next_action") == "another":
                    return redirect(url_for("participants.new", meeting_id=meeting.id))
                return redirect(url_for("participants.index", meeting_id=meeting.id))
    return render_template("participants/form.html", form=form, participant=None,
                           show_override=show_override, **meeting_context(meeting))


def _participant(meeting, participant_id):
    """The meeting's participant the user may edit (404 / 403)."""
    participant = in_meeting(Participant, participant_id, meeting, joinedload(Participant.agency))
    require(current_user, "participant.edit", participant)
    return participant


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def edit(meeting, participant_id):
    """Correct a participant's details (a delegate: its own agency's, role kept)."""
    participant = _participant(meeting, participant_id)
    form = _form_for_user(meeting, obj=participant)
    if request.method == "GET" and not is_delegate() and participant.quota_override_reason:
        form.override.data = True
        form.override_reason.data = participant.quota_override_reason
    show_override = not is_delegate() and bool(form.override.data)
    if form.validate_on_submit():
        delegate = is_delegate()
        agency_id = participant.agency_id if delegate else form.agency_id.data
        role = participant.meeting_role if delegate else form.meeting_role.data
        data, errors = _clean(form, agency_id, role)
        override_reason = _override_reason(form, errors)
        if errors:
            add_errors(form, errors)
        else:
            with domain_action(on_error=_report_on(form)) as done:
                warnings = update_participant(participant, data, by_user=current_user,
                                              override_reason=override_reason, self_service=delegate)
            show_override = _offers_override(form, done)
            if done.ok:
                flash(_("%(name)s is saved.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.index", meeting_id=meeting.id))
    return render_template("participants/form.html", form=form, participant=participant,
                           show_override=show_override, **meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/cancel", methods=["POST"])
@roles(COMMITTEE, DELEGATE)
@with_meeting("meeting.view")
def cancel(meeting, participant_id):
    """Cancel a registration; the seat is free again."""
    participant = _participant(meeting, participant_id)
    with domain_action() as done:
        cancel_participant(participant, by_user=current_user, self_service=is_delegate())
    if done.ok:
        flash(_("The registration of %(name)s is cancelled; the seat is free again.",
                name=participant.name), "success")
    return redirect(url_for("participants.index", meeting_id=meeting.id))
