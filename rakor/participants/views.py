"""Participant pages of a meeting: the committee's list/add/edit/cancel and seat quotas, a
delegate's own-agency registration, and the participants section of the meeting page.

Invitation links live in invitation_views.py, check-in, QR codes and badges in
checkin_views.py (both imported at the end of this module)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from rakor.core.errors import DomainError
from rakor.core.forms import choices
from rakor.core.urls import int_arg
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants import bp, quotas
from rakor.participants.forms import (
    GENDER_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    DelegateForm,
    ParticipantForm,
    QuotaForm,
    SeatsForm,
)
from rakor.participants.invitations import registration_state
from rakor.participants.models import Participant
from rakor.participants.normalize import format_phone
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    clean_participant,
    register_participant,
    update_participant,
)
from rakor.participants.stats import meeting_stats
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP, can, require, roles
from rakor.regions.models import Agency, Region

PER_PAGE = 50
PARTICIPANT_FIELDS = ("name", "nip", "position", "phone", "email", "gender")
STATUS_FILTERS = ("registered", "cancelled", "present", "absent", "all")


# --- helpers shared by the participant modules -------------------------------------------------

def phone_filter(value):
    return format_phone(value)


def meeting_or_404(meeting_id) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def participant_or_404(meeting, participant_id) -> Participant:
    """Always filtered by meeting: a participant id of another meeting in the URL is a 404."""
    participant = db.session.scalar(
        select(Participant).options(joinedload(Participant.agency))
        .where(Participant.id == participant_id, Participant.meeting_id == meeting.id))
    if participant is None:
        abort(404)
    return participant


def put_errors(form, errors: dict):
    """clean_participant's {field: message} onto the form's fields (or the form itself)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def put_domain_error(form, error: DomainError):
    put_errors(form, {error.field or "__form__": error.message})


def raw_from_form(form) -> dict:
    return {name: getattr(form, name).data for name in PARTICIPANT_FIELDS}


def flash_warnings(warnings):
    for w in warnings:
        flash(str(w), "warning")


def is_delegate():
    return current_user.role == DELEGATE


def _agency_choices(meeting):
    """Agencies with a quota for this meeting first, then every other agency."""
    quota_ids = {r.agency_id for r in meeting_stats(meeting.id).quota_rows}
    agencies = db.session.execute(
        select(Agency.id, Agency.name).join(Region, Region.id == Agency.region_id)
        .order_by(Region.kemendagri_code, Agency.name)).all()
    first = [(a.id, a.name) for a in agencies if a.id in quota_ids]
    rest = [(a.id, a.name) for a in agencies if a.id not in quota_ids]
    return choices([("", "—"), *first, *rest])


def _meeting_context(meeting):
    return {"meeting": meeting, "role_labels": ROLE_LABELS, "gender_labels": GENDER_LABELS,
            "status_labels": STATUS_LABELS, "registration_state": registration_state(meeting)}


# --- list ----------------------------------------------------------------------------------

def _search(stmt, q):
    like = f"%{q.lower()}%"
    agency_ids = select(Agency.id).where(
        or_(func.lower(Agency.name).like(like), func.lower(Agency.short_name).like(like)))
    return stmt.where(or_(func.lower(Participant.name).like(like), Participant.nip.like(f"%{q}%"),
                          Participant.agency_id.in_(agency_ids)))


@bp.route("/meetings/<int:meeting_id>/participants")
@roles(ADMIN, COMMITTEE, LEADERSHIP, DELEGATE)
def index(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.view", meeting)
    own_agency = current_user.agency_id if is_delegate() else None
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "registered")
    status = status if status in STATUS_FILTERS else "registered"
    agency_filter = int_arg(request.args, "agency")

    stmt = (select(Participant).options(joinedload(Participant.agency))
            .where(Participant.meeting_id == meeting.id)
            .order_by(Participant.name, Participant.id))
    if own_agency is not None:
        stmt = stmt.where(Participant.agency_id == own_agency)
    elif agency_filter:
        stmt = stmt.where(Participant.agency_id == agency_filter)
    if q:
        stmt = _search(stmt, q)
    if status in ("registered", "present", "absent"):
        stmt = stmt.where(Participant.status == "registered")
    if status == "cancelled":
        stmt = stmt.where(Participant.status == "cancelled")
    elif status == "present":
        stmt = stmt.where(Participant.checked_in_at.is_not(None))
    elif status == "absent":
        stmt = stmt.where(Participant.checked_in_at.is_(None))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False, count=True)
    stats = meeting_stats(meeting.id, own_agency)
    return render_template(
        "participants/index.html", page=page, stats=stats, q=q, status=status,
        agency_filter=agency_filter, can_register=can(current_user, "participant.register", meeting),
        **_meeting_context(meeting))


# --- add / edit / cancel -------------------------------------------------------------------

def _form_for_user(meeting, obj=None):
    if is_delegate():
        return DelegateForm(obj=obj)
    form = ParticipantForm(obj=obj)
    form.agency_id.choices = _agency_choices(meeting)
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


def _quota_full(form, error):
    db.session.rollback()
    if is_delegate():
        form.form_errors.append(error.message)
        return False
    form.form_errors.append(_("%(problem)s Tick \"Register beyond the agency's quota\" and give a "
                              "reason to register anyway.", problem=error.message))
    return True


@bp.route("/meetings/<int:meeting_id>/participants/new", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
def new(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "participant.register", meeting)
    form = _form_for_user(meeting)
    show_override = not is_delegate() and bool(form.override.data)
    if form.validate_on_submit():
        delegate = is_delegate()
        agency_id = current_user.agency_id if delegate else form.agency_id.data
        data, errors = _clean(form, agency_id, "peserta" if delegate else form.meeting_role.data)
        override_reason = _override_reason(form, errors)
        if errors:
            put_errors(form, errors)
        else:
            try:
                participant, warnings = register_participant(
                    meeting, data, by_user=current_user, via="invitation" if delegate else "committee",
                    override_reason=override_reason, self_service=delegate)
            except QuotaFullError as e:
                show_override = _quota_full(form, e)
            except DomainError as e:
                db.session.rollback()
                put_domain_error(form, e)
            else:
                db.session.commit()
                flash(_("%(name)s is registered.", name=participant.name), "success")
                flash_warnings(warnings)
                if request.form.get("next_action") == "another":
                    return redirect(url_for("participants.new", meeting_id=meeting.id))
                return redirect(url_for("participants.index", meeting_id=meeting.id))
    return render_template("participants/form.html", form=form, participant=None,
                           show_override=show_override, **_meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE, DELEGATE)
def edit(meeting_id, participant_id):
    meeting = meeting_or_404(meeting_id)
    participant = participant_or_404(meeting, participant_id)
    require(current_user, "meeting.view", meeting)
    require(current_user, "participant.edit", participant)
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
            put_errors(form, errors)
        else:
            try:
                warnings = update_participant(participant, data, by_user=current_user,
                                              override_reason=override_reason, self_service=delegate)
            except QuotaFullError as e:
                show_override = _quota_full(form, e)
            except DomainError as e:
                db.session.rollback()
                put_domain_error(form, e)
            else:
                db.session.commit()
                flash(_("%(name)s is saved.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.index", meeting_id=meeting.id))
    return render_template("participants/form.html", form=form, participant=participant,
                           show_override=show_override, **_meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>/cancel", methods=["POST"])
@roles(COMMITTEE, DELEGATE)
def cancel(meeting_id, participant_id):
    meeting = meeting_or_404(meeting_id)
    participant = participant_or_404(meeting, participant_id)
    require(current_user, "meeting.view", meeting)
    require(current_user, "participant.edit", participant)
    try:
        cancel_participant(participant, by_user=current_user, self_service=is_delegate())
    except DomainError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
    else:
        db.session.commit()
        flash(_("The registration of %(name)s is cancelled; the seat is free again.",
                name=participant.name), "success")
    return redirect(url_for("participants.index", meeting_id=meeting.id))


# --- seat quotas ---------------------------------------------------------------------------

def _render_quotas(meeting, bulk_form=None, quota_form=None, row_error=None, status=200):
    quota_form = quota_form or QuotaForm(formdata=None)
    quota_form.agency_id.choices = _agency_choices(meeting)
    stats = meeting_stats(meeting.id)
    return render_template(
        "participants/quotas.html", stats=stats, bulk_form=bulk_form or SeatsForm(formdata=None),
        quota_form=quota_form, row_error=row_error or {},
        can_manage=can(current_user, "meeting.manage_participants", meeting),
        **_meeting_context(meeting)), status


@bp.route("/meetings/<int:meeting_id>/quotas")
@roles(COMMITTEE)
def quotas_page(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.view", meeting)
    return _render_quotas(meeting)


@bp.route("/meetings/<int:meeting_id>/quotas/province", methods=["POST"])
@roles(COMMITTEE)
def quotas_for_province(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    form = SeatsForm()
    if form.validate_on_submit():
        try:
            rows = quotas.set_seats_for_province(meeting, form.seats.data)
        except DomainError as e:
            db.session.rollback()
            put_errors(form, {e.field or "seats": e.message})
        else:
            db.session.commit()
            flash(_("%(n)d agencies now have %(seats)s seats each.", n=len(rows), seats=form.seats.data),
                  "success")
            return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
    return _render_quotas(meeting, bulk_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/quotas/set", methods=["POST"])
@roles(COMMITTEE)
def quota_set(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    form = QuotaForm()
    form.agency_id.choices = _agency_choices(meeting)
    in_row = request.form.get("row") == "1"
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        try:
            if agency is None:
                raise DomainError(_("Choose an agency."), field="agency_id")
            quotas.set_seats(meeting, agency, form.seats.data)
        except DomainError as e:
            db.session.rollback()
            if in_row:
                return _render_quotas(meeting, row_error={form.agency_id.data: (form.seats.data, e.message)},
                                      status=422)
            put_errors(form, {e.field or "seats": e.message})
        else:
            db.session.commit()
            flash(_("%(agency)s: %(seats)s seats.", agency=agency.name, seats=form.seats.data), "success")
            return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
    elif in_row and form.agency_id.data:
        message = (form.seats.errors or form.agency_id.errors or [_("Check the number of seats.")])[0]
        return _render_quotas(meeting, row_error={form.agency_id.data: (form.seats.data, message)},
                              status=422)
    return _render_quotas(meeting, quota_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/quotas/<int:agency_id>/remove", methods=["POST"])
@roles(COMMITTEE)
def quota_remove(meeting_id, agency_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    try:
        quotas.remove_quota(meeting, agency)
    except DomainError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
    else:
        db.session.commit()
        flash(_("The quota of %(agency)s is removed.", agency=agency.name), "success")
    return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))


# --- the participants section of the meeting page ----------------------------------------

def meeting_section(meeting, user):
    """Context of templates/participants/_meeting_section.html: per agency quota, registered,
    checked in, and totals, in a fixed number of queries (aggregates in SQL)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    own_agency = user.agency_id if user.role == DELEGATE else None
    stats = meeting_stats(meeting.id, own_agency)
    return {
        "participants_section": {
            "meeting": meeting,
            "stats": stats,
            "is_committee": user.role == COMMITTEE,
            "own_agency": own_agency,
            "can_register": can(user, "participant.register", meeting),
            "registration_state": registration_state(meeting),
        }
    }


from rakor.participants import checkin_views, invitation_views  # noqa: E402,F401
