"""Laporan monitoring (monitoring report) of a meeting's agreed commitments, as an official
document (tata naskah dinas, Permendagri 1/2023): kop, nomor (once issued), the addressee, the
status summary, achievement by region and by topic with the dashboard's charts, realisasi fisik
beside realisasi keuangan per region, kendala and rekomendasi per region from the progress
updates, the closing, place and date, the signing officer's block and tembusan; then, as
attachments, every commitment with its latest realisation per region and the overdue list.
Indonesian throughout. Also as XLSX.

The download is a draft (no number, "DRAF" across each page); `issued_pdf` renders the issued
one, which progress/reports.py numbers and stores (see there for why issuing is explicit).

What a report covers is its scope (report_scope.py): a meeting (the document kind, issued and
numbered per meeting), or the dashboard's filters across the meetings of a year (a draft under
the reader's planning agency's kop). `scope_context` and `scope_xlsx` serve both; the meeting's
report is the scope of one meeting.

Rendering is synchronous unless a report reaches DOCUMENT_QUEUE_THRESHOLD printed rows
(`monitoring_size`): then the document worker renders it (rakor/documents/jobs.py), for the
meeting's report through the document route, for the dashboard's through `html_pdf_response`.
"""
from collections import Counter, OrderedDict
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments.models import Commitment
from rakor.core import tabular
from rakor.core.formatting import format_date_medium, format_nip, format_number, format_rupiah, local_date
from rakor.core.tabular import ExportColumn
from rakor.core.types import utcnow
from rakor.documents.formatting import meeting_when
from rakor.documents.pdf import render_pdf
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.progress import dashboard as board
from rakor.progress import periods, reports, stats, workdays
from rakor.progress.achievement import BANDS, HUNDRED, absorption, band, band_range_text
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressUpdate
from rakor.progress.report_scope import Scope
from rakor.regions.letterhead import letterhead_for
from rakor.regions.models import Agency, Region

LOCALE = "id"
TEMPLATE = "documents/monitoring.html"


def _rows(filters):
    """[(commitment, its update | None)] of the agreed commitments within `filters` by region,
    the latest update (or the period's), a meeting's in its numbering (1 query)."""
    stmt = stats.scoped(select(Commitment, ProgressUpdate).select_from(Commitment)
                        .outerjoin(ProgressUpdate, stats.update_join(filters)), filters)
    return db.session.execute(
        stmt.options(joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.indicator),
                     joinedload(Commitment.topic))
        .order_by(Region.kemendagri_code, Agency.name, Commitment.meeting_id, Commitment.sequence)).unique().all()


def _percent(value):
    """'65,7%': no space before the sign, as Indonesian documents write it."""
    return "–" if value is None else f"{format_number(value, 1, LOCALE)}%"


def _value(value, indicator):
    if value is None:
        return "–"
    text = format_number(value, indicator.decimals if indicator else 2, LOCALE)
    if indicator is None or not indicator.unit:
        return text
    return f"{text}%" if indicator.unit.strip() == "%" else f"{text} {indicator.unit}"


def row_of(c, u, meeting=None):
    """A commitment's line; `meeting` (its title and date) in a report across meetings."""
    b = band(u.percent_achieved) if u else None
    return {
        "reference": c.reference, "meeting": meeting, "title": c.title, "topic": c.topic.name if c.topic else "–",
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
        "physical": _percent(u.physical_percent) if u and u.physical_percent is not None else "–",
        "obstacles": (u.obstacles or "") if u else "",
        "next_steps": (u.next_steps or "") if u else "",
    }


def _cell(cell):
    b = band(cell.average) if cell else None
    return {"average": _percent(cell.average) if cell else "–", "count": cell.count if cell else 0,
            "band": b.key if b else "none", "band_label": b.label_id if b else ""}


def _average(values):
    values = [v for v in values if v is not None]
    return (sum(values, Decimal(0)) / len(values)) if values else None


class _Realisation:
    """Realisasi fisik and keuangan of a group of commitments: the average physical realisation
    of those that reported one, and the budget realised against the budget committed."""

    def __init__(self):
        self.count, self.physical, self.achieved, self.budget, self.spent = 0, [], [], Decimal(0), Decimal(0)
        self.budgeted = False

    def add(self, c, u):
        self.count += 1
        self.achieved.append(u.percent_achieved if u else None)
        self.physical.append(u.physical_percent if u else None)
        if c.budget is not None:
            self.budgeted = True
            self.budget += c.budget
            if u is not None and u.budget_realised is not None:
                self.spent += u.budget_realised

    def row(self, name):
        achieved = _average(self.achieved)
        b = band(achieved)
        return {"name": name, "count": format_number(self.count, locale=LOCALE), "achieved": _percent(achieved),
                "band": b.label_id if b else "–", "band_key": b.key if b else "none",
                "physical": _percent(_average(self.physical)),
                "budget": format_rupiah(self.budget, LOCALE) if self.budgeted else "–",
                "spent": format_rupiah(self.spent, LOCALE) if self.budgeted else "–",
                "absorption": _percent(self.spent * HUNDRED / self.budget) if self.budgeted and self.budget else "–"}


def _grouped(rows, key):
    """[(text, [commitment titles])] of the commitments' obstacles or next steps, the same text
    written for several commitments once."""
    groups = OrderedDict()
    for row in rows:
        text = " ".join((row[key] or "").split())
        if text:
            groups.setdefault(text, []).append(row["title"])
    return list(groups.items())


def _narrative(region, realisation, overdue_count):
    """Kendala and rekomendasi of one region from its commitments' latest updates."""
    rows = region["rows"]
    reported = sum(1 for r in rows if r["status_key"] != "none")
    weak = [r for r in rows if r["band_key"] in ("low", "very_low")]
    return {"name": region["name"], "code": region["code"], "summary": realisation,
            "reported": format_number(reported, locale=LOCALE), "total": format_number(len(rows), locale=LOCALE),
            "overdue": format_number(overdue_count, locale=LOCALE),
            "weak": [(r["title"], r["percent"], r["band"]) for r in weak],
            "obstacles": _grouped(rows, "obstacles"), "next_steps": _grouped(rows, "next_steps")}


def _officer_line(value, width=32):
    """A missing element of a draft prints as a dotted line to fill in, as on paper."""
    return value or "." * width


def letter_context(scope, number=None, issued_on=None):
    """The document's letter elements: nomor, Yth., place and date, the signing officer, tembusan."""
    data = scope.letter_data()
    on = issued_on or workdays.today()
    return {
        "number": number, "draft": number is None,
        "addressee": data.addressee, "addressee_place": data.addressee_place,
        "place_date": f"{_officer_line(data.place, 16)}, {format_date_medium(on, LOCALE)}",
        "signer": {"position": _officer_line(data.signer_position), "name": _officer_line(data.signer_name),
                   "rank": _officer_line(data.signer_rank, 24),
                   "nip": format_nip(data.signer_nip) if data.signer_nip else _officer_line(None, 24)},
        "copies": reports.copies_of(data), "conclusions": data.conclusions,
        "missing": [str(m) for m in reports.missing(data)],
        "issued_on": format_date_medium(on, LOCALE),
    }


def _meeting_label(title, starts_at, timezone):
    return f"{title} ({format_date_medium(local_date(starts_at, timezone), LOCALE)})"


def monitoring_context(meeting, user=None, number=None, issued_on=None):
    """The meeting's report (the document kind's context; the one issued and numbered)."""
    return scope_context(Scope.of_meeting(meeting), number, issued_on)


def scope_context(scope: Scope, number=None, issued_on=None):
    """The report of `scope`: a meeting's, or the commitments of a year's meetings within the
    dashboard's filters (report_scope.py). One path for both: the scope picks the commitments,
    the title, the kop and the letter."""
    today = issued_on or workdays.today()
    filters = scope.filters
    summary = board.summary(filters, today, locale=LOCALE, indonesian=True)
    matrix = summary["matrix"]
    covered = stats.meetings_covered(filters) if scope.across_meetings else []
    labels = {m.id: _meeting_label(m.title, m.starts_at, m.timezone) for m in covered}
    regions, realisations, total = OrderedDict(), OrderedDict(), _Realisation()
    for c, u in _rows(filters):
        regions.setdefault(c.agency.region_id, {"name": c.agency.region.name, "code": c.agency.region.kemendagri_code,
                                                "rows": []})["rows"].append(row_of(c, u, labels.get(c.meeting_id)))
        realisations.setdefault(c.agency.region_id, _Realisation()).add(c, u)
        total.add(c, u)
    calendar = workdays.Calendar()
    due = summary["due"]
    overdue_rows = stats.overdue_rows(filters, due)
    overdue = [{"reference": c.reference, "title": c.title, "region": region, "agency": agency,
                "last": periods.parse_period(last).label_id() if last else "Belum pernah",
                "owed": stats.owed_period(c, due).label_id(),
                "deadline": format_date_medium(calendar.deadline(stats.owed_period(c, due)), LOCALE)}
               for c, agency, _code, region, _meeting, last in overdue_rows]
    overdue_by_code = Counter(code for _c, _agency, code, *_rest in overdue_rows)
    organizer = scope.organizer
    day = meeting_when(scope.meeting, LOCALE)[0] if scope.meeting else None
    count = sum(summary["statuses"].values())
    realisation_rows = [realisations[rid].row(r["name"]) for rid, r in regions.items()]
    return {
        "meeting": scope.meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Laporan Monitoring", "day": day,
        "heading": scope.heading, "subtitle": scope.subtitle, "scope_title": scope.title,
        "short_title": scope.short_title, "subject": scope.subject, "narrowed_by": scope.narrowed_by(),
        "covered": [{"title": m.title, "day": format_date_medium(local_date(m.starts_at, m.timezone), LOCALE),
                     "count": format_number(m.commitments, locale=LOCALE)} for m in covered],
        "across_meetings": scope.across_meetings,
        **letter_context(scope, number if scope.official else None, today),
        "as_of": format_date_medium(today, LOCALE),
        "printed_on": format_date_medium(local_date(utcnow(), scope.timezone), LOCALE),
        "due": due.label_id(), "due_deadline": format_date_medium(calendar.deadline(due), LOCALE),
        "statuses": [(summary["status_labels"][k], format_number(n, locale=LOCALE),
                      _percent(n * 100 / count) if count else "–", k) for k, n in summary["statuses"].items()],
        "total": format_number(count, locale=LOCALE), "overall": _percent(matrix.total.average),
        "overdue": overdue, "overdue_count": format_number(len(overdue), locale=LOCALE),
        "charts": summary["charts"], "chart_texts": summary["chart_texts"],
        "matrix_regions": [(name, code, [_cell(matrix.cells.get((rid, tid))) for tid, _t in matrix.topics],
                            _cell(matrix.by_region[rid])) for rid, code, name in matrix.regions],
        "matrix_topics": [name or "Tanpa topik" for _tid, name in matrix.topics],
        "topic_summary": [(name or "Tanpa topik", _cell(matrix.by_topic[tid])) for tid, name in matrix.topics],
        "regions": list(regions.values()),
        "realisation": realisation_rows, "realisation_total": total.row("Jumlah"),
        "narrative": [_narrative(r, row, overdue_by_code[r["code"]])
                      for r, row in zip(regions.values(), realisation_rows, strict=True)],
        "bands": [(b.label_id, band_range_text(b).replace(" %", "%"), b.key) for b in BANDS],
    }


def issued_pdf(meeting, number, issued_on) -> bytes:
    """The report as issued: numbered, dated `issued_on`, no draft mark."""
    return render_pdf(TEMPLATE, **monitoring_context(meeting, None, number=number, issued_on=issued_on))


def monitoring_size(context):
    """Rows the report prints (each commitment's line, the overdue list, the matrix): a national
    meeting's report is rendered by the document worker when there is one."""
    return (sum(len(r["rows"]) for r in context["regions"]) + len(context["overdue"])
            + len(context["matrix_regions"]) + len(context["covered"]))


MONITORING = DocumentKind(
    "monitoring", "Laporan Monitoring", "laporan-monitoring", TEMPLATE, monitoring_context,
    permission="progress.monitoring", label=_l("Monitoring report (PDF)"), size=monitoring_size)

XLSX_COLUMNS = tuple(ExportColumn(h, w, True) for h, w in (
    ("Referensi", 26), ("Kode Wilayah", 12), ("Wilayah", 26), ("Topik", 22), ("Program/Kegiatan", 44),
    ("Indikator", 24), ("Nilai Dasar → Target", 20), ("Periode Terakhir", 16), ("Realisasi", 12),
    ("Capaian", 10), ("Kategori Capaian", 14), ("Status", 14), ("Realisasi Fisik", 12), ("Anggaran", 18),
    ("Realisasi Anggaran", 18), ("Penyerapan", 10), ("Kendala", 40), ("Tindak Lanjut", 40), ("Terlambat Lapor", 10)))
MEETING_COLUMN = ExportColumn("Rapat", 44, True)


def monitoring_xlsx(meeting) -> bytes:
    """The meeting's report as a workbook."""
    return scope_xlsx(Scope.of_meeting(meeting))


def scope_xlsx(scope: Scope) -> bytes:
    """One row per agreed commitment of the scope with its latest realisation (or the chosen
    period's); overdue ones flagged; across meetings, each row names its meeting."""
    filters = scope.filters
    due = workdays.Calendar().due_quarter(workdays.today())
    late = {c.id for c, *_rest in stats.overdue_rows(filters, due)}
    covered = stats.meetings_covered(filters) if scope.across_meetings else []
    labels = {m.id: _meeting_label(m.title, m.starts_at, m.timezone) for m in covered}
    rows = []
    for c, u in _rows(filters):
        r = row_of(c, u)
        rows.append([r["reference"], c.agency.region.kemendagri_code, c.agency.region.name, r["topic"], r["title"],
                     r["indicator"], r["change"], r["period"], r["realised"], r["percent"], r["band"], r["status"],
                     r["physical"], r["budget"], r["budget_realised"], r["absorption"], r["obstacles"],
                     r["next_steps"], "Ya" if c.id in late else "Tidak"]
                    + ([labels.get(c.meeting_id, "")] if scope.across_meetings else []))
    scope_lines = tuple(f"{label}: {value}." for label, value in scope.narrowed_by()) + (
        (f"Rapat yang dicakup ({len(covered)}): " + "; ".join(labels.values()) + ".",) if scope.across_meetings else ())
    return tabular.to_xlsx(XLSX_COLUMNS + (MEETING_COLUMN,) if scope.across_meetings else XLSX_COLUMNS, rows,
                           sheet_title="Monitoring",
                           instructions=(f"Laporan monitoring {scope.subject}, per {format_date_medium(workdays.today(), LOCALE)}.",
                                         *scope_lines,
                                         "Capaian = (realisasi − nilai dasar) / (target − nilai dasar) × 100; nilai di atas "
                                         "100% berarti target terlampaui, di bawah 0% berarti memburuk.",
                                         "Kategori capaian (Permendagri 86/2017): sangat tinggi ≥ 91% (termasuk di atas "
                                         "100%), tinggi 76–90%, sedang 66–75%, rendah 51–65%, sangat rendah ≤ 50% "
                                         "(termasuk di bawah 0%)."))
