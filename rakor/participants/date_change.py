"""Telling the invited agencies that their meeting moved.

Who hears of it: every registered participant with an e-mail address (their calendar holds the
old time: they get the new .ics, same UID, higher SEQUENCE, so the entry moves instead of
doubling), and the contact of every agency invitation that was not revoked (the agency may not
have registered anyone yet). One message per address. The committee also gets a ready WhatsApp
text for the agencies' groups, since that is where most of them will read it first.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.mail.services import queue_mail
from rakor.meetings.models import Meeting, MeetingDateChange
from rakor.meetings.queries import agenda_of, calendar_sequence
from rakor.participants import mails
from rakor.participants.contacts import primary_contacts
from rakor.participants.models import Invitation, Participant, SeatQuota
from rakor.regions.models import Agency, Region

DATE_CHANGE = "meeting_date_change"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str | None
    agency_name: str
    participant_id: int | None  # None: an agency's invitation contact

    @property
    def why(self) -> str:
        return "participant" if self.participant_id is not None else "agency_contact"


def recipients(meeting: Meeting) -> list[Recipient]:
    """Everyone to tell, one entry per e-mail address (a participant before their agency's
    contact), in the agencies' region-code order."""
    found: dict[str, Recipient] = {}
    people = db.session.execute(
        select(Participant.email, Participant.name, Participant.id, Agency.name)
        .join(Agency, Agency.id == Participant.agency_id).join(Region, Region.id == Agency.region_id)
        .where(Participant.meeting_id == meeting.id, Participant.status == "registered",
               Participant.email.is_not(None))
        .order_by(Region.kemendagri_code, Agency.name, Participant.sort_name)).all()
    for email, name, pid, agency_name in people:
        found.setdefault(email.lower(), Recipient(email, name, agency_name, pid))
    contacts = db.session.execute(
        select(Invitation.contact_email, Invitation.contact_name, Agency.name)
        .join(Agency, Agency.id == Invitation.agency_id).join(Region, Region.id == Agency.region_id)
        .where(Invitation.meeting_id == meeting.id, Invitation.revoked_at.is_(None),
               Invitation.contact_email.is_not(None))
        .order_by(Region.kemendagri_code, Agency.name, Invitation.id)).all()
    for email, name, agency_name in contacts:
        found.setdefault(email.lower(), Recipient(email, name, agency_name, None))
    # An invited agency nobody above reaches: its primary contact in the address book.
    reached = {r.agency_name for r in found.values()}
    agencies = invited_agencies(meeting)
    book = primary_contacts((a.id for a in agencies), meeting.organizer_agency_id)
    for agency in agencies:
        contact = book.get(agency.id)
        if agency.name not in reached and contact is not None and contact.email:
            found.setdefault(contact.email.lower(), Recipient(contact.email, contact.name, agency.name, None))
    return list(found.values())


def invited_agencies(meeting: Meeting) -> list[Agency]:
    """Agencies with a seat quota or a link that was not revoked, by region code."""
    quota = select(SeatQuota.agency_id).where(SeatQuota.meeting_id == meeting.id)
    linked = select(Invitation.agency_id).where(Invitation.meeting_id == meeting.id,
                                                 Invitation.revoked_at.is_(None))
    return db.session.scalars(
        select(Agency).join(Region, Region.id == Agency.region_id)
        .where(Agency.id.in_(quota.union(linked).scalar_subquery()))
        .order_by(Region.kemendagri_code, Agency.name)).all()


def whatsapp_chats(meeting: Meeting, text: str) -> list[tuple[str, str, str]]:
    """[(agency name, contact name, wa.me chat link with `text`)] for invited agencies whose
    primary contact has a WhatsApp number."""
    agencies = invited_agencies(meeting)
    book = primary_contacts((a.id for a in agencies), meeting.organizer_agency_id)
    return [(a.name, book[a.id].name, mails.whatsapp_share_url(text, book[a.id].whatsapp))
            for a in agencies if a.id in book and book[a.id].whatsapp]


def notify_date_change(change: MeetingDateChange, *, by_user=None, url=None, now=None) -> int:
    """Queue the notice to every recipient (inside the caller's transaction) and mark the move
    as told; the number of messages. A move is told once: a failed message is resent from the
    outbox, not by telling everyone again."""
    change = db.session.get(MeetingDateChange, change.id, with_for_update=True, populate_existing=True)
    if change.notified_at is not None:
        raise DomainError(_l("The invited agencies were already told of this move."))
    meeting = db.session.get(Meeting, change.meeting_id)
    latest = db.session.scalar(select(MeetingDateChange.id).where(
        MeetingDateChange.meeting_id == meeting.id).order_by(MeetingDateChange.id.desc()).limit(1))
    if latest != change.id:
        raise DomainError(_l("The meeting moved again since; tell the agencies of its latest date."))
    agenda, sequence = agenda_of(meeting.id), calendar_sequence(meeting)
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    contact = mails.contact_of(by_user) or mails.meeting_contact(meeting)
    sent = 0
    for person in recipients(meeting):
        message = mails.date_change_message(
            meeting, change, to=person.email, name=person.name, agency_name=person.agency_name,
            as_participant=person.participant_id is not None, agenda=agenda, sequence=sequence,
            url=url, organizer=organizer, contact=contact)
        queue_mail(DATE_CHANGE, message, meeting_id=meeting.id, object_id=change.id,
                         created_by=by_user)
        sent += 1
    change.notified_at = now or utcnow()
    db.session.flush()
    return sent
