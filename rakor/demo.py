"""Demo data: South Kalimantan's regions and planning agencies, one user per role, and a second
organizer (Bappeda Kotabaru, its offices and its FGD).

Idempotent: every step looks for what it would create first. Demo users carry `is_demo`.
"""
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update

from rakor.auth.models import User
from rakor.auth.services import create_user, find_user_by_email
from rakor.extensions import db
from rakor.notices import services as notices
from rakor.regions.models import Agency, Region
from rakor.regions.services import ensure_planning_agencies, load_regions, read_region_csv

REGIONS_FILE = Path(__file__).parent / "data" / "regions" / "63-kalimantan-selatan.csv"
PROVINCE = "63"
DEMO_PASSWORD = "Rakor-Demo-2024"
# (email, name, role, agency region code or None)
DEMO_USERS = (
    ("admin@demo.rakor.id", "Admin Rakor", "admin", None),
    ("panitia@demo.rakor.id", "Angga Priyadi, S.T., M.Ec.Dev.", "committee", "63"),
    ("pimpinan@demo.rakor.id", "Rahmiyanti Janoezir P., S.T., M.A.", "leadership", "63"),
    ("delegasi.kotabaru@demo.rakor.id", "Delegasi Bappeda Kotabaru", "delegate", "63.02"),
    # The second organizer (tenancy, issue 22): Bappeda Kotabaru's own committee, which sees and
    # manages its FGD only; the provincial committee does not see that FGD, the provincial
    # leadership does (Kotabaru is a regency of its province).
    ("panitia.kotabaru@demo.rakor.id", "Panitia Bappeda Kotabaru", "committee", "63.02"),
)
SECOND_ORGANIZER_REGION = "63.02"  # Kabupaten Kotabaru
SECOND_ORGANIZER_COMMITTEE = "panitia.kotabaru@demo.rakor.id"
# Its offices (OPD), under Bappeda Kotabaru, invited to its FGD: (name, short name, seats).
KOTABARU_OFFICES = (
    ("Dinas Kesehatan Kabupaten Kotabaru", "Dinkes Kotabaru", 3),
    ("Dinas Sosial Kabupaten Kotabaru", "Dinsos Kotabaru", 2),
    ("Dinas Pendidikan Kabupaten Kotabaru", "Disdik Kotabaru", 2),
)
KOTABARU_FGD_TITLE = "FGD Konvergensi Percepatan Penurunan Stunting Kabupaten Kotabaru"


@dataclass
class DemoResult:
    meeting_id: int | None = None


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def load() -> DemoResult:
    with notices.muted():  # the demo's history (agreements, reviews, final minutes) mails nobody
        return _load()


def _load() -> DemoResult:
    load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
    ensure_planning_agencies(PROVINCE)
    for email, name, role, region_code in DEMO_USERS:
        if find_user_by_email(email):
            continue
        agency_id = None
        if region_code:
            agency_id = db.session.scalar(
                select(Agency.id).join(Agency.region)
                .where(Region.kemendagri_code == region_code, Agency.is_planning_agency.is_(True))
            )
        create_user(email=email, name=name, role=role, password=DEMO_PASSWORD,
                    agency_id=agency_id, is_demo=True)
    db.session.flush()
    result = DemoResult(meeting_id=_load_later_features())
    load_second_organizer()
    return result


def load_second_organizer():
    """Bappeda Kotabaru as a second organizer: its offices (OPD) under it and its own FGD, to
    which it invites them. Idempotent (offices are kept across resets: agencies are not demo
    rows; the FGD is)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rakor.meetings.models import Meeting
    from rakor.meetings.services import (
        AgendaItemData,
        MeetingData,
        add_agenda_item,
        change_status,
        create_meeting,
    )
    from rakor.participants.quotas import set_seats
    from rakor.regions.services import create_opd

    bappeda = db.session.scalar(select(Agency).join(Agency.region).where(
        Region.kemendagri_code == SECOND_ORGANIZER_REGION, Agency.is_planning_agency.is_(True)))
    offices = []
    for name, short_name, seats in KOTABARU_OFFICES:
        office = db.session.scalar(select(Agency).where(Agency.name == name)) or create_opd(bappeda, name, short_name)
        offices.append((office, seats))
    tz = ZoneInfo("Asia/Makassar")
    starts = datetime(2024, 3, 5, 9, 0, tzinfo=tz)
    if db.session.scalar(select(Meeting.id).where(Meeting.title == KOTABARU_FGD_TITLE, Meeting.starts_at == starts)):
        return
    committee = find_user_by_email(SECOND_ORGANIZER_COMMITTEE)
    meeting = create_meeting(MeetingData(
        title=KOTABARU_FGD_TITLE, kind="fgd", field="Kesehatan dan Sosial", organizer_agency_id=bappeda.id,
        starts_at=starts, ends_at=datetime(2024, 3, 5, 12, 0, tzinfo=tz), timezone="Asia/Makassar",
        venue="Aula Bappeda Kabupaten Kotabaru", city="Kotabaru",
        chair_name="Kepala Bappeda Kabupaten Kotabaru (demo)", chair_position="Kepala Bappeda Kabupaten Kotabaru",
        description="FGD Bappeda Kabupaten Kotabaru dengan perangkat daerahnya (data demo).",
        contact_name="Panitia Bappeda Kotabaru", contact_phone="+6281234567002",
    ), user=committee, now=datetime(2024, 2, 20, 9, 0, tzinfo=tz))
    meeting.is_demo = True
    add_agenda_item(meeting, AgendaItemData(title="Paparan data stunting Kabupaten Kotabaru",
                                            starts_at=datetime(2024, 3, 5, 9, 0), ends_at=datetime(2024, 3, 5, 10, 30),
                                            presenter="Dinas Kesehatan Kabupaten Kotabaru"))
    add_agenda_item(meeting, AgendaItemData(title="Diskusi rencana aksi OPD", starts_at=datetime(2024, 3, 5, 10, 30),
                                            ends_at=datetime(2024, 3, 5, 12, 0)))
    for office, seats in offices:
        set_seats(meeting, office, seats)
    change_status(meeting, "scheduled", committee, now=datetime(2024, 2, 21, 9, 0, tzinfo=tz))
    db.session.flush()


def _later_steps():
    """Demo steps that build on the seed meeting, in order: each is `step(meeting)` and must be
    idempotent. Features add theirs here (imports stay inside to avoid import cycles)."""
    from rakor.commitments.demo import load_seed_commitments
    from rakor.minutes.demo import load_seed_minutes
    from rakor.participants.demo import load_seed_delegates
    from rakor.progress.demo import load_seed_progress

    steps = [load_seed_delegates, load_seed_commitments, load_demo_certificate, load_seed_minutes,
             load_seed_progress]
    return steps


def load_demo_certificate(meeting):
    """The demo's own CA and the organiser's demo signing certificate (made once, kept in
    DEMO_SIGNING_DIR), before the minutes and the berita acara are finalised and signed."""
    from rakor.documents.demo_certificates import ensure_demo_identity
    from rakor.documents.signing import demo_signing_dir

    ensure_demo_identity(demo_signing_dir(), db.session.get(Agency, meeting.organizer_agency_id).name)


def _load_later_features():
    """The seed meeting (rakor/meetings/demo.py), then every later feature's steps for it;
    returns the seed meeting's id."""
    from rakor.meetings.demo import load_seed_meeting

    meeting = load_seed_meeting()
    for step in _later_steps():
        step(meeting)
    db.session.flush()
    return meeting.id


def reset() -> DemoResult:
    """Drop every demo row (`is_demo`: users, meetings with all they hold, participants,
    commitments, baselines), then load the demo again. Rows that are not demo stay; where one
    of them points at a demo row through a nullable reference (a real meeting created by the
    demo committee account, a follow-up of the demo meeting), the reference is cleared first.
    Tables are found from the metadata, so a later feature's `is_demo` table is covered too."""
    for table in reversed(db.metadata.sorted_tables):  # dependants before what they point at
        if "is_demo" not in table.c:
            continue
        demo_ids = select(table.c.id).where(table.c.is_demo.is_(True)).scalar_subquery()
        _clear_references_to(table, demo_ids)
        db.session.execute(delete(table).where(table.c.is_demo.is_(True)))
    db.session.expire_all()
    return load()


def _clear_references_to(table, ids):
    """Nullable references to rows `ids` of `table` become NULL; ON DELETE CASCADE ones are
    left to the database (a demo meeting's agenda, participants, quotas, ...)."""
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or (fk.ondelete or "").upper() == "CASCADE":
                continue
            if fk.parent.nullable:
                db.session.execute(update(other).where(fk.parent.in_(ids)).values({fk.parent.name: None}))


def seed_meeting_url() -> str | None:
    """The seed meeting's address on the configured BASE_URL (what `make run` prints)."""
    from rakor.core.urls import external_url
    from rakor.meetings.demo import find_seed_meeting

    meeting = find_seed_meeting()
    return external_url("meetings.view", meeting_id=meeting.id) if meeting else None


def print_logins(echo):
    echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, _region in DEMO_USERS:
        echo(f"  {role:<11} {email}")
