"""Seat quotas and participants."""
import secrets

from rakor.extensions import db
from rakor.participants.models import Participant, SeatQuota
from tests.factories.core import next_number


def make_quota(meeting, agency, seats=4):
    quota = SeatQuota(meeting_id=meeting.id, agency_id=agency.id, seats=seats)
    db.session.add(quota)
    db.session.flush()
    return quota


def make_participant(meeting, agency, **overrides):
    n = next_number()
    fields = {"meeting_id": meeting.id, "agency_id": agency.id, "name": f"Peserta {n}",
              "position": "Perencana Ahli Pertama", "checkin_code": secrets.token_urlsafe(32)}
    fields.update(overrides)
    participant = Participant(**fields)
    db.session.add(participant)
    db.session.flush()
    return participant
