"""Quarterly progress through 2024 for the seed meeting's agreed commitments: demo values
(`is_demo`), deterministic (each commitment follows one of six paths chosen by its number),
idempotent (a commitment that already has updates is skipped).

The paths give the dashboard every colour: beaten targets (done), on track, at risk, late, a
value that got worse (below 0 %), and reporting that stops after Triwulan II or III, which the
overdue rule flags (the target date is 31 December 2024, so Triwulan IV 2024 is owed)."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from rakor.auth.models import User
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.extensions import db
from rakor.progress import periods, reports, services
from rakor.progress.models import ProgressUpdate
from rakor.progress.services import UpdateData

COMMITTEE_EMAIL = "panitia@demo.rakor.id"
DELEGATE_EMAIL = "delegasi.kotabaru@demo.rakor.id"
# Share of the way from baseline to target reached at the end of each quarter; None: no report.
PATHS = (
    (Decimal("0.30"), Decimal("0.55"), Decimal("0.85"), Decimal("1.10")),  # beats the target
    (Decimal("0.25"), Decimal("0.50"), Decimal("0.75"), Decimal("0.95")),  # on track
    (Decimal("0.10"), Decimal("0.25"), Decimal("0.40"), Decimal("0.60")),  # at risk
    (Decimal("0.05"), Decimal("0.10"), Decimal("-0.15"), Decimal("0.20")),  # late, worse for a while
    (Decimal("0.20"), Decimal("0.40"), None, None),  # stops after Triwulan II: overdue
    (Decimal("0.25"), Decimal("0.45"), Decimal("0.70"), None),  # stops after Triwulan III: overdue
)
NARRATIVES = ("Kegiatan berjalan sesuai jadwal; data capaian dari OPD penanggung jawab.",
              "Pelaksanaan di desa lokus sudah dimulai; sebagian kegiatan masih tahap pengadaan.",
              "Verifikasi data sasaran bersama BPS kabupaten.")
OBSTACLES = ("Refocusing anggaran pada APBD Perubahan.", "Keterlambatan pengadaan barang dan jasa.",
             "Data sasaran belum padan dengan DTKS.")
NEXT_STEPS = ("Percepatan pelaksanaan pada triwulan berikutnya.",
              "Pemadanan data sasaran bersama Dinas Sosial dan BPS kabupaten.",
              "Rapat koordinasi dengan OPD penanggung jawab untuk mengejar realisasi fisik.")
# The monitoring report's letter for the seed meeting: to whom it goes, where it is signed, its
# copies and conclusions. The demo organizer's head of agency (meetings/demo.py) signs it.
LETTER = {
    "addressee": "Gubernur Kalimantan Selatan", "addressee_place": "Banjarbaru", "place": "Banjarbaru",
    "copies": "Sekretaris Daerah Provinsi Kalimantan Selatan\nInspektur Provinsi Kalimantan Selatan\n"
              "Kepala Bappeda/Bappelitbang Kabupaten/Kota se-Kalimantan Selatan\nArsip",
    "conclusions": "Rata-rata capaian kinerja kesepakatan masih pada kategori sedang dan rendah. Kabupaten/kota "
                   "dengan capaian rendah diminta menyampaikan rencana percepatan pada rapat koordinasi "
                   "berikutnya, dan seluruh pelapor diminta melengkapi bukti dukung serta realisasi fisik.",
}


def _status(share, expected, last):
    if last and share >= 1:
        return "done"
    if share >= expected * Decimal("0.9"):
        return "on_track"
    if share >= expected * Decimal("0.6"):
        return "at_risk"
    return "late"


def load_seed_progress(meeting):
    committee = db.session.scalar(select(User).where(User.email == COMMITTEE_EMAIL))
    delegate = db.session.scalar(select(User).where(User.email == DELEGATE_EMAIL))
    done = set(db.session.scalars(select(ProgressUpdate.commitment_id).join(
        Commitment, Commitment.id == ProgressUpdate.commitment_id).where(Commitment.meeting_id == meeting.id)))
    commitments = db.session.scalars(select(Commitment).where(
        Commitment.meeting_id == meeting.id, Commitment.status == CommitmentStatus.AGREED)
        .order_by(Commitment.id)).all()
    for n, c in enumerate(commitments):
        if c.id in done:
            continue
        path = PATHS[(n * 7 + c.sequence) % len(PATHS)]
        reporter = delegate if delegate is not None and c.agency_id == delegate.agency_id else committee
        for q, share in enumerate(path, start=1):
            if share is None:
                break
            period = periods.quarter(2024, q)
            data = UpdateData(period=period, status=_status(share, Decimal(q) / 4, q == 4),
                              narrative=NARRATIVES[(n + q) % len(NARRATIVES)],
                              obstacles=OBSTACLES[(n + q) % len(OBSTACLES)] if share < Decimal(q) / 4 else None,
                              next_steps=NEXT_STEPS[(n + q) % len(NEXT_STEPS)] if share < 1 else None,
                              physical_percent=min(max((share + Decimal("0.05")) * 100, Decimal(0)),
                                                   Decimal(100)).quantize(Decimal("1")))
            if services.measurable(c):
                data.realised_value = (c.baseline_value + (c.target_value - c.baseline_value) * share).quantize(
                    Decimal("0.01"))
            else:
                data.percent = (share * 100).quantize(Decimal("1"))
            if c.budget is not None:
                data.budget_realised = (c.budget * min(max(share, Decimal(0)), Decimal(1)) * Decimal("0.9")).quantize(
                    Decimal("1"))
            reported = datetime.combine(period.end + timedelta(days=6 + n % 5), datetime.min.time(), tzinfo=UTC)
            result = services.report(c, data, reporter, confirm_percent=True, now=reported, is_demo=True,
                                     today=period.end + timedelta(days=30))
            if q <= 2:
                services.review(result.update, "verified", committee, now=reported + timedelta(days=3))
    db.session.flush()
    if reports.letter_of(meeting) is None:
        letter = vars(reports.letter_data(meeting))  # the organizer's head of agency signs
        reports.save_letter(meeting, reports.LetterData(**{**letter, **LETTER}), committee)
