"""The seed meeting's minutes: version 1, final, written from the news report of the meeting
(docs/product-brief.md) and the demo commitments; the meeting then has "minutes final".

What the report says is kept as it says it: the opening by the Sekretaris Daerah of Kotabaru,
Drs. H. Said Akhmad, MM; the Kabid PPM (the chair) on the purpose of the meeting; the committee's
poverty figures (BPS 2023: 2,44-6,25 %, South Kalimantan second lowest nationally, data "by name
by address"); the topics IPM, Kemiskinan, Stunting, SPM and Kawasan Perdesaan. What it does not
say (the discussion within each topic, the minute-taker) is written as plausible demo text and
marked as such in the minutes' closing. The minute-taker and her NIP are invented, like the
delegates of rakor/participants/demo.py.

Idempotent: a meeting whose minutes exist is left alone. Must run after the commitments step
(the agreed commitments are printed in the minutes) and after the delegates step (attendance)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rakor.auth.models import User
from rakor.core.urls import external_url
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Topic
from rakor.minutes import documents, queries, services

TZ = ZoneInfo("Asia/Makassar")
COMMITTEE_EMAIL = "panitia@demo.rakor.id"
LEADERSHIP_EMAIL = "pimpinan@demo.rakor.id"
# name, jabatan, NIP, pangkat/golongan (invented, as every demo person's).
MINUTE_TAKER = ("Nur Aisyah Rahmawati, S.E.", "Perencana Ahli Pertama, Bappeda Provinsi Kalimantan Selatan",
                "199204152019032011", "Penata Muda (III/a)")
WRITTEN_AT = datetime(2024, 2, 2, 10, 0, tzinfo=TZ)
FINALISED_AT = datetime(2024, 2, 5, 9, 0, tzinfo=TZ)

OPENING = """\
Rapat dibuka pukul 08.30 WITA oleh Kepala Bidang Pemerintahan dan Pembangunan Manusia (PPM) Bappeda \
Provinsi Kalimantan Selatan, Rahmiyanti Janoezir P., S.T., M.A., selaku pimpinan rapat, yang menyampaikan \
maksud rapat: memperkuat sinergitas dan harmonisasi perencanaan pembangunan daerah bidang PPM serta \
meningkatkan kualitas perencanaan pembangunan daerah di Pemerintah Kabupaten/Kota.

Sekretaris Daerah Kabupaten Kotabaru, **Drs. H. Said Akhmad, MM**, menyampaikan sambutan:

- mengucapkan selamat datang kepada rombongan Bappeda se-Kalimantan Selatan;
- pertemuan ini dalam rangka membuat program dan perencanaan bersama untuk mengatasi kemiskinan, \
terkait bidang kesehatan dan stunting, di Provinsi Kalimantan Selatan khususnya Kabupaten Kotabaru;
- program pengentasan kemiskinan harus *disepakati bersama*, karena termasuk penilaian secara \
nasional; tanpa perencanaan, daerah tidak akan keluar dari status kasus stunting dan kemiskinan;
- pertemuan ini merupakan langkah awal yang strategis dan salah satu tanggung jawab Pemerintah \
Daerah dalam mengatasi kemiskinan.

Rapat dihadiri perwakilan Bappeda/Bappelitbang dari 13 kabupaten/kota se-Provinsi Kalimantan \
Selatan serta Tim Koordinasi Penanggulangan Kemiskinan Kabupaten Kotabaru."""

# topic code (or None for the first items, by position) -> (discussion, conclusions)
OPENING_ITEM = (
    "Sambutan Sekretaris Daerah Kabupaten Kotabaru sebagaimana pada bagian Pembukaan.",
    "Program penanggulangan kemiskinan dan stunting disepakati bersama oleh provinsi dan "
    "kabupaten/kota; tanpa perencanaan, daerah tidak akan keluar dari status kasus stunting dan "
    "kemiskinan.",
)
DATA_ITEM = (
    "Kepala Bidang PPM membuka sesi paparan; panitia pelaksana, Angga Priyadi, S.T., M.Ec.Dev. "
    "(Ahli Pratama Perencanaan Bappeda Provinsi Kalimantan Selatan), memaparkan:\n\n"
    "1. Tingkat kemiskinan kabupaten/kota tahun 2023 menurut data BPS berkisar antara **2,44 sampai "
    "6,25 persen**.\n"
    "2. Provinsi Kalimantan Selatan berada di peringkat 2 persentase penduduk miskin terendah secara "
    "nasional.\n"
    "3. Hal itu tidak berarti pengentasan kemiskinan sudah selesai: semakin rendah kemiskinan, semakin "
    "melambat laju penurunannya dan semakin sulit penanggulangannya.",
    "- Intervensi program dilakukan berbasis data *by name by address*.\n"
    "- Perbaikan kualitas data tidak bisa ditawar untuk mewujudkan intervensi tepat sasaran.",
)
TOPICS = {
    "IPM": (
        "Kabupaten/kota memaparkan capaian dan rencana program Indeks Pembangunan Manusia, terutama "
        "rata-rata lama sekolah dan harapan lama sekolah. Peserta menekankan pendidikan kesetaraan bagi "
        "penduduk usia dewasa di wilayah dengan capaian terendah.",
        "Kabupaten/kota menyusun program peningkatan rata-rata lama sekolah melalui pendidikan "
        "kesetaraan, dengan target per daerah sebagaimana tercantum pada Rencana Tindak Lanjut.",
    ),
    "KEMISKINAN": (
        "Pembahasan evaluasi program penanggulangan kemiskinan kabupaten/kota. Peserta sepakat bahwa "
        "sasaran program harus berasal dari data terpadu yang dimutakhirkan, dengan verifikasi lapangan "
        "oleh desa/kelurahan.",
        "Perluasan perlindungan dan jaminan sosial bagi keluarga miskin ekstrem berbasis data *by name "
        "by address* menjadi program bersama kabupaten/kota.",
    ),
    "STUNTING": (
        "Pembahasan intervensi gizi spesifik dan sensitif di desa lokus stunting, termasuk peran "
        "posyandu dan pendampingan keluarga berisiko stunting.",
        "Setiap kabupaten/kota menetapkan desa lokus dan target penurunan prevalensi stunting, "
        "dengan Dinas Kesehatan sebagai penanggung jawab.",
    ),
    "SPM": (
        "Pembahasan penerapan dan pelaporan Standar Pelayanan Minimal (SPM) kabupaten/kota serta "
        "kendala pengisian data capaian.",
        "Percepatan penerapan dan pelaporan SPM dikoordinasikan oleh Bappeda kabupaten/kota.",
    ),
    "KAWASAN_PERDESAAN": (
        "Pembahasan penataan desa dan pengembangan kawasan perdesaan prioritas di kabupaten.",
        "Kabupaten menetapkan kawasan perdesaan prioritas dan program penataannya dalam RKPD.",
    ),
}
CONCLUSIONS = """\
1. Program pengentasan kemiskinan, penurunan stunting, peningkatan IPM, penerapan SPM dan \
pengembangan kawasan perdesaan **disepakati bersama** antara provinsi dan kabupaten/kota.
2. Intervensi program berbasis data *by name by address*; perbaikan kualitas data tidak bisa ditawar.
3. Rencana tindak lanjut yang disepakati per kabupaten/kota dicantumkan pada bagian Rencana Tindak \
Lanjut dan dipantau capaiannya setiap triwulan."""
CLOSING = """\
Rapat ditutup pukul 16.00 WITA oleh pimpinan rapat dengan ucapan terima kasih kepada Pemerintah \
Kabupaten Kotabaru selaku tuan rumah dan kepada seluruh peserta.

*(Data demo: isi pembahasan per topik dan notulis bersifat ilustratif, disusun dari berita \
kegiatan.)*"""


def _notes_for(meeting_id):
    topics = {t.id: t.code for t in db.session.scalars(select(Topic))}
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                               .order_by(AgendaItem.position)).all()
    notes = {}
    for index, item in enumerate(items):
        code = topics.get(item.topic_id)
        if index == 0:
            discussion, conclusions = OPENING_ITEM
        elif index == 1:
            discussion, conclusions = DATA_ITEM
        elif code in TOPICS:
            discussion, conclusions = TOPICS[code]
        else:
            continue
        notes[str(item.id)] = {"discussion": discussion, "conclusions": conclusions}
    return notes


def load_seed_minutes(meeting):
    if queries.minutes_of(meeting.id) is not None or meeting.status != "held":
        return
    committee = db.session.scalar(select(User).where(User.email == COMMITTEE_EMAIL))
    chair = db.session.scalar(select(User).where(User.email == LEADERSHIP_EMAIL))
    if not meeting.minute_taker_name:
        # Before the minutes are final: afterwards the meeting's details are frozen.
        (meeting.minute_taker_name, meeting.minute_taker_position, meeting.minute_taker_nip,
         meeting.minute_taker_rank) = MINUTE_TAKER
    body = {"opening": OPENING, "items": _notes_for(meeting.id), "conclusions": CONCLUSIONS,
            "closing": CLOSING}
    draft = services.save(meeting, body, committee, expected_revision_id=None, now=WRITTEN_AT)
    final = services.finalise(meeting, chair, draft.id, lambda code: external_url("documents.verify", code=code),
                              now=FINALISED_AT)
    documents.publish_final_pdf(meeting, final)
