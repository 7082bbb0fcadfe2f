"""Meetings, agenda items and the topics seeded by migration 0003."""
from datetime import UTC, datetime

from sqlalchemy import func, select

from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting, Topic
from tests.factories.core import next_number
from tests.factories.regions import make_agency

# What finalising minutes requires of the chair and the minute-taker (issue 17): name, jabatan,
# NIP and pangkat/golongan. `make_meeting(**SIGNING_OFFICERS)` for a meeting whose minutes are
# finalised; make_final_minutes fills them in when missing.
SIGNING_OFFICERS = {
    "chair_name": "Rahmiyanti Janoezir P., S.T., M.A.", "chair_position": "Kepala Bidang PPM",
    "chair_nip": "197501012000032001", "chair_rank": "Pembina (IV/a)",
    "minute_taker_name": "Nur Aisyah, S.E.", "minute_taker_position": "Perencana Ahli Pertama",
    "minute_taker_nip": "199204152019032011", "minute_taker_rank": "Penata Muda (III/a)",
}


def make_meeting(**overrides):
    n = next_number()
    if "organizer" not in overrides and "organizer_agency_id" not in overrides:
        overrides["organizer"] = make_agency()
    fields = {
        "title": f"Rapat Koordinasi Uji {n}", "kind": "rakor", "venue": "Aula Bappeda",
        "city": "Kotabaru", "timezone": "Asia/Makassar", "status": "scheduled",
        "starts_at": datetime(2024, 2, 1, 0, 30, tzinfo=UTC),   # 08.30 WITA
        "ends_at": datetime(2024, 2, 1, 8, 0, tzinfo=UTC),      # 16.00 WITA
    }
    fields.update(overrides)
    meeting = Meeting(**fields)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def topic_id(code):
    """A topic seeded by migration 0003 (IPM, KEMISKINAN, STUNTING, SPM, KAWASAN_PERDESAAN)."""
    return db.session.scalar(select(Topic.id).where(Topic.code == code))


def make_agenda_item(meeting, **overrides):
    """An agenda item appended to `meeting` (no time slot unless given, as aware datetimes)."""
    n = next_number()
    position = (db.session.scalar(select(func.max(AgendaItem.position))
                                  .where(AgendaItem.meeting_id == meeting.id)) or 0) + 1
    fields = {"meeting_id": meeting.id, "position": position, "title": f"Acara {n}",
              "presenter": f"Narasumber {n}"}
    fields.update(overrides)
    item = AgendaItem(**fields)
    db.session.add(item)
    db.session.flush()
    return item
