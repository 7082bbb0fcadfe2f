"""The seed meeting of the demo: the Rakor of Bappeda Provinsi Kalimantan Selatan in Kotabaru
on Thursday 1 February 2024 (see docs/product-brief.md and the news report it quotes).

Names, positions, the date, the hours and the topics come from the report and the brief.
The report does not say where in Kotabaru the meeting was, nor the time of each agenda item:
the venue is given as the town and the item slots are illustrative (marked in the
description). Conclusions paraphrase what the speakers said in the report.
"""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rakor.auth.models import User
from rakor.extensions import db
from rakor.meetings.models import Meeting, Topic
from rakor.meetings.services import (
    AgendaItemData,
    MeetingData,
    add_agenda_item,
    change_status,
    create_meeting,
)
from rakor.regions import logos
from rakor.regions.models import Agency, Region

TZ = "Asia/Makassar"
TITLE = ("Rapat Koordinasi Perencanaan Pembangunan Daerah Bidang Pemerintahan dan Pembangunan "
         "Manusia")
STARTS = datetime(2024, 2, 1, 8, 30, tzinfo=ZoneInfo(TZ))
ENDS = datetime(2024, 2, 1, 16, 0, tzinfo=ZoneInfo(TZ))
COMMITTEE_EMAIL = "panitia@demo.rakor.id"

DESCRIPTION = (
    "Memperkuat sinergitas dan harmonisasi perencanaan pembangunan daerah bidang Pemerintahan "
    "dan Pembangunan Manusia (PPM), serta meningkatkan kualitas perencanaan pembangunan daerah "
    "di Pemerintah Kabupaten/Kota. Diikuti 52 perwakilan Bappeda/Bappelitbang kabupaten/kota "
    "se-Provinsi Kalimantan Selatan (4 orang dari setiap 13 kabupaten/kota).\n"
    "(Data demo; pembagian waktu per acara bersifat ilustratif.)"
)


def _t(hour, minute):
    return datetime(2024, 2, 1, hour, minute)  # naive: local time of the meeting (WITA)


# (title, start, end, topic code, free topic, presenter, description, conclusions)
AGENDA = (
    ("Pembukaan dan sambutan", _t(8, 30), _t(9, 0), None, None,
     "Drs. H. Said Akhmad, MM (Sekretaris Daerah Kabupaten Kotabaru)",
     "Sambutan selamat datang kepada rombongan Bappeda se-Kalimantan Selatan.",
     "Program penanggulangan kemiskinan harus disepakati bersama; tanpa perencanaan, daerah tidak "
     "akan keluar dari status kasus stunting dan kemiskinan."),
    ("Paparan data kemiskinan kabupaten/kota tahun 2023", _t(9, 0), _t(10, 0), "KEMISKINAN", None,
     "Angga Priyadi, S.T., M.Ec.Dev. (Ahli Pratama Perencanaan, Bappeda Provinsi Kalimantan "
     "Selatan; panitia)",
     "Tingkat kemiskinan kabupaten/kota 2023 menurut BPS berkisar 2,44 sampai 6,25 persen; "
     "Kalimantan Selatan peringkat 2 persentase penduduk miskin terendah secara nasional.",
     "Intervensi program berbasis data by name by address; perbaikan kualitas data tidak bisa "
     "ditawar agar intervensi tepat sasaran."),
    ("Evaluasi dan rencana program: Indeks Pembangunan Manusia", _t(10, 0), _t(11, 0), "IPM", None,
     "Bappeda/Bappelitbang kabupaten/kota", "Pemaparan dan diskusi.", None),
    ("Evaluasi dan rencana program: Kemiskinan", _t(11, 0), _t(12, 0), "KEMISKINAN", None,
     "Bappeda/Bappelitbang kabupaten/kota", "Pemaparan dan diskusi.", None),
    ("Evaluasi dan rencana program: Stunting", _t(13, 0), _t(14, 0), "STUNTING", None,
     "Bappeda/Bappelitbang kabupaten/kota", "Pemaparan dan diskusi.", None),
    ("Evaluasi dan rencana program: Standar Pelayanan Minimal", _t(14, 0), _t(15, 0), "SPM", None,
     "Bappeda/Bappelitbang kabupaten/kota", "Pemaparan dan diskusi.", None),
    ("Evaluasi dan rencana program: Kawasan Perdesaan", _t(15, 0), _t(16, 0), "KAWASAN_PERDESAAN",
     None, "Bappeda/Bappelitbang kabupaten/kota", "Pemaparan dan diskusi.", None),
)


def find_seed_meeting():
    return db.session.scalar(select(Meeting).where(Meeting.title == TITLE, Meeting.starts_at == STARTS))


def _organizer():
    return db.session.scalar(
        select(Agency).join(Agency.region)
        .where(Region.kemendagri_code == "63", Agency.is_planning_agency.is_(True))
        .order_by(Agency.id).limit(1))


# The organizer's kop and head as production will have them, so that every demo document looks
# as it will there. The person is invented; the logo is a drawn placeholder that says so.
DEMO_LOGO = Path(__file__).resolve().parents[2] / "static" / "img" / "demo-logo.png"
ORGANIZER_DETAILS = {
    "address": "Jl. Dharma Praja II, Kawasan Perkantoran Pemerintah Provinsi Kalimantan Selatan, Banjarbaru 70732",
    "phone": "(0511) 6749051",
    "email": "bappeda@demo.rakor.id",
    "website": "bappeda.demo.rakor.id",
    "head_position": "Kepala Badan Perencanaan Pembangunan Daerah Provinsi Kalimantan Selatan",
    "head_name": "Dr. Ir. H. Ahmad Rizani Demo, M.T.",
    "head_rank": "Pembina Utama Muda (IV/c)",
    "head_nip": "197003151996031004",
}


def dress_demo_organizer(organizer):
    """Fill the organizer's kop (logo, address, phone, e-mail, website) and head where they are
    empty; what an administrator set stays."""
    for name, value in ORGANIZER_DETAILS.items():
        if not getattr(organizer, name):
            setattr(organizer, name, value)
    if logos.logo_bytes(organizer.logo_stored_name) is None:
        organizer.logo_stored_name = logos.store_logo(DEMO_LOGO.read_bytes())
    db.session.flush()


def load_seed_meeting():
    """The seed meeting, created with its agenda and history when missing. Idempotent."""
    organizer = _organizer()
    if organizer is None:
        raise RuntimeError("load the regions of province 63 and their planning agencies first")
    dress_demo_organizer(organizer)
    meeting = find_seed_meeting()
    if meeting is not None:
        return meeting
    committee = db.session.scalar(select(User).where(User.email == COMMITTEE_EMAIL))
    meeting = create_meeting(MeetingData(
        title=TITLE, kind="rakor", field="Pemerintahan dan Pembangunan Manusia (PPM)",
        organizer_agency_id=organizer.id, starts_at=STARTS, ends_at=ENDS, timezone=TZ,
        venue="Kotabaru", city="Kabupaten Kotabaru",
        chair_name="Rahmiyanti Janoezir P., S.T., M.A.",
        chair_position="Kepala Bidang Pemerintahan dan Pembangunan Manusia, Bappeda Provinsi "
                       "Kalimantan Selatan",
        # Demo values (the NIP and rank are invented), so that every signature block is complete.
        chair_nip="197501012000032001", chair_rank="Pembina (IV/a)",
        # The organizer's office is in Banjarbaru; the meeting was held in Kotabaru.
        signing_place="Banjarbaru",
        description=DESCRIPTION, contact_name="Angga Priyadi (panitia)", contact_phone="+6281234567001",
        dress_code="PDH (Pakaian Dinas Harian)",
    ), user=committee, now=datetime(2024, 1, 10, 9, 0, tzinfo=ZoneInfo(TZ)))
    meeting.is_demo = True
    topics = {t.code: t.id for t in db.session.scalars(select(Topic))}
    for title, start, end, topic, free, presenter, description, conclusions in AGENDA:
        add_agenda_item(meeting, AgendaItemData(
            title=title, starts_at=start, ends_at=end, topic_id=topics.get(topic),
            free_topic=free, presenter=presenter, description=description, conclusions=conclusions))
    held_at = datetime(2024, 2, 1, 16, 0, tzinfo=ZoneInfo(TZ))
    change_status(meeting, "scheduled", committee, now=datetime(2024, 1, 15, 9, 0, tzinfo=ZoneInfo(TZ)))
    change_status(meeting, "held", committee, now=held_at)
    db.session.flush()
    return meeting
