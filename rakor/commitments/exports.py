"""A meeting's commitments as CSV or XLSX, in the columns the import reads, so that the file
re-imports exactly: into the same meeting it changes nothing (each row names its commitment by
its reference); edited, it updates the commitments it names. The reference comes first; the
headers are Indonesian; numbers are written as `imports.values` reads them back ('6,25',
budgets as plain digits, dates as 2024-12-31), and statuses as their Indonesian word.

Withdrawn commitments are not exported (as cancelled participants are not): the file is the
meeting's standing commitments. The files are written by `rakor.core.tabular`, which
neutralises formulas in every cell; the import takes the neutralising quote off again.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments.imports.columns import EXPORT_HEADERS, EXPORT_KEYS
from rakor.commitments.imports.values import FUNDING_EXPORT, STATUS_EXPORT, format_decimal, format_rupiah
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core import tabular
from rakor.core.downloads import meeting_filename
from rakor.core.tabular import ExportColumn, norm_name
from rakor.extensions import db
from rakor.meetings.models import AgendaItem
from rakor.regions.models import Agency, Region

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": tabular.CSV_CONTENT_TYPE, "xlsx": tabular.XLSX_CONTENT_TYPE}
WIDTHS = {"reference": 24, "region_code": 12, "agency": 34, "agenda_item": 28, "topic": 28, "title": 48,
          "description": 48, "programme_code": 13, "indicator": 28, "baseline_value": 10,
          "baseline_year": 10, "target_value": 10, "target_date": 13, "responsible_office": 32,
          "contact_person": 24, "budget": 18, "funding_source": 12, "budget_year": 10, "status": 13}
# In the XLSX, values, budgets and years are numbers and the target date a date, which a
# workbook sums and filters; everything else is text, so that codes ('63.10') keep their form.
# The CSV carries the same cells as the import reads them ('6,25', '2024-12-31').
TYPED_COLUMNS = {"baseline_value": ("number", tabular.DECIMAL_FORMAT), "target_value": ("number", tabular.DECIMAL_FORMAT),
                 "budget": ("number", tabular.RUPIAH_FORMAT), "baseline_year": ("number", tabular.INTEGER_FORMAT),
                 "budget_year": ("number", tabular.INTEGER_FORMAT), "target_date": ("date", tabular.DATE_FORMAT)}
COLUMNS = tuple(ExportColumn(EXPORT_HEADERS[key], WIDTHS[key], key not in TYPED_COLUMNS,
                             *TYPED_COLUMNS.get(key, ("general", None))) for key in EXPORT_KEYS)
INSTRUCTIONS = (
    "Kesepakatan rapat. Berkas ini dapat diubah lalu diimpor kembali ke rapat yang sama.",
    "Referensi: baris dengan referensi rapat ini mengubah kesepakatan tersebut; kosongkan Referensi "
    "untuk menambah kesepakatan baru.",
    "Instansi: nama atau singkatan instansi, atau Kode Wilayah (63.02 atau 6302).",
    "Nilai Dasar dan Target: angka dengan koma desimal, mis. 6,25. Anggaran: Rupiah, mis. 1250000000, "
    "Rp 1.250.000.000 atau 1,25 M.",
    "Sumber Dana: APBD, APBN/DAK, APBDes, CSR atau Lainnya. Status: Disepakati atau Diajukan.",
    "Jangan memakai rumus dan jangan menggabungkan (merge) sel judul kolom.",
)


def _commitments(meeting_id):
    """The meeting's commitments except withdrawn ones, by region code, agency and number (1 query)."""
    return db.session.scalars(
        select(Commitment).join(Agency, Agency.id == Commitment.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Commitment.meeting_id == meeting_id, Commitment.status != CommitmentStatus.WITHDRAWN)
        .options(joinedload(Commitment.agency).joinedload(Agency.region), joinedload(Commitment.topic),
                 joinedload(Commitment.indicator), joinedload(Commitment.agenda_item))
        .order_by(Region.kemendagri_code, Agency.name, Commitment.sequence)).unique().all()


def _agenda_names(meeting_id):
    """{item id: what the file calls it}: its title, or its number when two items share the title (1 query)."""
    items = db.session.execute(select(AgendaItem.id, AgendaItem.title, AgendaItem.position)
                               .where(AgendaItem.meeting_id == meeting_id)).all()
    titles = [norm_name(i.title) for i in items]
    return {i.id: i.title if titles.count(norm_name(i.title)) == 1 else str(i.position) for i in items}


def _value(value, formatter):
    return "" if value is None else formatter(value)


def commitment_rows(meeting_id) -> list[list]:
    agenda = _agenda_names(meeting_id)
    rows = []
    for c in _commitments(meeting_id):
        cells = {
            "reference": c.reference, "region_code": c.agency.region.kemendagri_code,
            "agency": c.agency.name, "agenda_item": agenda.get(c.agenda_item_id, ""),
            "topic": c.topic.name if c.topic else "", "title": c.title, "description": c.description or "",
            "programme_code": c.programme_code or "", "indicator": c.indicator.name if c.indicator else "",
            "baseline_value": _value(c.baseline_value, format_decimal),
            "baseline_year": _value(c.baseline_year, int),
            "target_value": _value(c.target_value, format_decimal),
            "target_date": _value(c.target_date, lambda d: d.isoformat()),
            "responsible_office": c.responsible_office or "", "contact_person": c.contact_person or "",
            "budget": _value(c.budget, format_rupiah),
            "funding_source": FUNDING_EXPORT.get(c.funding_source, ""),
            "budget_year": _value(c.budget_year, int),
            "status": STATUS_EXPORT[CommitmentStatus(c.status)],
        }
        rows.append([cells[key] for key in EXPORT_KEYS])
    return rows


def to_csv(rows) -> bytes:
    return tabular.to_csv(COLUMNS, rows)


def to_xlsx(rows) -> bytes:
    return tabular.to_xlsx(COLUMNS, rows, sheet_title="Kesepakatan", instructions=INSTRUCTIONS)


def write(rows, fmt) -> bytes:
    return to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)


def export(meeting, fmt) -> bytes:
    return write(commitment_rows(meeting.id), fmt)


def filename(meeting, fmt):
    return meeting_filename("kesepakatan", meeting, fmt)
