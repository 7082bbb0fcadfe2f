"""Seat quotas of a meeting: the committee sets how many delegates each agency may send."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.auth import tenancy
from rakor.core.errors import DomainError
from rakor.core.forms import add_errors, choices
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings.web import with_meeting
from rakor.participants import bp, queries, quotas
from rakor.participants.forms import QuotaForm, SeatsForm
from rakor.participants.stats import meeting_stats
from rakor.participants.views._common import meeting_context
from rakor.policy import COMMITTEE, can, roles
from rakor.regions.models import Agency


def _invitable(meeting):
    """The agencies the current user may give seats to (None: every agency)."""
    return tenancy.invitable_agencies(current_user, meeting.organizer_agency_id)


def _agency_select(form, meeting):
    # Only the agencies the organizer invites are offered, so the form itself refuses another.
    form.agency_id.choices = choices([("", "—"), *queries.agency_choices(meeting.id, _invitable(meeting))])
    return form


def _render_quotas(meeting, bulk_form=None, quota_form=None, row_error=None, status=200, table_error=None):
    quota_form = _agency_select(quota_form or QuotaForm(formdata=None), meeting)
    stats = meeting_stats(meeting.id)
    return render_template(
        "participants/quotas.html", stats=stats, bulk_form=bulk_form or SeatsForm(formdata=None),
        quota_form=quota_form, row_error=row_error or {}, table_error=table_error,
        can_manage=can(current_user, "meeting.manage_participants", meeting),
        province_wide=_organized_by_a_province(meeting), **meeting_context(meeting)), status


def _organized_by_a_province(meeting):
    """Seats for every regency's planning agency at once fit a provincial organizer's meeting;
    a regency's FGD invites its own offices (tenancy), so its page does not offer them."""
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    return organizer.region.parent_id is None


def _seats_error_on(form):
    """on_error of the seat forms: a message without a field belongs to the seats."""
    return lambda error: add_errors(form, {error.field or "seats": error.message})


@bp.route("/meetings/<int:meeting_id>/quotas")
@roles(COMMITTEE)
@with_meeting("meeting.view")
def quotas_page(meeting):
    """Every agency's seats, taken and free."""
    return _render_quotas(meeting)


@bp.route("/meetings/<int:meeting_id>/quotas/province", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def quotas_for_province(meeting):
    """The same number of seats for every regency/city planning agency of the province."""
    form = SeatsForm()
    if form.validate_on_submit():
        with domain_action(on_error=_seats_error_on(form)) as done:
            rows = quotas.set_seats_for_province(meeting, form.seats.data, _invitable(meeting))
        if done.ok:
            flash(_("%(n)d agencies now have %(seats)s seats each.", n=len(rows), seats=form.seats.data),
                  "success")
            return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
    return _render_quotas(meeting, bulk_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/quotas/set", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def quota_set(meeting):
    """One agency's seats, from the form below the table or from the table's own row."""
    form = _agency_select(QuotaForm(), meeting)
    in_row = request.form.get("row") == "1"
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        with domain_action(on_error=_seats_error_on(form)) as done:
            if agency is None:
                raise DomainError(_("Choose an agency."), field="agency_id")
            quotas.set_seats(meeting, agency, form.seats.data)
        if done.ok:
            flash(_("%(agency)s: %(seats)s seats.", agency=agency.name, seats=form.seats.data), "success")
            return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
        if in_row:
            return _render_quotas(meeting, row_error={form.agency_id.data: (form.seats.data, done.error.message)},
                                  status=422)
    elif in_row and form.agency_id.data:
        message = (form.seats.errors or form.agency_id.errors or [_("Check the number of seats.")])[0]
        return _render_quotas(meeting, row_error={form.agency_id.data: (form.seats.data, message)},
                              status=422)
    return _render_quotas(meeting, quota_form=form, status=422)


SEATS_FIELD = "seats-"


def _typed_rows(form):
    """{agency_id: seats as typed} from the table's inputs named "seats-<agency id>"."""
    rows = {}
    for name, value in form.items():
        if name.startswith(SEATS_FIELD) and name[len(SEATS_FIELD):].isdigit():
            rows[int(name[len(SEATS_FIELD):])] = value.strip()
    return rows


@bp.route("/meetings/<int:meeting_id>/quotas/save", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def quotas_save(meeting):
    """Every row of the quota table in one form and one transaction; a refused row keeps what
    was typed in every row and shows its own message."""
    rows = _typed_rows(request.form)
    failed = {}

    def keep_typed(error):
        by_agency = getattr(error, "by_agency", None) or {}
        failed.update({agency_id: (typed, by_agency.get(agency_id)) for agency_id, typed in rows.items()})
        if not by_agency:
            failed["table"] = error.message

    with domain_action(on_error=keep_typed) as done:
        saved = quotas.set_all_seats(meeting, rows, _invitable(meeting))
    if done.ok:
        flash(_("Quotas saved for %(n)d agencies.", n=len(saved)), "success")
        return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
    table_error = failed.pop("table", None) or done.error.message
    return _render_quotas(meeting, row_error=failed, table_error=table_error, status=422)


@bp.route("/meetings/<int:meeting_id>/quotas/<int:agency_id>/remove", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def quota_remove(meeting, agency_id):
    """Remove an agency's quota (only while it has no registered delegates)."""
    agency = db.get_or_404(Agency, agency_id)
    with domain_action() as done:
        quotas.remove_quota(meeting, agency)
    if done.ok:
        flash(_("The quota of %(agency)s is removed.", agency=agency.name), "success")
    return redirect(url_for("participants.quotas_page", meeting_id=meeting.id))
