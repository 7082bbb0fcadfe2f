"""The participant pages, one module per concern; importing this package registers every route
on the `participants` blueprint.

- participants: the list, add / edit / cancel
- quotas: seat quotas per agency
- invitations: the committee's links and the public pages behind them
- checkin: the check-in desk, the QR link, badges
- imports: bulk import, template files, export
"""
from rakor.participants.sections import meeting_section
from rakor.participants.views import _common, checkin, imports, invitations, participants, quotas

__all__ = ["_common", "checkin", "imports", "invitations", "meeting_section", "participants", "quotas"]
