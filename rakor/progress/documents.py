"""Laporan monitoring (monitoring report) of a meeting's agreed commitments: the status summary,
achievement by region and by topic with the dashboard's charts, every commitment with its
latest realisation per region, and the overdue list; Indonesian throughout. Also as XLSX.

Rendering is synchronous: a meeting's report is a few dozen pages at most. The job queue
(rakor/documents/jobs.py, built beside this) takes over for large reports from the document
route: a DocumentKind gives it everything a job needs (template + `context(meeting, None)`),
so nothing here changes when the route hands a kind to the queue instead of rendering inline.
"""
from collections import OrderedDict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core import tabular
from rakor.core.formatting import format_date_medium, format_number, format_rupiah, local_date
from rakor.core.tabular import ExportColumn
from rakor.core.types import utcnow
from rakor.documents.formatting import meeting_when
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.progress import dashboard as board
from rakor.progress import periods, stats, workdays
from rakor.progress.achievement import BANDS, absorption, band, band_range_text
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressUpdate
from rakor.progress.queries import latest_join
from rakor.regions.letterhead import letterhead_for
from rakor.regions.models import Agency, Region

LOCALE = "id"
TEMPLATE = "documents/monitoring.html"


def _rows(meeting_id):
    """[(commitment, latest update | None)] of the meeting's agreed commitments by region (1 query)."""
    return db.session.execute(
        select(Commitment, ProgressUpdate).join(Agency, Agency.id == Commitment.agency_id)
        .join(Region, Region.id == Agency.region_id).outerjoin(ProgressUpdate, latest_join())
        .where(Commitment.meeting_id == meeting_id, Commitment.status == CommitmentStatus.AGREED)
        .options(joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.indicator),
                 joinedload(Commitment.topic))
        .order_by(Region.kemendagri_code, Agency.name, Commitment.sequence)).unique().all()


def _percent(value):
    return "–" if value is None else f"{format_number(value, 1, LOCALE)} %"


def _value(value, indicator):
    if value is None:
        return "–"
    text = format_number(value, indicator.decimals if indicator else 2, LOCALE)
    return f"{text} {indicator.unit}" if indicator is not None and indicator.unit else text


def row_of(c, u):
    b = band(u.percent_achieved) if u else None
    return {
        "reference": c.reference, "title": c.title, "topic": c.topic.name if c.topic else "–",
        "indicator": c.indicator.name if c.indicator else "–",
        "change": (f"{_value(c.baseline_value, c.indicator)} → {_value(c.target_value, c.indicator)}"
                   if c.indicator and c.target_value is not None else "–"),
        "period": periods.parse_period(u.period).label_id() if u else "Belum melapor",
        "realised": _value(u.realised_value, c.indicator) if u and u.realised_value is not None else "–",
        "percent": _percent(u.percent_achieved) if u else "–", "stated": bool(u and u.percent_stated),
        "band": b.label_id if b else "–", "band_key": b.key if b else "none",
        "status": UpdateStatus(u.status).label_id if u else "Belum melapor",
        "status_key": u.status if u else "none",
        "budget": format_rupiah(c.budget, LOCALE) if c.budget is not None else "–",
        "budget_realised": format_rupiah(u.budget_realised, LOCALE) if u and u.budget_realised is not None else "–",
        "absorption": _percent(absorption(u.budget_realised, c.budget)) if u else "–",
        "obstacles": (u.obstacles or "") if u else "",
    }


def _cell(cell):
    b = band(cell.average) if cell else None
    return {"average": _percent(cell.average) if cell else "–", "count": cell.count if cell else 0,
            "band": b.key if b else "none", "band_label": b.label_id if b else ""}


def monitoring_context(meeting, user=None):
    today = workdays.today()
    filters = stats.Filters(meeting_id=meeting.id)
    summary = board.summary(filters, today, locale=LOCALE, indonesian=True)
    matrix = summary["matrix"]
    regions = OrderedDict()
    for c, u in _rows(meeting.id):
        regions.setdefault(c.agency.region_id, {"name": c.agency.region.name, "code": c.agency.region.kemendagri_code,
                                                "rows": []})["rows"].append(row_of(c, u))
    calendar = workdays.Calendar()
    due = summary["due"]
    overdue = [{"reference": c.reference, "title": c.title, "region": region, "agency": agency,
                "last": periods.parse_period(last).label_id() if last else "Belum pernah",
                "owed": stats.owed_period(c, due).label_id(),
                "deadline": format_date_medium(calendar.deadline(stats.owed_period(c, due)), LOCALE)}
               for c, agency, _code, region, _meeting, last in stats.overdue_rows(filters, due)]
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    day, _time = meeting_when(meeting, LOCALE)
    total = sum(summary["statuses"].values())
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Laporan Monitoring", "day": day,
        "as_of": format_date_medium(today, LOCALE), "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
        "due": due.label_id(), "due_deadline": format_date_medium(calendar.deadline(due), LOCALE),
        "statuses": [(summary["status_labels"][k], format_number(n, locale=LOCALE),
                      _percent(n * 100 / total) if total else "–", k) for k, n in summary["statuses"].items()],
        "total": format_number(total, locale=LOCALE), "overall": _percent(matrix.total.average),
        "overdue": overdue, "overdue_count": format_number(len(overdue), locale=LOCALE),
        "charts": summary["charts"], "chart_texts": summary["chart_texts"],
        "matrix_regions": [(name, code, [_cell(matrix.cells.get((rid, tid))) for tid, _t in matrix.topics],
                            _cell(matrix.by_region[rid])) for rid, code, name in matrix.regions],
        "matrix_topics": [name or "Tanpa topik" for _tid, name in matrix.topics],
        "topic_summary": [(name or "Tanpa topik", _cell(matrix.by_topic[tid])) for tid, name in matrix.topics],
        "regions": list(regions.values()),
        "bands": [(b.label_id, band_range_text(b), b.key) for b in BANDS],
    }


def monitoring_size(context):
    """Rows the report prints (each commitment's line, the overdue list, the matrix): a national
    meeting's report is rendered by the document worker when there is one."""
    return (sum(len(r["rows"]) for r in context["regions"]) + len(context["overdue"])
            + len(context["matrix_regions"]))


MONITORING = DocumentKind(
    "monitoring", "Laporan Monitoring", "laporan-monitoring", TEMPLATE, monitoring_context,
    permission="progress.monitoring", label=_l("Monitoring report (PDF)"), size=monitoring_size)

XLSX_COLUMNS = tuple(ExportColumn(h, w, True) for h, w in (
    ("Referensi", 26), ("Kode Wilayah", 12), ("Wilayah", 26), ("Topik", 22), ("Program/Kegiatan", 44),
    ("Indikator", 24), ("Baseline → Target", 20), ("Periode Terakhir", 16), ("Realisasi", 12),
    ("Capaian", 10), ("Kategori Capaian", 14), ("Status", 14), ("Anggaran", 18), ("Realisasi Anggaran", 18),
    ("Penyerapan", 10), ("Kendala", 40), ("Terlambat Lapor", 10)))


def monitoring_xlsx(meeting) -> bytes:
    """One row per agreed commitment with its latest realisation; overdue ones flagged."""
    filters = stats.Filters(meeting_id=meeting.id)
    due = workdays.Calendar().due_quarter(workdays.today())
    late = {c.id for c, *_rest in stats.overdue_rows(filters, due)}
    rows = []
    for c, u in _rows(meeting.id):
        r = row_of(c, u)
        rows.append([r["reference"], c.agency.region.kemendagri_code, c.agency.region.name, r["topic"], r["title"],
                     r["indicator"], r["change"], r["period"], r["realised"], r["percent"], r["band"], r["status"],
                     r["budget"], r["budget_realised"], r["absorption"], r["obstacles"],
                     "Ya" if c.id in late else "Tidak"])
    return tabular.to_xlsx(XLSX_COLUMNS, rows, sheet_title="Monitoring",
                           instructions=(f"Laporan monitoring {meeting.title}, per {format_date_medium(workdays.today(), LOCALE)}.",
                                         "Capaian = (realisasi − baseline) / (target − baseline) × 100; nilai di atas 100 % "
                                         "berarti target terlampaui, di bawah 0 % berarti memburuk.",
                                         "Kategori capaian (Permendagri 86/2017): sangat tinggi 91–100 %, tinggi 76–90 %, "
                                         "sedang 66–75 %, rendah 51–65 %, sangat rendah ≤ 50 %."))
