"""Files out of progress: the updates as CSV/XLSX in the columns the import reads (so an edited
file re-imports), the overdue list, and the monitoring workbook. Every cell goes through the
shared writer (`core.tabular`: formulas neutralised)."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments.imports.values import format_decimal, format_rupiah
from rakor.commitments.models import Commitment
from rakor.core import tabular
from rakor.core.tabular import ExportColumn
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.meetings.rules import visible_condition
from rakor.progress import periods, stats, workdays
from rakor.progress.imports.columns import EXPORT_HEADERS, EXPORT_KEYS
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressUpdate
from rakor.regions.models import Agency, Region

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": tabular.CSV_CONTENT_TYPE, "xlsx": tabular.XLSX_CONTENT_TYPE}
WIDTHS = {"reference": 26, "region_code": 12, "agency": 30, "title": 44, "period": 18, "realised_value": 12,
          "percent": 10, "physical_percent": 12, "budget_realised": 18, "status": 16, "narrative": 48, "obstacles": 36, "next_steps": 36,
          "revision": 9, "reported_at": 18}
# Typed XLSX cells (summed, filtered); the rest is text in the form the import reads.
TYPED_COLUMNS = {"realised_value": ("number", tabular.DECIMAL_FORMAT), "percent": ("number", tabular.DECIMAL_FORMAT),
                 "budget_realised": ("number", tabular.RUPIAH_FORMAT), "revision": ("number", tabular.INTEGER_FORMAT),
                 "reported_at": ("date", tabular.DATE_FORMAT)}
COLUMNS = tuple(ExportColumn(EXPORT_HEADERS[k], WIDTHS[k], k not in TYPED_COLUMNS,
                             *TYPED_COLUMNS.get(k, ("general", None))) for k in EXPORT_KEYS)
INSTRUCTIONS = (
    "Laporan kemajuan kesepakatan. Berkas ini dapat diubah lalu diimpor kembali (flask progress import).",
    "Referensi: kode kesepakatan (RK-...). Periode: Triwulan I 2024 (atau 2024-Q1) atau tanggal, mis. 17/08/2024.",
    "Realisasi: nilai indikator dengan koma desimal, mis. 6,00. Persen: hanya untuk kesepakatan tanpa "
    "indikator angka.",
    "Status: Sesuai rencana, Berisiko, Terlambat atau Selesai. Realisasi anggaran: Rupiah, mis. 625000000.",
    "Realisasi fisik: persen pekerjaan yang selesai, 0-100, mis. 62,5.",
    "Baris yang sama dengan laporan yang ada tidak mengubah apa pun; baris yang berubah menjadi revisi baru.",
)


def _updates(meeting_id=None, user=None):
    """The current update of every period of every agreed commitment (at the meetings `user`
    sees; every meeting without a user) (1 query)."""
    stmt = (select(ProgressUpdate, Commitment).join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
            .join(Agency, Agency.id == Commitment.agency_id).join(Region, Region.id == Agency.region_id)
            .where(ProgressUpdate.is_current)
            .options(joinedload(Commitment.agency).joinedload(Agency.region))
            .order_by(Region.kemendagri_code, Commitment.reference, ProgressUpdate.period_end, ProgressUpdate.period))
    if meeting_id:
        stmt = stmt.where(Commitment.meeting_id == meeting_id)
    if user is not None:
        stmt = stmt.where(Commitment.meeting_id.in_(select(Meeting.id).where(visible_condition(user))))
    return db.session.execute(stmt).unique().all()


def update_rows(meeting_id=None, user=None) -> list[list]:
    rows = []
    for u, c in _updates(meeting_id, user):
        cells = {
            "reference": c.reference, "region_code": c.agency.region.kemendagri_code, "agency": c.agency.name,
            "title": c.title, "period": periods.parse_period(u.period).label_id(),
            "realised_value": format_decimal(u.realised_value) if u.realised_value is not None else "",
            "percent": format_decimal(u.percent_achieved) if u.percent_stated and u.percent_achieved is not None else "",
            "budget_realised": format_rupiah(u.budget_realised) if u.budget_realised is not None else "",
            "physical_percent": format_decimal(u.physical_percent) if u.physical_percent is not None else "",
            "status": UpdateStatus(u.status).label_id, "narrative": u.narrative or "",
            "obstacles": u.obstacles or "", "next_steps": u.next_steps or "", "revision": u.revision,
            "reported_at": u.reported_at.date().isoformat(),
        }
        rows.append([cells[k] for k in EXPORT_KEYS])
    return rows


def export(meeting_id, fmt, user=None) -> bytes:
    return write(update_rows(meeting_id, user), fmt)


def write(rows, fmt) -> bytes:
    if fmt == "xlsx":
        return tabular.to_xlsx(COLUMNS, rows, sheet_title="Kemajuan", instructions=INSTRUCTIONS)
    return tabular.to_csv(COLUMNS, rows)


OVERDUE_COLUMNS = (ExportColumn("Referensi", 26, True), ExportColumn("Kode Wilayah", 12, True),
                   ExportColumn("Wilayah", 28, True), ExportColumn("Instansi", 30, True),
                   ExportColumn("Program/Kegiatan", 44, True), ExportColumn("Rapat", 36, True),
                   ExportColumn("Laporan Terakhir", 18, True), ExportColumn("Periode Wajib Lapor", 18, True),
                   ExportColumn("Batas Waktu", 14, True))


def overdue_rows(filters, today):
    calendar = workdays.Calendar()
    due = calendar.due_quarter(today)
    rows = []
    for c, agency, code, region, meeting, last in stats.overdue_rows(filters, due):
        owed = stats.owed_period(c, due)
        rows.append([c.reference, code, region, agency, c.title, meeting,
                     periods.parse_period(last).label_id() if last else "Belum pernah",
                     owed.label_id(), calendar.deadline(owed).isoformat()])
    return rows


def overdue_file(filters, today, fmt) -> bytes:
    rows = overdue_rows(filters, today)
    if fmt == "xlsx":
        return tabular.to_xlsx(OVERDUE_COLUMNS, rows, sheet_title="Terlambat Lapor")
    return tabular.to_csv(OVERDUE_COLUMNS, rows)


def dated_filename(prefix, fmt, day: date | None = None):
    return f"{prefix}-{(day or workdays.today()).isoformat()}.{fmt}"
