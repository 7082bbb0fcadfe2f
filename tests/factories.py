"""Plain factory functions with defaults: make_x(**overrides) adds, flushes and returns."""
import itertools
from datetime import UTC

from rakor.auth.models import User
from rakor.auth.passwords import hash_password
from rakor.extensions import db
from rakor.regions.models import Agency, Region

_seq = itertools.count(1)
DEFAULT_PASSWORD = "Kotabaru-Rakor-2024!"
_HASH = None


def _password_hash(password):
    global _HASH
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _HASH is None:  # argon2 is slow on purpose; hash the common test password once
        _HASH = hash_password(DEFAULT_PASSWORD)
    return _HASH


def make_region(**overrides):
    n = next(_seq)
    code = overrides.pop("kemendagri_code", None)
    if code is None:
        province = make_province() if "parent" not in overrides else overrides["parent"]
        code = f"{province.kemendagri_code}.{n % 100:02d}"
        overrides.setdefault("parent", province)
    fields = {"kemendagri_code": code, "bps_code": code.replace(".", ""),
              "name": f"Kabupaten Uji {n}", "kind": "kabupaten"}
    fields.update(overrides)
    region = Region(**fields)
    db.session.add(region)
    db.session.flush()
    return region




def make_province(code="99"):
    region = db.session.query(Region).filter_by(kemendagri_code=code).one_or_none()
    if region is None:
        region = Region(kemendagri_code=code, bps_code=code, name=f"Provinsi Uji {code}", kind="provinsi")
        db.session.add(region)
        db.session.flush()
    return region


def make_agency(**overrides):
    n = next(_seq)
    if "region" not in overrides and "region_id" not in overrides:
        overrides["region"] = make_region()
    fields = {"name": f"Bappeda Uji {n}", "short_name": f"Bappeda U{n}"}
    fields.update(overrides)
    agency = Agency(**fields)
    db.session.add(agency)
    db.session.flush()
    return agency


def make_user(role="committee", agency=None, password=DEFAULT_PASSWORD, **overrides):
    n = next(_seq)
    if role == "delegate" and agency is None:
        agency = make_agency()
    fields = {"email": f"user{n}@example.id", "name": f"Pengguna {n}", "role": role,
              "agency": agency, "password_hash": _password_hash(password)}
    fields.update(overrides)
    user = User(**fields)
    db.session.add(user)
    db.session.flush()
    return user


def make_meeting(**overrides):
    from datetime import datetime

    from rakor.meetings.models import Meeting

    n = next(_seq)
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


def make_quota(meeting, agency, seats=4):
    from rakor.participants.models import SeatQuota

    quota = SeatQuota(meeting_id=meeting.id, agency_id=agency.id, seats=seats)
    db.session.add(quota)
    db.session.flush()
    return quota


def make_participant(meeting, agency, **overrides):
    import secrets

    from rakor.participants.models import Participant

    n = next(_seq)
    fields = {"meeting_id": meeting.id, "agency_id": agency.id, "name": f"Peserta {n}",
              "position": "Perencana Ahli Pertama", "checkin_code": secrets.token_urlsafe(32)}
    fields.update(overrides)
    participant = Participant(**fields)
    db.session.add(participant)
    db.session.flush()
    return participant


# --- meetings (agenda, topics) --------------------------------------------------------------

def topic_id(code):
    """A topic seeded by migration 0003 (IPM, KEMISKINAN, STUNTING, SPM, KAWASAN_PERDESAAN)."""
    from sqlalchemy import select

    from rakor.meetings.models import Topic

    return db.session.scalar(select(Topic.id).where(Topic.code == code))


def make_agenda_item(meeting, **overrides):
    """An agenda item appended to `meeting` (no time slot unless given, as aware datetimes)."""
    from sqlalchemy import func, select

    from rakor.meetings.models import AgendaItem

    n = next(_seq)
    position = (db.session.scalar(select(func.max(AgendaItem.position))
                                  .where(AgendaItem.meeting_id == meeting.id)) or 0) + 1
    fields = {"meeting_id": meeting.id, "position": position, "title": f"Acara {n}",
              "presenter": f"Narasumber {n}"}
    fields.update(overrides)
    item = AgendaItem(**fields)
    db.session.add(item)
    db.session.flush()
    return item
