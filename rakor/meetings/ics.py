"""iCalendar (.ics) for a meeting.

Times are written in the meeting's zone with TZID and a VTIMEZONE component (Outlook, Google
Calendar, Thunderbird and Apple Calendar all import that correctly). The UID is stable
(meeting-<id>@<BASE_URL's domain>), so importing an updated file updates the event instead of adding one;
SEQUENCE grows with every status change and LAST-MODIFIED follows the meeting.
An open-ended meeting ("s.d. selesai") keeps its stored end as DTEND (calendars need one) and
says "selesai" in the description; the agenda is listed in the agenda's order (time first).
"""
from datetime import date

import icalendar

from rakor.core.dates import LAST_DAY
from rakor.core.formatting import format_time, to_zone, zone_abbreviation
from rakor.core.phones import format_phone
from rakor.core.types import utcnow

STATUS = {"draft": "TENTATIVE", "scheduled": "CONFIRMED", "held": "CONFIRMED",
          "minutes_final": "CONFIRMED", "cancelled": "CANCELLED"}


def uid_for(meeting):
    """Unique across installations (RFC 5545): two provinces' meeting 12 never merge in one
    calendar. The domain is BASE_URL's."""
    from rakor.core.urls import deployment_domain

    return f"meeting-{meeting.id}@{deployment_domain()}"


def _description(meeting, agenda_items):
    lines = []
    if meeting.open_end:
        lines.append(f"Waktu: {format_time(meeting.starts_at, meeting.timezone, 'id', with_zone=False)} "
                     f"\u2013 selesai {zone_abbreviation(meeting.timezone, meeting.starts_at)}")
    if meeting.letter_number:
        lines.append(f"Nomor surat: {meeting.letter_number}")
    if meeting.field:
        lines.append(f"Bidang: {meeting.field}")
    if meeting.chair_name:
        chair = meeting.chair_name + (f" ({meeting.chair_position})" if meeting.chair_position else "")
        lines.append(f"Pimpinan rapat: {chair}")
    if meeting.dress_code:
        lines.append(f"Pakaian: {meeting.dress_code}")
    if meeting.online_url:
        lines.append(f"Tautan daring: {meeting.online_url}")
    if meeting.contact_name or meeting.contact_phone:
        phone = format_phone(meeting.contact_phone)
        lines.append("Narahubung: " + " ".join(p for p in (meeting.contact_name, phone and f"({phone})") if p))
    if meeting.description:
        lines += ["", meeting.description]
    if agenda_items:
        lines += ["", "Agenda:"]
        for n, item in enumerate(agenda_items, start=1):
            slot = ""
            if item.starts_at is not None:
                slot = (f"{format_time(item.starts_at, meeting.timezone, 'id', with_zone=False)}"
                        f"\u2013{format_time(item.ends_at, meeting.timezone, 'id')} ")
            presenter = f" \u2014 {item.presenter}" if item.presenter else ""
            lines.append(f"{n}. {slot}{item.title}{presenter}")
    return "\n".join(lines).strip()


def _organizer():
    """ORGANIZER (RFC 5545 wants a cal-address): the organisation running Rakor, at the address
    its e-mails come from."""
    from email.utils import parseaddr

    from flask import current_app

    address = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1]
    if not address:
        return None
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(current_app.config.get("ORGANIZER_NAME") or "Rakor")
    return organizer


def meeting_event(meeting, agenda_items=(), url=None, sequence=0) -> icalendar.Event:
    """The VEVENT of one meeting. `agenda_items` must be loaded by the caller."""
    event = icalendar.Event()
    event.add("uid", uid_for(meeting))
    event.add("dtstamp", utcnow())
    event.add("dtstart", to_zone(meeting.starts_at, meeting.timezone))
    event.add("dtend", to_zone(meeting.ends_at, meeting.timezone))
    event.add("summary", meeting.title)
    event.add("location", ", ".join(p for p in (meeting.venue, meeting.city) if p))
    description = _description(meeting, agenda_items)
    if description:
        event.add("description", description)
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    event.add("sequence", sequence)
    organizer = _organizer()
    if organizer is not None:
        event.add("organizer", organizer)
    if meeting.updated_at is not None:
        event.add("last-modified", meeting.updated_at)
    if url:
        event.add("url", url)
    return event


def _calendar(events, meetings, *, method="PUBLISH", name=None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Rakor//Rapat Koordinasi//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    # Zone rules up to a little after the meetings; a meeting stored before dates were bounded
    # (year 9998) gets them up to the bound: beyond, the year overflows or the file balloons.
    year = max((min(to_zone(m.ends_at, m.timezone).year, LAST_DAY.year) for m in meetings), default=2030)
    cal.add_missing_timezones(first_date=date(1970, 1, 1), last_date=date(max(2038, year + 2), 1, 1))
    return cal.to_ical()


def meeting_calendar(meeting, agenda_items=(), url=None, sequence=0) -> bytes:
    """The .ics bytes for one meeting (METHOD:PUBLISH, as downloaded or e-mailed)."""
    return _calendar([meeting_event(meeting, agenda_items, url, sequence)], [meeting])


def feed_calendar(entries, name) -> bytes:
    """A subscribed calendar: [(meeting, agenda_items, url, sequence)], no METHOD (a feed is
    not a message, RFC 5545 3.7.2), named for the calendar list of the client."""
    entries = list(entries)
    return _calendar([meeting_event(*entry) for entry in entries], [entry[0] for entry in entries],
                     method=None, name=name)
