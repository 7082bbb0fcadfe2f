"""Delegation invitations, the public side: the pages an agency's contact opens through the
link (no account needed), the meeting's calendar file for the link holder, and each
delegate's QR e-ticket.

Public pages show the meeting and the seats of the link's own agency only. An unknown token
is a 404, an expired or revoked one a 410, each with a plain explanation; every public endpoint
shares one rate limit per client address (INVITATION_RATE_LIMIT) so tokens and ticket codes
cannot be guessed at speed. Responses carry `Cache-Control: no-store` and
`Referrer-Policy: no-referrer` because the URL is the secret.

The e-ticket's URL carries the delegate's check-in code (unguessable, 256 bits), the same code
the ticket's QR shows at the desk: whoever may show the QR may see the ticket, and the agency's
link, which registers delegates, never has to be passed on to a delegate."""
from urllib.parse import quote

import segno
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from markupsafe import Markup

from rakor.core.downloads import send_bytes
from rakor.core.forms import add_domain_error, add_errors
from rakor.core.phones import format_phone, whatsapp_url
from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.extensions import db, limiter
from rakor.mail.outcome import deliver_now, flash_delivery
from rakor.meetings import ics
from rakor.meetings.models import Meeting
from rakor.meetings.queries import agenda_of, calendar_sequence
from rakor.participants import bp, mails, queries
from rakor.participants.checkin import checkin_url
from rakor.participants.forms import ROLE_LABELS, ClaimAccountForm, DelegateForm
from rakor.participants.invitations import (
    InvitationError,
    claim_account,
    claim_refusal,
    registration_closes_at,
    registration_state,
    resolve_token,
    touch,
)
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    clean_participant,
    register_participant,
    update_participant,
)
from rakor.participants.stats import meeting_stats
from rakor.participants.views._common import flash_warnings, raw_from_form
from rakor.participants.views.invitations import no_store
from rakor.policy import public
from rakor.regions.models import Agency


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
    return no_store((render_template("participants/invitation_problem.html", kind=kind), status))


def _resolve(token):
    """(_Context, None) or (None, response)."""
    try:
        return _Context(resolve_token(token)), None
    except InvitationError as p:
        return None, _problem_page(p.kind, p.status_code)


def _own_participant(ctx, participant_id):
    """A registered participant of the link's meeting and agency, or None (-> 404 page)."""
    return queries.own_participant(ctx.meeting.id, ctx.agency.id, participant_id)


def map_url(meeting):
    """A Google Maps search for the venue: a link the delegate opens, nothing is fetched."""
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    return "https://www.google.com/maps/search/?api=1&query=" + quote(place, safe="")


def meeting_extras(meeting):
    """What the invitation and the e-ticket show besides the meeting's own fields."""
    return {"map_url": map_url(meeting), "contact_phone": format_phone(meeting.contact_phone),
            "contact_whatsapp": whatsapp_url(meeting.contact_phone)}


def _render_invitation(ctx, token, form, status=200):
    stats = meeting_stats(ctx.meeting.id, ctx.agency.id)
    return no_store((render_template(
        "participants/invitation.html", ctx=ctx, meeting=ctx.meeting, agency=ctx.agency,
        token=token, agenda=queries.agenda_outline(ctx.meeting.id), row=stats.rows[0] if stats.rows else None,
        delegates=queries.own_delegates(ctx.meeting.id, ctx.agency.id), form=form,
        role_labels=ROLE_LABELS, closes_at=registration_closes_at(ctx.meeting),
        **meeting_extras(ctx.meeting)), status))


def _report_on_invitation_form(form):
    """on_error of the link's delegate form: a full quota says what the agency can do."""
    def report(error):
        if isinstance(error, QuotaFullError):
            form.form_errors.append(_("The quota is full: every seat of your agency is taken. "
                                      "Cancel a delegate to free a seat, or contact the committee."))
        else:
            add_domain_error(form, error)
    return report


def ticket_url(participant):
    return external_url("participants.ticket", code=participant.checkin_code)


@bp.route("/i/<token>", methods=["GET", "POST"])
@invitation_limit
@public
def invitation_page(token):
    """The link's page: the meeting, the agency's seats and delegates, and the delegate form.
    A delegate who gave an e-mail address gets the confirmation with the .ics and the e-ticket
    link, sent after the registration is committed."""
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
                confirmation = mails.queue_registration_confirmation(participant, ticket_url=ticket_url(participant))
            if done.ok:
                flash(_("%(name)s is registered. Their e-ticket with the QR code for the desk is in "
                        "the list below.", name=participant.name), "success")
                if confirmation is not None:
                    # What the outbox says happened, not what was hoped for (the server may refuse).
                    flash_delivery(deliver_now(confirmation.id), what=_("The confirmation with the calendar file"),
                                   email=participant.email,
                                   if_failed=_("The registration is saved; the committee sees the failed e-mail "
                                               "and can send it again."))
                flash_warnings(warnings)
                return redirect(url_for("participants.invitation_page", token=token))
        return _render_invitation(ctx, token, form, status=422)
    return _render_invitation(ctx, token, form)


@bp.route("/i/<token>/calendar.ics")
@invitation_limit
@public
def invitation_ics(token):
    """The meeting as an iCalendar file for whoever holds the link (the file names no link)."""
    ctx, problem = _resolve(token)
    if problem:
        return problem
    body = ics.meeting_calendar(ctx.meeting, agenda_of(ctx.meeting.id),
                                sequence=calendar_sequence(ctx.meeting))
    response = send_bytes(body, f"rapat-{ctx.meeting.id}.ics", "text/calendar; charset=utf-8")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


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
    return no_store(render_template("participants/invitation_edit.html", ctx=ctx, meeting=ctx.meeting,
                                    agency=ctx.agency, token=token, form=form, participant=participant,
                                    **meeting_extras(ctx.meeting)))


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
    return no_store(render_template("participants/invitation_claim.html", ctx=ctx, meeting=ctx.meeting,
                                    agency=ctx.agency, token=token, form=form,
                                    **meeting_extras(ctx.meeting)))


# --- the delegate's e-ticket -----------------------------------------------------------------------

def _ticket_qr(data):
    """The badge's QR code (same content as the printed badge) as SVG with a viewBox and no
    fixed size, so the page's CSS sizes it for the phone showing it."""
    qr = segno.make_qr(data, error="m")
    return Markup(qr.svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True))


@bp.route("/t/<code>")
@invitation_limit
@public
def ticket(code):
    """A delegate's e-ticket: who, which meeting, and the QR code the desk scans."""
    participant = queries.participant_by_code(code)
    if participant is None:
        return no_store((render_template("participants/ticket.html", participant=None), 404))
    meeting = participant.meeting
    share = mails.ticket_whatsapp_text(meeting, participant, ticket_url(participant))
    return no_store(render_template(
        "participants/ticket.html", participant=participant, meeting=meeting, agency=participant.agency,
        qr=_ticket_qr(checkin_url(participant)) if participant.status == "registered" else None,
        role_labels=ROLE_LABELS, share_url=mails.whatsapp_share_url(share),
        agenda=queries.agenda_outline(meeting.id), **meeting_extras(meeting)))
