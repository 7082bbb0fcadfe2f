"""Delegation invitations, the committee's side: each agency's link, creating and regenerating
links, and the links page that hands new links over (copy, WhatsApp, e-mail, download).

Only a hash of each token is stored, so a link exists in clear only on the page that answers
its creation. That page is one form carrying its links back (`invitation id.token` pairs):
e-mailing a link or downloading all of them later posts the pairs again, the server checks
each token against the stored hash (`invitations.links_shown`) and answers with the same page
or the file. Nothing about the links is kept on the server beyond the hash (and the sent
e-mail in the outbox, whose text the retry needs)."""
from dataclasses import dataclass

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core import tabular
from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.formatting import format_datetime_local
from rakor.core.forms import choices
from rakor.core.tabular import ExportColumn
from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.mail import queries as mail_queries
from rakor.mail import services as mail_services
from rakor.meetings.web import in_meeting, with_meeting
from rakor.participants import bp, letters, mails, queries
from rakor.participants.contacts import primary_contacts
from rakor.participants.forms import InvitationForm, InvitationLetterForm, LetterNumberForm
from rakor.participants.invitations import (
    create_invitation,
    create_missing,
    end_of_local_day,
    invitation_status,
    links_shown,
    regenerate_invitation,
    registration_closes_at,
    revoke_invitation,
    set_contact_email,
)
from rakor.participants.models import Invitation
from rakor.participants.stats import meeting_stats
from rakor.policy import COMMITTEE, roles
from rakor.regions.models import Agency

LINK_FORMATS = ("csv", "xlsx")


def no_store(response):
    """The URL is the secret: never cached, never sent on as a Referer."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def invitation_url(token):
    return external_url("participants.invitation_page", token=token)


# --- the list of links -------------------------------------------------------------------------

def _agency_select(form, stats):
    form.agency_id.choices = choices([("", "—")] + [(r.agency_id, r.name) for r in stats.quota_rows])
    return form


def _failed_link_mails(meeting):
    return mail_queries.failed_of_meeting(meeting.id, kind=mails.INVITATION_LINK)


def _render_invitations(meeting, form=None, status=200, letter_form=None, number_form=None):
    stats = meeting_stats(meeting.id)
    form = _agency_select(form or InvitationForm(formdata=None), stats)
    letter = letters.letter_of(meeting)
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    return render_template(
        "participants/invitations.html", meeting=meeting, stats=stats, form=form,
        latest=queries.latest_invitations(meeting.id), status_of=invitation_status,
        default_expiry=registration_closes_at(meeting), failed_mails=_failed_link_mails(meeting),
        letter_form=letter_form or InvitationLetterForm(formdata=None, obj=letter),
        number_form=number_form or LetterNumberForm(formdata=None),
        letter_number=letters.registered_number(meeting), organizer=organizer,
    ), status


def _back_to_invitations(meeting):
    return redirect(url_for("participants.invitations", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/invitations")
@roles(COMMITTEE)
@with_meeting("meeting.view")
def invitations(meeting):
    """Each agency's link: status, contact, last use; e-mails that failed."""
    return _render_invitations(meeting)


# --- the links page: new links, once, with the ways to hand them over ----------------------------

@dataclass
class LinkRow:
    invitation: Invitation
    token: str
    agency: Agency
    url: str
    whatsapp: str
    mail: object  # the newest OutboundMail of this link, or None
    # A chat with the agency's primary contact (address book), the same text ready; or None.
    whatsapp_contact: str | None = None
    contact_label: str | None = None

    @property
    def pair(self):
        return f"{self.invitation.id}.{self.token}"


def _link_rows(meeting, shown):
    seats = {r.agency_id: r.seats for r in meeting_stats(meeting.id).quota_rows}
    sent = mails.latest_link_mails([inv.id for inv, _token, _agency in shown])
    book = primary_contacts((agency.id for _inv, _token, agency in shown), meeting.organizer_agency_id)
    rows = []
    for inv, token, agency in shown:
        url = invitation_url(token)
        text = mails.whatsapp_text(meeting, agency, url, seats=seats.get(agency.id) or 0,
                                   contact_name=inv.contact_name, expires_at=inv.expires_at)
        contact = book.get(agency.id)
        direct = (mails.whatsapp_share_url(text, contact.whatsapp)
                  if contact is not None and contact.whatsapp else None)
        rows.append(LinkRow(inv, token, agency, url, mails.whatsapp_share_url(text), sent.get(inv.id),
                            direct, contact.name if direct else None))
    return rows


def _render_links(meeting, shown, status=200):
    """The links page (not cacheable: it holds the links in clear)."""
    return no_store((render_template(
        "participants/invitation_links.html", meeting=meeting, rows=_link_rows(meeting, shown),
        failed_mails=_failed_link_mails(meeting), formats=LINK_FORMATS), status))


def _queue_link(invitation, token):
    mails.queue_invitation_link(invitation, invitation_url(token), by_user=current_user)


def _report_sending(outcome):
    """After commit: send now, so the page shows what happened."""
    results = mail_services.send_committed() if outcome else {}
    failed = sum(1 for status in results.values() if status != "sent")
    if results and not failed:
        flash(_("E-mail sent: %(n)d.", n=len(results)), "success")
    elif failed:
        flash(_("%(n)d e-mail(s) could not be sent; they are listed below with a button to try again.",
                n=failed), "warning")


@bp.route("/meetings/<int:meeting_id>/invitations", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_create(meeting):
    """A new link for one agency (its earlier link stops working); "create and send" also
    e-mails it to the contact."""
    form = _agency_select(InvitationForm(), meeting_stats(meeting.id))
    send = bool(request.form.get("send"))
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        expires_at = end_of_local_day(form.expires_on.data, meeting.timezone) if form.expires_on.data else None
        if send and not (form.contact_email.data or "").strip():
            form.contact_email.errors = [*form.contact_email.errors,
                                         _("Enter the contact's e-mail address to send the link.")]
        else:
            with domain_action(form) as done:
                inv, token = create_invitation(
                    meeting, agency, by_user=current_user, expires_at=expires_at,
                    contact_name=form.contact_name.data, contact_email=form.contact_email.data)
                if send:
                    _queue_link(inv, token)
            if done.ok:
                _report_sending(send)
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
    """Replace a link by a new one with the same contact ("regenerate and send": and e-mail it;
    the old link's token is not stored, so a link can only be e-mailed as it is made)."""
    inv = in_meeting(Invitation, invitation_id, meeting)
    send = bool(request.form.get("send"))
    with domain_action() as done:
        new_inv, token = regenerate_invitation(inv, by_user=current_user)
        if send:
            _queue_link(new_inv, token)
    if not done.ok:
        return _back_to_invitations(meeting)
    _report_sending(send)
    return _render_links(meeting, [(new_inv, token, db.session.get(Agency, new_inv.agency_id))])


def _posted_links(meeting):
    pairs = []
    for value in request.form.getlist("link"):
        invitation_id, _dot, token = value.partition(".")
        if invitation_id.isdigit() and len(invitation_id) < 10:
            pairs.append((int(invitation_id), token))
    return links_shown(meeting, pairs)


@bp.route("/meetings/<int:meeting_id>/invitations/links/send", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_links_send(meeting):
    """E-mail one link (`send` = its invitation id, with an address typed on the page when it
    had none) or every link with an address (`send` = "all"); answers with the same links page."""
    shown = _posted_links(meeting)
    target = request.form.get("send", "")
    chosen = [row for row in shown if target == "all" or str(row[0].id) == target]
    queued = 0
    with domain_action() as done:
        for inv, token, _agency in chosen:
            typed = (request.form.get(f"email-{inv.id}") or "").strip()
            if typed:
                set_contact_email(inv, typed)
            if inv.contact_email:
                _queue_link(inv, token)
                queued += 1
    if done.ok:
        if not queued:
            flash(_("No e-mail was sent: enter the contact's e-mail address first."), "warning")
        _report_sending(queued)
    return _render_links(meeting, shown)


@bp.route("/meetings/<int:meeting_id>/invitations/links/download", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.manage_participants")
def invitation_links_download(meeting):
    """The links on the page as a CSV or XLSX file: agency, contact, e-mail, valid until, link."""
    fmt = request.form.get("format", "xlsx")
    shown = _posted_links(meeting)
    if fmt not in LINK_FORMATS or not shown:
        flash(_("There are no links to download; the page holds them only right after they are made."),
              "warning")
        return _back_to_invitations(meeting)
    columns = (ExportColumn(_("Agency"), 40), ExportColumn(_("Contact person"), 28),
               ExportColumn(_("Contact email"), 32), ExportColumn(_("Valid until"), 30),
               ExportColumn(_("Link"), 80))
    rows = [[agency.name, inv.contact_name or "", inv.contact_email or "",
             format_datetime_local(inv.expires_at, meeting.timezone), invitation_url(token)]
            for inv, token, agency in shown]
    content = tabular.to_xlsx(columns, rows, sheet_title="Tautan") if fmt == "xlsx" else tabular.to_csv(columns, rows)
    mimetype = tabular.XLSX_CONTENT_TYPE if fmt == "xlsx" else tabular.CSV_CONTENT_TYPE
    return send_bytes(content, meeting_filename("tautan-undangan", meeting, fmt), mimetype)


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
