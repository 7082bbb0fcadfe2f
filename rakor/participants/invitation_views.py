"""Delegation invitations: the committee's management page, and the public pages an agency's
contact opens through the link (no account needed).

Public pages show the meeting and the seats of the link's own agency only. An unknown token
is a 404, an expired or revoked one a 410, each with a plain explanation; every public endpoint
shares one rate limit per client address (INVITATION_RATE_LIMIT) so tokens cannot be guessed
at speed. Responses carry `Cache-Control: no-store` and `Referrer-Policy: no-referrer` because
the URL is the secret."""
from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from rakor.auth.models import User
from rakor.auth.services import create_user, find_user_by_email
from rakor.core.errors import DomainError
from rakor.core.forms import add_domain_error, choices
from rakor.extensions import db, limiter
from rakor.meetings.models import AgendaItem, Meeting
from rakor.participants import bp
from rakor.participants.forms import ROLE_LABELS, ClaimAccountForm, DelegateForm, InvitationForm
from rakor.participants.invitations import (
    InvitationError,
    create_invitation,
    end_of_local_day,
    invitation_status,
    regenerate_invitation,
    registration_closes_at,
    registration_state,
    resolve_token,
    revoke_invitation,
    touch,
)
from rakor.participants.models import Invitation, Participant
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    clean_participant,
    register_participant,
    update_participant,
)
from rakor.participants.stats import meeting_stats
from rakor.participants.views import (
    flash_warnings,
    meeting_or_404,
    put_domain_error,
    put_errors,
    raw_from_form,
)
from rakor.policy import COMMITTEE, DELEGATE, public, require, roles
from rakor.regions.models import Agency


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- committee: managing the links -------------------------------------------------------------

def _latest_invitations(meeting_id):
    """The newest invitation per agency (one query)."""
    latest = {}
    for inv in db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)
                                  .order_by(Invitation.created_at.desc(), Invitation.id.desc())):
        latest.setdefault(inv.agency_id, inv)
    return latest


def _render_invitations(meeting, form=None, status=200):
    stats = meeting_stats(meeting.id)
    form = form or InvitationForm(formdata=None)
    form.agency_id.choices = choices([("", "—")] + [(r.agency_id, r.name) for r in stats.quota_rows])
    latest = _latest_invitations(meeting.id)
    return render_template(
        "participants/invitations.html", meeting=meeting, stats=stats, form=form,
        latest=latest, status_of=invitation_status, default_expiry=registration_closes_at(meeting),
    ), status


def _render_links(meeting, created):
    """The new links, shown once (only their hash is stored)."""
    links = [(agency, url_for("participants.invitation_page", token=token, _external=True), inv)
             for inv, token, agency in created]
    return _no_store(render_template("participants/invitation_links.html", meeting=meeting, links=links))


@bp.route("/meetings/<int:meeting_id>/invitations")
@roles(COMMITTEE)
def invitations(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.view", meeting)
    return _render_invitations(meeting)


@bp.route("/meetings/<int:meeting_id>/invitations", methods=["POST"])
@roles(COMMITTEE)
def invitation_create(meeting_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    form = InvitationForm()
    stats = meeting_stats(meeting.id)
    form.agency_id.choices = choices([("", "—")] + [(r.agency_id, r.name) for r in stats.quota_rows])
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        expires_at = end_of_local_day(form.expires_on.data, meeting.timezone) if form.expires_on.data else None
        try:
            inv, token = create_invitation(
                meeting, agency, by_user=current_user, expires_at=expires_at,
                contact_name=form.contact_name.data, contact_email=form.contact_email.data)
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        else:
            db.session.commit()
            return _render_links(meeting, [(inv, token, agency)])
    return _render_invitations(meeting, form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/invitations/all", methods=["POST"])
@roles(COMMITTEE)
def invitation_create_all(meeting_id):
    """A link for every agency with a quota and no live link."""
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    latest = _latest_invitations(meeting.id)
    stats = meeting_stats(meeting.id)
    agencies = {a.id: a for a in db.session.scalars(
        select(Agency).where(Agency.id.in_([r.agency_id for r in stats.quota_rows])))}
    created = []
    try:
        for row in stats.quota_rows:
            inv = latest.get(row.agency_id)
            if inv is not None and invitation_status(inv) == "active":
                continue
            new_inv, token = create_invitation(meeting, agencies[row.agency_id], by_user=current_user)
            created.append((new_inv, token, agencies[row.agency_id]))
    except DomainError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
        return redirect(url_for("participants.invitations", meeting_id=meeting.id))
    if not created:
        flash(_("Every agency with a quota already has a live link."), "info")
        return redirect(url_for("participants.invitations", meeting_id=meeting.id))
    db.session.commit()
    return _render_links(meeting, created)


def _invitation_of_meeting(meeting, invitation_id):
    inv = db.session.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                     Invitation.meeting_id == meeting.id))
    if inv is None:
        abort(404)
    return inv


@bp.route("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/regenerate", methods=["POST"])
@roles(COMMITTEE)
def invitation_regenerate(meeting_id, invitation_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    inv = _invitation_of_meeting(meeting, invitation_id)
    try:
        new_inv, token = regenerate_invitation(inv, by_user=current_user)
    except DomainError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
        return redirect(url_for("participants.invitations", meeting_id=meeting.id))
    db.session.commit()
    return _render_links(meeting, [(new_inv, token, db.session.get(Agency, new_inv.agency_id))])


@bp.route("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles(COMMITTEE)
def invitation_revoke(meeting_id, invitation_id):
    meeting = meeting_or_404(meeting_id)
    require(current_user, "meeting.manage_participants", meeting)
    inv = _invitation_of_meeting(meeting, invitation_id)
    revoke_invitation(inv)
    db.session.commit()
    flash(_("The link is revoked; it no longer opens anything."), "success")
    return redirect(url_for("participants.invitations", meeting_id=meeting.id))


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
    return db.session.scalar(select(Participant).where(
        Participant.id == participant_id, Participant.meeting_id == ctx.meeting.id,
        Participant.agency_id == ctx.agency.id, Participant.status == "registered"))


def _render_invitation(ctx, token, form, status=200):
    agenda = db.session.execute(
        select(AgendaItem.title, AgendaItem.starts_at).where(AgendaItem.meeting_id == ctx.meeting.id)
        .order_by(AgendaItem.position)).all()
    stats = meeting_stats(ctx.meeting.id, ctx.agency.id)
    row = stats.rows[0] if stats.rows else None
    delegates = db.session.scalars(
        select(Participant).where(Participant.meeting_id == ctx.meeting.id,
                                  Participant.agency_id == ctx.agency.id,
                                  Participant.status == "registered")
        .order_by(Participant.registered_at, Participant.id)).all()
    return _no_store((render_template(
        "participants/invitation.html", ctx=ctx, meeting=ctx.meeting, agency=ctx.agency,
        token=token, agenda=agenda, row=row, delegates=delegates, form=form,
        role_labels=ROLE_LABELS, closes_at=registration_closes_at(ctx.meeting)), status))


@bp.route("/i/<token>", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_page(token):
    ctx, problem = _resolve(token)
    if problem:
        return problem
    form = DelegateForm()
    if form.validate_on_submit():
        result = clean_participant({**raw_from_form(form), "meeting_role": "peserta"}, ctx.agency.id)
        if result.errors:
            put_errors(form, result.errors)
        else:
            try:
                participant, warnings = register_participant(
                    ctx.meeting, result.data, via="invitation", invitation=ctx.invitation,
                    self_service=True)
                touch(ctx.invitation)
            except QuotaFullError:
                db.session.rollback()
                form.form_errors.append(_("The quota is full: every seat of your agency is taken. "
                                          "Cancel a delegate to free a seat, or contact the committee."))
            except DomainError as e:
                db.session.rollback()
                put_domain_error(form, e)
            else:
                db.session.commit()
                flash(_("%(name)s is registered.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.invitation_page", token=token))
        return _render_invitation(ctx, token, form, status=422)
    return _render_invitation(ctx, token, form)


@bp.route("/i/<token>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_edit(token, participant_id):
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
            put_errors(form, result.errors)
        else:
            try:
                warnings = update_participant(participant, result.data, self_service=True)
                touch(ctx.invitation)
            except DomainError as e:
                db.session.rollback()
                put_domain_error(form, e)
            else:
                db.session.commit()
                flash(_("%(name)s is saved.", name=participant.name), "success")
                flash_warnings(warnings)
                return redirect(url_for("participants.invitation_page", token=token))
    return _no_store(render_template("participants/invitation_edit.html", ctx=ctx, meeting=ctx.meeting,
                                     agency=ctx.agency, token=token, form=form, participant=participant))


@bp.route("/i/<token>/participants/<int:participant_id>/cancel", methods=["POST"])
@invitation_limit
@public
def invitation_cancel(token, participant_id):
    ctx, problem = _resolve(token)
    if problem:
        return problem
    participant = _own_participant(ctx, participant_id)
    if participant is None:
        return _problem_page("participant", 404)
    try:
        cancel_participant(participant, self_service=True)
        touch(ctx.invitation)
    except DomainError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
    else:
        db.session.commit()
        flash(_("The registration of %(name)s is cancelled; the seat is free again.",
                name=participant.name), "success")
    return redirect(url_for("participants.invitation_page", token=token))


def _claimed_through(invitation):
    """One account per link: a delegate account of the link's agency created since the link was
    made (through it, or by an administrator) closes the claim form. Without this anyone holding
    the link could create any number of accounts for the agency. A new link opens it again."""
    return db.session.scalar(select(User.id).where(
        User.agency_id == invitation.agency_id, User.role == DELEGATE,
        User.created_at >= invitation.created_at).limit(1)) is not None


@bp.route("/i/<token>/account", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_claim(token):
    """A delegate account for the link's agency: later the contact signs in instead of
    keeping the link (and sees the agency's other meetings)."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    form = ClaimAccountForm()
    if current_user.is_authenticated:
        flash(_("You are signed in already; sign out first to create another account."), "info")
    elif _claimed_through(ctx.invitation):
        form.form_errors.append(_(
            "An account for %(agency)s has already been created since this link was sent. Sign in "
            "with it, or ask the committee for a new link to create another.", agency=ctx.agency.name))
    elif form.validate_on_submit():
        try:
            if find_user_by_email(form.email.data) is not None:
                # Not "this email has an account": the link must not tell who has accounts.
                raise DomainError(_("This email cannot be used for a new account. If you already "
                                    "have an account, sign in with it; otherwise use another email."),
                                  field="email")
            user = create_user(email=form.email.data, name=form.name.data, role=DELEGATE,
                               password=form.password.data, agency_id=ctx.agency.id)
            touch(ctx.invitation)
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account for %(agency)s is ready; you are signed in.", agency=ctx.agency.name),
                  "success")
            return redirect(url_for("participants.index", meeting_id=ctx.meeting.id))
    return _no_store(render_template("participants/invitation_claim.html", ctx=ctx, meeting=ctx.meeting,
                                     agency=ctx.agency, token=token, form=form))
