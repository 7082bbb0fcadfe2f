"""The seed meeting's commitments: one per topic for each of the 13 regencies/cities, with
programme codes of the national nomenclature. Demo values throughout (`is_demo`): the
baselines are invented within the ranges the news report gives (poverty 2,44-6,25 %, BPS 2023)
and are not official figures. Most are agreed, a few still submitted, returned or in draft,
as in a real meeting's afternoon.

Deterministic (values come from the region's position) and idempotent (a region that already
has commitments at the meeting is skipped)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from rakor.auth.models import User
from rakor.commitments import baselines
from rakor.commitments.models import Commitment
from rakor.commitments.services import CommitmentData, change_status, create_commitment
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Topic
from rakor.regions.programmes import load_shipped_programmes
from rakor.regions.services import planning_agencies_of_province

COMMITTEE_EMAIL = "panitia@demo.rakor.id"
DEMO_SOURCE = "Nilai demo (bukan data resmi)"

# topic code -> (programme code, title, OPD, baseline low, baseline high, step towards target)
# Every plan is measured by an indicator (the topic itself, or INDICATOR_OF), so that every
# agreed commitment prints an indicator and a target.
PLANS = {
    "KEMISKINAN": ("1.06.05", "Perluasan perlindungan dan jaminan sosial bagi keluarga miskin ekstrem "
                   "(data by name by address)", "Dinas Sosial", Decimal("2.44"), Decimal("6.25"), Decimal("-0.50")),
    "STUNTING": ("1.02.02", "Intervensi gizi spesifik dan sensitif di desa lokus stunting",
                 "Dinas Kesehatan", Decimal("18.20"), Decimal("30.40"), Decimal("-4.00")),
    "IPM": ("1.01.02", "Peningkatan rata-rata lama sekolah melalui pendidikan kesetaraan",
            "Dinas Pendidikan", Decimal("66.80"), Decimal("78.20"), Decimal("0.60")),
    "SPM": ("5.01.02", "Percepatan penerapan dan pelaporan Standar Pelayanan Minimal",
            "Bappeda", Decimal("78.00"), Decimal("94.00"), Decimal("3.00")),
    # IDM 0,6012-0,7385: villages on average "berkembang" to "maju" (Kemendes PDTT status bands).
    "KAWASAN_PERDESAAN": ("2.13.02", "Penataan desa dan pengembangan kawasan perdesaan prioritas",
                          "Dinas Pemberdayaan Masyarakat dan Desa", Decimal("0.6012"), Decimal("0.7385"),
                          Decimal("0.0150")),
}
# A topic that is not itself an indicator -> the indicator that measures it.
INDICATOR_OF = {"KAWASAN_PERDESAAN": "IDM"}
# (region index, topic) of commitments still in play at the end of the demo meeting.
NOT_YET_AGREED = {
    (1, "SPM"): "submitted", (4, "IPM"): "submitted", (6, "KAWASAN_PERDESAAN"): "submitted",
    (9, "STUNTING"): "submitted", (2, "KAWASAN_PERDESAAN"): "returned", (7, "SPM"): "returned",
    (11, "IPM"): "draft",
}
RETURN_NOTE = "Lengkapi kode program dan OPD penanggung jawab sesuai RKPD."


def _baseline(low, high, index, count=13):
    """Spread between low and high, with the decimals `low` is written with."""
    return (low + (high - low) * Decimal(index) / Decimal(count - 1)).quantize(low)


def load_seed_commitments(meeting):
    load_shipped_programmes()
    committee = db.session.scalar(select(User).where(User.email == COMMITTEE_EMAIL))
    agencies = planning_agencies_of_province("63")
    topics = {t.code: t for t in db.session.scalars(select(Topic))}
    items = {i.topic_id: i for i in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    lines = ["kode wilayah;kode indikator;tahun;nilai;sumber"]
    for index, agency in enumerate(agencies):
        for code, (_p, _t, _o, low, high, _s) in PLANS.items():
            if low is not None:
                lines.append(f"{agency.region.kemendagri_code};{INDICATOR_OF.get(code, code)};2023;"
                             f"{_baseline(low, high, index)};{DEMO_SOURCE}")
    # The demo's values go through the reader of the admin's upload and `indicators load`.
    report, _outcome = baselines.import_file("\n".join(lines).encode(), is_demo=True)
    if not report.ok:
        raise RuntimeError("demo baselines: " + "; ".join(report.problems()))
    done = set(db.session.scalars(select(Commitment.agency_id).where(Commitment.meeting_id == meeting.id)))
    for index, agency in enumerate(agencies):
        if agency.id in done:
            continue
        for code, (programme, title, office, low, _high, step) in PLANS.items():
            topic, indicator = topics[code], topics[INDICATOR_OF.get(code, code)]
            item = items.get(topic.id)
            numeric = low is not None
            budget = Decimal(250_000_000 + 125_000_000 * ((index * 7 + len(code)) % 17))
            data = CommitmentData(
                agency_id=agency.id, agenda_item_id=item.id if item else None, topic_id=topic.id,
                title=title, programme_code=programme, indicator_id=indicator.id if numeric else None,
                target_value=(_baseline(low, _high, index) + step) if numeric else None,
                target_date=date(2024, 12, 31), responsible_office=f"{office} {agency.region.name}",
                contact_person=f"Kepala {office}", budget=budget, funding_source="apbd", budget_year=2024,
                description="Nilai demo.")
            status = NOT_YET_AGREED.get((index, code), "agreed")
            commitment = create_commitment(meeting, data, committee, is_demo=True,
                                           submit=status != "draft", confirm_direction=True)
            if status in ("agreed", "returned"):
                change_status(commitment, status, committee,
                              note=RETURN_NOTE if status == "returned" else None)
    db.session.flush()
