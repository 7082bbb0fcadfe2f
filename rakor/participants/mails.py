"""The e-mails of participation: an agency's registration link, a delegate's confirmation.

Builders return a `rakor.mail.message.Message` (Indonesian whatever the sender's UI language:
the reader is an agency, not the committee member who pressed the button); `queue_*` load what
the message needs and put it in the outbox inside the caller's transaction, so it is sent only
after the view's `domain_action` commits. Views call the `queue_*` functions; nothing here
imports a view.
"""
from dataclasses import dataclass
from urllib.parse import quote

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.formatting import (
    format_date_long,
    format_datetime_local,
    format_time,
    to_zone,
    zone_abbreviation,
)
from rakor.core.phones import format_phone as format_contact_phone
from rakor.extensions import db
from rakor.mail.message import Attachment, Content, compose
from rakor.mail.models import OutboundMail
from rakor.mail.services import queue_mail
from rakor.meetings.ics import meeting_calendar
from rakor.meetings.models import Meeting
from rakor.meetings.queries import agenda_of, calendar_sequence
from rakor.participants import letters
from rakor.participants.forms import ROLE_LABELS
from rakor.participants.models import Invitation, Participant, SeatQuota
from rakor.participants.normalize import format_phone
from rakor.regions.models import Agency

INVITATION_LINK = "invitation_link"
REGISTRATION_CONFIRMATION = "registration_confirmation"
MAIL_LOCALE = "id"


@dataclass(frozen=True)
class Contact:
    """Whom the reader asks: the committee member who sent the message, unless given."""

    name: str
    phone: str | None = None
    email: str | None = None

    def line(self) -> str:
        reach = [p for p in (format_phone(self.phone) if self.phone else None, self.email) if p]
        return f"{self.name} ({', '.join(reach)})" if reach else self.name


def contact_of(user) -> Contact | None:
    if user is None or not getattr(user, "name", None):
        return None
    return Contact(name=user.name, email=getattr(user, "email", None))


# --- what every meeting message says -----------------------------------------------------------

def _place(meeting: Meeting) -> str:
    return ", ".join(p for p in (meeting.venue, meeting.city) if p)


def _when(meeting: Meeting) -> list[tuple[str, str]]:
    """Date and time in the meeting's zone: 'Kamis, 1 Februari 2024', '08.30–12.00 WITA'."""
    tz = meeting.timezone
    start, end = to_zone(meeting.starts_at, tz), to_zone(meeting.ends_at, tz)
    if meeting.open_end and start.date() == end.date():
        return [(_("Date"), format_date_long(start.date(), MAIL_LOCALE)),
                (_("Time"), f"{format_time(meeting.starts_at, tz, MAIL_LOCALE, with_zone=False)} \u2013 "
                            f"{_('until done')} {zone_abbreviation(tz, meeting.starts_at, MAIL_LOCALE)}")]
    if meeting.open_end:
        return [(_("Starts"), format_datetime_local(meeting.starts_at, tz, MAIL_LOCALE)),
                (_("Ends"), f"{format_date_long(end.date(), MAIL_LOCALE)}, {_('until done')}")]
    if start.date() == end.date():
        return [(_("Date"), format_date_long(start.date(), MAIL_LOCALE)),
                (_("Time"), f"{format_time(meeting.starts_at, tz, MAIL_LOCALE, with_zone=False)}"
                            f"\u2013{format_time(meeting.ends_at, tz, MAIL_LOCALE)}")]
    return [(_("Starts"), format_datetime_local(meeting.starts_at, tz, MAIL_LOCALE)),
            (_("Ends"), format_datetime_local(meeting.ends_at, tz, MAIL_LOCALE))]


def _meeting_details(meeting: Meeting) -> list[tuple[str, str]]:
    details = [(_("Meeting"), meeting.title), *_when(meeting), (_("Place"), _place(meeting))]
    if meeting.online_url:
        details.append((_("Online link"), meeting.online_url))
    if meeting.dress_code:
        details.append((_("Dress code"), meeting.dress_code))
    if meeting.letter_number:
        details.append((_("Letter number"), meeting.letter_number))
    return details


def meeting_contact(meeting: Meeting) -> Contact | None:
    """The committee contact the meeting names (its WhatsApp number), if any."""
    if not (meeting.contact_name or meeting.contact_phone):
        return None
    return Contact(name=meeting.contact_name or format_contact_phone(meeting.contact_phone),
                   phone=meeting.contact_phone if meeting.contact_name else None)


def _signature(meeting: Meeting, organizer: Agency | None) -> list[str]:
    lines = [_("Committee of %(title)s", title=meeting.title)]
    if organizer is not None:
        lines.append(organizer.name)
    return lines


def _contact_paragraph(contact: Contact | None) -> list[str]:
    return [_("Questions about this meeting: %(contact)s.", contact=contact.line())] if contact else []


# --- builders -----------------------------------------------------------------------------------

def invitation_link_message(meeting: Meeting, agency: Agency, link: str, *, to: str, seats: int,
                            contact_name=None, expires_at=None, organizer=None, contact=None, attachments=()):
    """The registration link for an agency's contact person (with the invitation letter as
    `attachments`, when it is given)."""
    with force_locale(MAIL_LOCALE):
        greeting = (_("Dear %(name)s,", name=contact_name) if contact_name
                    else _("Dear colleagues at %(agency)s,", agency=agency.name))
        details = [*_meeting_details(meeting),
                   (_("Seats for your agency"), ngettext("%(num)d person", "%(num)d people", seats))]
        if expires_at is not None:
            details.append((_("Register by"), format_datetime_local(expires_at, meeting.timezone, MAIL_LOCALE)))
        content = Content(
            greeting=greeting,
            paragraphs=[_("%(agency)s is invited to the meeting below. Please register your "
                          "delegates through the link in this e-mail.", agency=agency.name),
                        *([_("The invitation letter is attached (PDF).")] if attachments else [])],
            details=details,
            action=(_("Register delegates"), link),
            closing=[_("The link is for your agency only: whoever has it can register delegates "
                       "for %(agency)s. Please do not pass it on outside your agency.", agency=agency.name),
                     *_contact_paragraph(contact)],
            signature=_signature(meeting, organizer),
        )
        subject = _("Registration link: %(title)s", title=meeting.title)
        return compose(to, subject, content, reply_to=contact.email if contact else None,
                       attachments=attachments)


def registration_confirmation_message(meeting: Meeting, participant: Participant, agency: Agency, *,
                                      agenda=(), sequence=0, url=None, organizer=None, contact=None,
                                      ticket_url=None):
    """The delegate's confirmation, with the meeting's .ics attached (and, given `ticket_url`,
    the link to the delegate's QR e-ticket)."""
    with force_locale(MAIL_LOCALE):
        role = str(ROLE_LABELS.get(participant.meeting_role, participant.meeting_role)).lower()
        content = Content(
            greeting=_("Dear %(name)s,", name=participant.name),
            paragraphs=[_("You are registered for the meeting below as %(role)s for %(agency)s.",
                          role=role, agency=agency.name),
                        _("The attached calendar file (.ics) adds the meeting to your calendar.")],
            details=_meeting_details(meeting),
            action=((_("Your e-ticket"), ticket_url) if ticket_url
                    else (_("Meeting details"), url) if url else None),
            closing=[_("Show the QR code of your e-ticket at the re-registration desk when you arrive.")
                     if ticket_url else
                     _("Please give your name at the re-registration desk when you arrive."),
                     *_contact_paragraph(contact)],
            signature=_signature(meeting, organizer),
        )
        subject = _("Registration confirmed: %(title)s", title=meeting.title)
        calendar = Attachment(f"rapat-{meeting.id}.ics", "text/calendar",
                              meeting_calendar(meeting, agenda, url=url, sequence=sequence))
        return compose(participant.email, subject, content,
                       reply_to=contact.email if contact else None, attachments=[calendar])


def date_change_message(meeting: Meeting, change, *, to: str, name=None, agency_name: str,
                        as_participant: bool, agenda=(), sequence=0, url=None, organizer=None,
                        contact=None):
    """The meeting moved: from when to when, why, the new details and the new .ics (same UID,
    higher SEQUENCE: the calendar entry moves). It says why the reader gets it."""
    tz = change.timezone
    with force_locale(MAIL_LOCALE):
        greeting = _("Dear %(name)s,", name=name) if name else _("Dear colleagues at %(agency)s,",
                                                                    agency=agency_name)
        paragraphs = [_("The meeting below has been moved from %(before)s to %(after)s.",
                        before=format_datetime_local(change.from_starts_at, tz, MAIL_LOCALE),
                        after=format_datetime_local(change.to_starts_at, tz, MAIL_LOCALE))]
        if change.reason:
            paragraphs.append(_("Reason: %(reason)s", reason=change.reason))
        paragraphs.append(_("The attached calendar file (.ics) moves the meeting in your calendar."))
        why = (_("You receive this e-mail because you are registered for this meeting for "
                 "%(agency)s.", agency=agency_name) if as_participant else
               _("You receive this e-mail because you are the contact of %(agency)s for this "
                 "meeting's invitation.", agency=agency_name))
        content = Content(
            greeting=greeting, paragraphs=paragraphs, details=_meeting_details(meeting),
            action=(_("Meeting details"), url) if url else None,
            closing=[why, *_contact_paragraph(contact)], signature=_signature(meeting, organizer))
        subject = _("Schedule changed: %(title)s", title=meeting.title)
        calendar = Attachment(f"rapat-{meeting.id}.ics", "text/calendar",
                              meeting_calendar(meeting, agenda, url=url, sequence=sequence))
        return compose(to, subject, content, reply_to=contact.email if contact else None,
                       attachments=[calendar])


def date_change_whatsapp_text(meeting: Meeting, change) -> str:
    """The ready WhatsApp message about the move, for the agencies' groups."""
    tz = change.timezone
    with force_locale(MAIL_LOCALE):
        lines = [_("Schedule change: %(title)s", title=meeting.title), "",
                 _("The meeting has been moved from %(before)s to %(after)s.",
                   before=format_datetime_local(change.from_starts_at, tz, MAIL_LOCALE),
                   after=format_datetime_local(change.to_starts_at, tz, MAIL_LOCALE))]
        if change.reason:
            lines.append(_("Reason: %(reason)s", reason=change.reason))
        lines.append("")
        lines += [f"{label}: {value}" for label, value in _meeting_details(meeting)]
        contact = meeting_contact(meeting)
        if contact is not None:
            lines += ["", _("Questions about this meeting: %(contact)s.", contact=contact.line())]
        return "\n".join(lines)


# --- queueing (inside the caller's transaction) -------------------------------------------------

def _seats(meeting_id: int, agency_id: int) -> int:
    return db.session.scalar(select(SeatQuota.seats).where(
        SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == agency_id)) or 0


def queue_invitation_link(invitation: Invitation, link: str, *, by_user=None, contact=None):
    """Queue the link for the invitation's contact e-mail. `link` carries the token, which
    only the request that created the invitation knows."""
    if not invitation.contact_email:
        raise DomainError(_l("This invitation has no contact e-mail address."), field="contact_email")
    meeting = db.session.get(Meeting, invitation.meeting_id)
    agency = db.session.get(Agency, invitation.agency_id)
    # Sending is what makes the invitation letter final: it gets its number now, and goes along.
    letters.number_letter(meeting, by_user=by_user)
    letter = Attachment(f"surat-undangan-{meeting.id}.pdf", "application/pdf", letters.invitation_pdf(meeting))
    message = invitation_link_message(
        meeting, agency, link, to=invitation.contact_email,
        seats=_seats(meeting.id, agency.id), contact_name=invitation.contact_name,
        expires_at=invitation.expires_at, organizer=db.session.get(Agency, meeting.organizer_agency_id),
        contact=contact or contact_of(by_user) or meeting_contact(meeting), attachments=[letter],
    )
    return queue_mail(INVITATION_LINK, message, meeting_id=meeting.id, object_id=invitation.id,
                      created_by=by_user)


def queue_registration_confirmation(participant: Participant, *, url=None, by_user=None, contact=None,
                                    ticket_url=None):
    """Queue the delegate's confirmation; None when the delegate gave no e-mail address."""
    if not participant.email:
        return None
    meeting = db.session.get(Meeting, participant.meeting_id)
    message = registration_confirmation_message(
        meeting, participant, db.session.get(Agency, participant.agency_id),
        agenda=agenda_of(meeting.id), sequence=calendar_sequence(meeting), url=url,
        organizer=db.session.get(Agency, meeting.organizer_agency_id),
        contact=contact or contact_of(by_user) or meeting_contact(meeting), ticket_url=ticket_url,
    )
    return queue_mail(REGISTRATION_CONFIRMATION, message, meeting_id=meeting.id,
                      object_id=participant.id, created_by=by_user)


def latest_link_mails(invitation_ids) -> dict[int, OutboundMail]:
    """The newest link e-mail of each invitation (sent, queued or failed), one query: the links
    page says per link whether it went out."""
    latest = {}
    if invitation_ids:
        for row in db.session.scalars(
                select(OutboundMail).where(OutboundMail.kind == INVITATION_LINK,
                                           OutboundMail.object_id.in_(list(invitation_ids)))
                .order_by(OutboundMail.id.desc())):
            latest.setdefault(row.object_id, row)
    return latest


# --- WhatsApp -------------------------------------------------------------------------------------

def whatsapp_text(meeting: Meeting, agency: Agency, link: str, *, seats: int, contact_name=None,
                  expires_at=None) -> str:
    """The ready message a committee member shares on WhatsApp with an agency's link, in
    Indonesian like the e-mail: the meeting, date, place, seats and the link."""
    with force_locale(MAIL_LOCALE):
        greeting = (_("Dear %(name)s,", name=contact_name) if contact_name
                    else _("Dear colleagues at %(agency)s,", agency=agency.name))
        lines = [greeting, "",
                 _("%(agency)s is invited to the meeting below. Please register your delegates "
                   "through the link in this message.", agency=agency.name), ""]
        details = [*_meeting_details(meeting),
                   (_("Seats for your agency"), ngettext("%(num)d person", "%(num)d people", seats))]
        if expires_at is not None:
            details.append((_("Register by"), format_datetime_local(expires_at, meeting.timezone, MAIL_LOCALE)))
        lines += [f"{label}: {value}" for label, value in details]
        lines += ["", _("Registration link (for your agency only):"), link]
        contact = meeting_contact(meeting)
        if contact is not None:
            lines += ["", _("Questions about this meeting: %(contact)s.", contact=contact.line())]
        return "\n".join(lines)


def whatsapp_share_url(text: str, number: str | None = None) -> str:
    """https://wa.me/?text=…: WhatsApp opens with the text ready and lets the sender pick the chat;
    with a stored E.164 `number` (the address book), https://wa.me/<digits>?text=… opens the chat
    with that person. A link only: Rakor itself never calls WhatsApp."""
    digits = "".join(c for c in number or "" if c.isdigit())
    return f"https://wa.me/{digits}?text=" + quote(text, safe="")


def ticket_whatsapp_text(meeting: Meeting, participant: Participant, url: str) -> str:
    """The message that passes a delegate their e-ticket (the agency's link stays with the agency)."""
    with force_locale(MAIL_LOCALE):
        lines = [_("Dear %(name)s,", name=participant.name), "",
                 _("You are registered for the meeting below. Show the QR code of your e-ticket at "
                   "the re-registration desk."), ""]
        lines += [f"{label}: {value}" for label, value in _meeting_details(meeting)]
        lines += ["", _("Your e-ticket:"), url]
        return "\n".join(lines)
