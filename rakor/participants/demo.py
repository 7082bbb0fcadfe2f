"""The seed meeting's delegation: 4 delegates from each of the 13 regency/city planning agencies
of South Kalimantan (52, as in the news report), 40 of them checked in.

Everything is deterministic (names, NIPs, phones, emails, times come from fixed lists and the
agency's position in Kemendagri-code order) and idempotent (a delegate whose name is already
registered for the meeting is not added again). Only the check-in codes are random: they are
secrets even in a demo. The people are invented; only the numbers come from the report.
"""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rakor.auth.models import User
from rakor.extensions import db
from rakor.participants import letters
from rakor.participants.models import Participant
from rakor.participants.quotas import province_code_of, set_seats_for_province
from rakor.participants.services import clean_participant, register_participant
from rakor.regions.services import planning_agencies_of_province

SEATS_PER_AGENCY = 4
COMMITTEE_EMAIL = "panitia@demo.rakor.id"
# Delegates who did not come (index in the list of 52): 12 absent, 40 present.
ABSENT = frozenset({3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47})

# (name, gender) per agency, in Kemendagri-code order of the agencies; four each.
PEOPLE = (
    (("Ir. H. Rahmadi, M.T.", "L"), ("Noor Hidayati, S.T., M.Si.", "P"),
     ("Ahmad Fauzan, S.E., M.M.", "L"), ("Siti Aminah, S.Kom.", "P")),
    (("Dr. H. Syahrani, S.Sos., M.AP.", "L"), ("Rina Marlina, S.E., M.Si.", "P"),
     ("Gusti Rahmat, S.T.", "L"), ("Laila Rahmah, S.P.", "P")),
    (("Hj. Fitriani, S.T., M.T.", "P"), ("Akhmad Yani, S.H., M.H.", "L"),
     ("Dewi Sartika, S.E.", "P"), ("Fahrurrazi, A.Md.", "L")),
    (("Ir. Norhadi, M.Si.", "L"), ("Nurul Huda, S.Pd., M.Pd.", "P"),
     ("Hendra Saputra, S.T., M.Eng.", "L"), ("Yuliana, S.Kom.", "P")),
    (("H. Yusuf Effendi, S.E., M.M.", "L"), ("Rahmawati, S.Si., M.Si.", "P"),
     ("Abdul Hadi, S.IP.", "L"), ("Sri Wahyuni, S.E.", "P")),
    (("Dr. Irwan Hidayat, S.P., M.P.", "L"), ("Mariatul Kiptiah, S.T., M.T.", "P"),
     ("Taufik Rahman, S.Kom., M.Kom.", "L"), ("Hasanah, S.Sos.", "P")),
    (("Drs. H. Bambang Sutrisno, M.Si.", "L"), ("Nor Aida, S.E., M.E.", "P"),
     ("Ridwan Syah, S.T.", "L"), ("Fatimah Azzahra, S.Stat.", "P")),
    (("Hj. Ika Purnamasari, S.T., M.T.", "P"), ("Zainal Arifin, S.Pi., M.Si.", "L"),
     ("Dian Safitri, S.E., M.Ak.", "P"), ("Hairul Anwar, S.AP.", "L")),
    (("H. M. Iqbal, S.T., M.T.", "L"), ("Ratna Sari, S.KM., M.Kes.", "P"),
     ("Aditya Pratama, S.P.W.K.", "L"), ("Wulan Agustina, S.E.", "P")),
    (("Ir. Rudy Hartono, M.M.", "L"), ("Erna Susanti, S.Sos., M.Si.", "P"),
     ("Arief Budiman, S.T., M.Sc.", "L"), ("Nadia Rahmi, S.Ak.", "P")),
    (("Dr. Hj. Maya Anggraini, S.E., M.Si.", "P"), ("Saipul Bahri, S.Hut., M.P.", "L"),
     ("Yunita Sari, S.Pd.", "P"), ("Darmawan, A.Md.Kom.", "L")),
    (("H. Fajar Nugraha, S.T., M.T.", "L"), ("Rusmini, S.E., M.M.", "P"),
     ("Eko Prasetyo, S.Kom., M.T.I.", "L"), ("Kartini, S.IP.", "P")),
    (("Drs. Herman Susilo, M.AP.", "L"), ("Norlaila, S.T., M.T.", "P"),
     ("Muhammad Rizal, S.E., M.E.", "L"), ("Anisa Rahmadani, S.Stat.", "P")),
)
POSITIONS = (
    "Kepala {kind}",
    "Kepala Bidang Pemerintahan dan Pembangunan Manusia",
    "Perencana Ahli Muda",
    "Analis Perencanaan",
)
# Pangkat/golongan that goes with each position (the analyst has no NIP in the demo: no rank).
RANKS = ("Pembina Utama Muda (IV/c)", "Pembina (IV/a)", "Penata Tingkat I (III/d)", "")
TZ = ZoneInfo("Asia/Makassar")
REGISTERED_FROM = datetime(2024, 1, 16, 9, 0, tzinfo=TZ)
FIRST_ARRIVAL = datetime(2024, 2, 1, 7, 40, tzinfo=TZ)


def _email_local(name: str) -> str:
    """'Dr. Hj. Maya Anggraini, S.E., M.Si.' -> 'maya.anggraini'."""
    core = name.split(",")[0]
    words = [w for w in core.replace(".", ". ").split() if not w.endswith(".")]
    return ".".join(w.lower() for w in words[:2]) or "delegasi"


def _nip(n: int, gender: str) -> str:
    """An 18-digit NIP of the usual shape: birth date, appointment month, gender, sequence."""
    born = f"{1968 + n % 20}{1 + n % 12:02d}{1 + (n * 7) % 28:02d}"
    appointed = f"{1995 + n % 20}{(1 + n % 2) * 3:02d}"
    return f"{born}{appointed}{1 if gender == 'L' else 2}{n + 1:03d}"


def _phone(n: int) -> str:
    return f"0812-5{(n * 37) % 1000:03d}-{(n * 7919) % 10000:04d}"


def seed_delegates(agencies):
    """(agency, n, fields) for the 52 delegates, n = 0..51."""
    for a_index, agency in enumerate(agencies[:len(PEOPLE)]):
        kind = agency.short_name.split()[0] if agency.short_name else "Bappeda"
        for p_index, (name, gender) in enumerate(PEOPLE[a_index]):
            n = a_index * SEATS_PER_AGENCY + p_index
            yield agency, n, {
                "name": name,
                "gender": gender,
                "position": POSITIONS[p_index].format(kind=kind),
                "nip": _nip(n, gender) if p_index < 3 else "",
                "rank": RANKS[p_index],
                "phone": _phone(n),
                "email": f"{_email_local(name)}.{agency.region.kemendagri_code.replace('.', '')}@demo.rakor.id",
                "meeting_role": "peserta",
            }


def load_seed_delegates(meeting) -> int:
    """4 seats for every regency/city planning agency of the meeting's province and their 52
    delegates, about 40 checked in. Returns how many delegates were added (0 on a re-run)."""
    set_seats_for_province(meeting, SEATS_PER_AGENCY)
    agencies = planning_agencies_of_province(province_code_of(meeting))
    committee = db.session.scalar(select(User).where(User.email == COMMITTEE_EMAIL))
    existing = set(db.session.scalars(select(Participant.name).where(
        Participant.meeting_id == meeting.id, Participant.status == "registered")))
    added = 0
    for agency, n, fields in seed_delegates(agencies):
        if fields["name"] in existing:
            continue
        result = clean_participant(fields, agency.id)
        if result.errors:
            raise ValueError(f"demo delegate {fields['name']!r}: {result.errors}")
        participant, _warnings = register_participant(
            meeting, result.data, by_user=committee, via="demo", is_demo=True, require_quota=True)
        participant.registered_at = REGISTERED_FROM + timedelta(hours=5 * n)
        if n not in ABSENT:
            participant.checked_in_at = FIRST_ARRIVAL + timedelta(minutes=n)
            participant.checked_in_by_id = getattr(committee, "id", None)
        added += 1
    db.session.flush()
    _send_demo_letter(meeting, committee)
    return added


LETTER_SENT_AT = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # 17.00 WITA, after scheduling
LETTER_COPIES = ("Gubernur Kalimantan Selatan (sebagai laporan)",
                 "Sekretaris Daerah Provinsi Kalimantan Selatan")


def _send_demo_letter(meeting, committee):
    """The invitation letter as the committee would have sent it: dated at Banjarbaru, with
    tembusan, numbered on the day the links went out."""
    if letters.registered_number(meeting) is None:
        letters.save_letter(meeting, nature="Biasa", place="Banjarbaru", copies="\n".join(LETTER_COPIES))
        letters.number_letter(meeting, by_user=committee, at=LETTER_SENT_AT)
