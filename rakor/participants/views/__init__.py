"""The participant pages, one module per concern; importing this package registers every route
on the `participants` blueprint.

- participants: the list, add / edit / cancel
- quotas: seat quotas per agency
- invitations: the committee's links (create, hand over by copy, WhatsApp, e-mail, file)
- invitation_pages: the public pages behind a link, its calendar file, a delegate's e-ticket
- checkin: the check-in desk, the QR link, badges
- desk_offline: the desk offline: its roster, the sync of queued marks, service worker, manifest
- imports: bulk import, template files, export
- letters: the invitation letter (sifat, place, tembusan, number)
- date_change: telling the invited agencies that the meeting moved
"""
from rakor.participants.sections import meeting_section
from rakor.participants.views import (
    _common,
    checkin,
    date_change,
    desk_offline,
    imports,
    invitation_pages,
    invitations,
    letters,
    participants,
    quotas,
)

__all__ = ["_common", "checkin", "date_change", "desk_offline", "imports", "invitation_pages", "invitations",
           "letters", "meeting_section",
           "participants", "quotas"]
