"""Delegation invitations: the committee's management page, and the public pages an agency's
contact opens through the link (no account needed).

Public pages show the meeting and the seats of the link's own agency only. An unknown token
is a 404, an expired or revoked one a 410, each with a plain explanation; every public endpoint
shares one rate limit per client address (INVITATION_RATE_LIMIT) so tokens cannot be guessed
at speed. Responses carry `Cache-Control: no-store` and `Referrer-Policy: no-referrer` because
the URL is the secret."""
from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from rakor.core.forms import add_domain_error, add_errors, choices
from rakor.core.web import domain_action
from rakor.extensions import db, limiter
from rakor.meetings.models import Meeting
from rakor.meetings.web import in_meeting, with_meeting
from rakor.participants import bp, queries
from rakor.participants.forms import ROLE_LABELS, ClaimAccountForm, DelegateForm, InvitationForm
from rakor.participants.invitations import (
    InvitationError,
    claim_account,
    claim_refusal,
    create_invitation,
    create_missing,
    end_of_local_day,
    invitation_status,
    regenerate_invitation,
    registration_closes_at,
    registration_state,
    resolve_token,
    revoke_invitation,
    touch,
)
from rakor.participants.models import Invitation
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    clean_participant,
    register_participant,
    update_participant,
)
from rakor.participants.stats import meeting_stats
from rakor.participants.views._common import flash_warnings, raw_from_form
from rakor.policy import COMMITTEE, public, roles
from rakor.regions.models import Agency


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- committee: managing the links -------------------------------------------------------------

def _agency_select(form, stats):
    form.agency_id.choices = choices([("", "—")] + [(r.agency_id, r.name) for r in stats.quota_rows])
    return form


def _render_invitations(meeting, form=None, status=200):
    stats = meeting_stats(meeting.id)
    form = _agency_select(form or InvitationForm(formdata=None), stats)
    return render_template(
        "participants/invitations.html", meeting=meeting, stats=stats, form=form,
        latest=queries.latest_invitations(meeting.id), status_of=invitation_status,
        default_expiry=registration_closes_at(meeting),
    ), status


def _render_links(meeting, created):
    """The new links, shown once (only their hash is stored)."""
    links = [(agency, url_for("participants.invitation_page", token=token, _external=True), inv)
             for inv, token, agency in created]
    return _no_store(render_template("participants/invitation_links.html", meeting=meeting, links=links))


def _back_to_invitations(meeting):
    return redirect(url_for("participants.invitations", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/invitations")
@roles(COMMITTEE)
@with_meeting("meeting.view")
def invitations(meeting):
    """Each agency's link: status, contact, last use."""
    return _render_invitations(meeting)


@bp.route("/meetings/<int:meeting_id>/invitations", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_create(meeting):
    """A new link for one agency (its earlier link stops working)."""
    form = _agency_select(InvitationForm(), meeting_stats(meeting.id))
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        expires_at = end_of_local_day(form.expires_on.data, meeting.timezone) if form.expires_on.data else None
        with domain_action(form) as done:
            inv, token = create_invitation(
                meeting, agency, by_user=current_user, expires_at=expires_at,
                contact_name=form.contact_name.data, contact_email=form.contact_email.data)
        if done.ok:
            return _render_links(meeting, [(inv, token, agency)])
    return _render_invitations(meeting, form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/invitations/all", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_create_all(meeting):
    """A link for every agency with a quota and no live link."""
    with domain_action() as done:
        created = create_missing(meeting, by_user=current_user)
    if not done.ok:
        return _back_to_invitations(meeting)
    if not created:
        flash(_("Every agency with a quota already has a live link."), "info")
        return _back_to_invitations(meeting)
    return _render_links(meeting, created)


@bp.route("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/regenerate", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_regenerate(meeting, invitation_id):
    """Replace a link by a new one with the same contact."""
    inv = in_meeting(Invitation, invitation_id, meeting)
    with domain_action() as done:
        new_inv, token = regenerate_invitation(inv, by_user=current_user)
    if not done.ok:
        return _back_to_invitations(meeting)
    return _render_links(meeting, [(new_inv, token, db.session.get(Agency, new_inv.agency_id))])


@bp.route("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_revoke(meeting, invitation_id):
    """Revoke a link: it no longer opens anything."""
    inv = in_meeting(Invitation, invitation_id, meeting)
    with domain_action() as done:
        revoke_invitation(inv)
    if done.ok:
        flash(_("The link is revoked; it no longer opens anything."), "success")
    return _back_to_invitations(meeting)


# --- public: the agency's contact through the link -----------------------------------------------

def _invitation_limit():
    return current_app.config["INVITATION_RATE_LIMIT"]


# One counter per client address across every invitation page: guessing tokens is slow.
invitation_limit = limiter.shared_limit(_invitation_limit, scope="invitation")


class _Context:
    def __init__(self, invitation):
        self.invitation = invitation
        self.meeting = db.session.get(Meeting, invitation.meeting_id)
        self.agency = db.session.get(Agency, invitation.agency_id)
        self.state = registration_state(self.meeting)


def _problem_page(kind, status):
    return _no_store((render_template("participants/invitation_problem.html", kind=kind), status))


def _resolve(token):
    """(_Context, None) or (None, response)."""
    try:
        return _Context(resolve_token(token)), None
    except InvitationError as p:
        return None, _problem_page(p.kind, p.status_code)


def _own_participant(ctx, participant_id):
    """A registered participant of the link's meeting and agency, or None (-> 404 page)."""
    return queries.own_participant(ctx.meeting.id, ctx.agency.id, participant_id)


def _render_invitation(ctx, token, form, status=200):
    stats = meeting_stats(ctx.meeting.id, ctx.agency.id)
    return _no_store((render_template(
        "participants/invitation.html", ctx=ctx, meeting=ctx.meeting, agency=ctx.agency,
        token=token, agenda=queries.agenda_outline(ctx.meeting.id), row=stats.rows[0] if stats.rows else None,
        delegates=queries.own_delegates(ctx.meeting.id, ctx.agency.id), form=form,
        role_labels=ROLE_LABELS, closes_at=registration_closes_at(ctx.meeting)), status))


def _report_on_invitation_form(form):
    """on_error of the link's delegate form: a full quota says what the agency can do."""
    def report(error):
        if isinstance(error, QuotaFullError):
            form.form_errors.append(_("The quota is full: every seat of your agency is taken. "
                                      "Cancel a delegate to free a seat, or contact the committee."))
        else:
            add_domain_error(form, error)
    return report


@bp.route("/i/<token>", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_page(token):
    """The link's page: the meeting, the agency's seats and delegates, and the delegate form."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    form = DelegateForm()
    if form.validate_on_submit():
        result = clean_participant({**raw_from_form(form), "meeting_role": "peserta"}, ctx.agency.id)
        if result.errors:
            add_errors(form, result.errors)
        else:
            with domain_action(on_error=_report_on_invitation_form(form)) as done:
                participant, warnings = register_participant(
                    ctx.meeting, result.data, via="invitation", invitation=ctx.invitation,
                    self_service=True)
                touch(ctx.invitation)
            if done.ok:
                flash(_("%(name)s is registered.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.invitation_page", token=token))
        return _render_invitation(ctx, token, form, status=422)
    return _render_invitation(ctx, token, form)


@bp.route("/i/<token>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_edit(token, participant_id):
    """Correct one of the agency's delegates through the link."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    participant = _own_participant(ctx, participant_id)
    if participant is None:
        return _problem_page("participant", 404)
    form = DelegateForm(obj=participant)
    if form.validate_on_submit():
        result = clean_participant({**raw_from_form(form), "meeting_role": participant.meeting_role},
                                   ctx.agency.id)
        if result.errors:
            add_errors(form, result.errors)
        else:
            with domain_action(form) as done:
                warnings = update_participant(participant, result.data, self_service=True)
                touch(ctx.invitation)
            if done.ok:
                flash(_("%(name)s is saved.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.invitation_page", token=token))
    return _no_store(render_template("participants/invitation_edit.html", ctx=ctx, meeting=ctx.meeting,
                                     agency=ctx.agency, token=token, form=form, participant=participant))


@bp.route("/i/<token>/participants/<int:participant_id>/cancel", methods=["POST"])
@invitation_limit
@public
def invitation_cancel(token, participant_id):
    """Cancel one of the agency's delegates through the link."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    participant = _own_participant(ctx, participant_id)
    if participant is None:
        return _problem_page("participant", 404)
    with domain_action() as done:
        cancel_participant(participant, self_service=True)
        touch(ctx.invitation)
    if done.ok:
        flash(_("The registration of %(name)s is cancelled; the seat is free again.",
                name=participant.name), "success")
    return redirect(url_for("participants.invitation_page", token=token))


@bp.route("/i/<token>/account", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_claim(token):
    """A delegate account for the link's agency, one per link: later the contact signs in
    instead of keeping the link (and sees the agency's other meetings)."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    form = ClaimAccountForm()
    refusal = None if current_user.is_authenticated else claim_refusal(ctx.invitation)
    if current_user.is_authenticated:
        flash(_("You are signed in already; sign out first to create another account."), "info")
    elif refusal is not None:
        form.form_errors.append(refusal)
    elif form.validate_on_submit():
        with domain_action(form) as done:
            user = claim_account(ctx.invitation, email=form.email.data, name=form.name.data,
                                             password=form.password.data)
        if done.ok:
            login_user(user)
            flash(_("Your account for %(agency)s is ready; you are signed in.", agency=ctx.agency.name),
                  "success")
            return redirect(url_for("participants.index", meeting_id=ctx.meeting.id))
    return _no_store(render_template("participants/invitation_claim.html", ctx=ctx, meeting=ctx.meeting,
                                     agency=ctx.agency, token=token, form=form))
