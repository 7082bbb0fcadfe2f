"""Participant registration, invitations and check-in pages (filled in by the participants feature)."""
