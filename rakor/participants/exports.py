"""Participants of a meeting as CSV or XLSX, in the columns the import reads, so that an export
re-imports cleanly into another meeting (e.g. the follow-up meeting of the same delegations).

CSV: UTF-8 with BOM (Excel recognises the encoding), comma separated, CRLF lines.
XLSX: NIP, region code and phone are text cells (number format '@'), so leading zeros and the
'63.10' code survive Excel.
"""
import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from rakor.extensions import db
from rakor.participants.imports import EXPORT_HEADERS, FIELDS
from rakor.participants.models import Participant
from rakor.participants.normalize import format_phone
from rakor.regions.models import Agency, Region

HEADERS = [EXPORT_HEADERS[f] for f in FIELDS]
TEXT_COLUMNS = {"nip", "region", "phone"}
WIDTHS = {"name": 36, "nip": 21, "position": 32, "agency": 38, "region": 13, "phone": 16,
          "email": 32, "gender": 14, "meeting_role": 12}
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def participant_rows(meeting_id, agency_id=None) -> list[list[str]]:
    """Registered participants (cancelled ones are not exported), by region code, agency, name.
    One query."""
    stmt = (
        select(Participant, Agency.name, Region.kemendagri_code)
        .join(Agency, Agency.id == Participant.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
        .order_by(Region.kemendagri_code, Agency.name, Participant.name, Participant.id)
    )
    if agency_id is not None:
        stmt = stmt.where(Participant.agency_id == agency_id)
    rows = []
    for p, agency_name, code in db.session.execute(stmt):
        rows.append([p.name, p.nip or "", p.position or "", agency_name, code, format_phone(p.phone),
                     p.email or "", p.gender or "", p.meeting_role])
    return rows


def to_csv(rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_xlsx(rows, sheet_title="Peserta", instructions=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    text_indexes = [i for i, f in enumerate(FIELDS) if f in TEXT_COLUMNS]
    for row in rows:
        ws.append(row)
        for i in text_indexes:
            ws.cell(row=ws.max_row, column=i + 1).number_format = "@"
    for i, f in enumerate(FIELDS):
        letter = get_column_letter(i + 1)
        ws.column_dimensions[letter].width = WIDTHS[f]
        if f in TEXT_COLUMNS:
            # Whole column as text, so what people type later keeps its zeros too.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(ws.max_row, 1)}"
    if instructions:
        info = wb.create_sheet("Petunjuk")
        info.column_dimensions["A"].width = 110
        for line in instructions:
            info.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(meeting_id, fmt, agency_id=None) -> bytes:
    rows = participant_rows(meeting_id, agency_id)
    return to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)


TEMPLATE_INSTRUCTIONS = (
    "Petunjuk pengisian daftar peserta (hapus baris contoh sebelum mengunggah).",
    "Nama: wajib, lengkap dengan gelar, mis. Drs. H. Said Akhmad, MM.",
    "NIP: 18 angka, boleh dengan spasi; kolom ini berformat Teks agar angka nol di depan tidak hilang.",
    "Instansi: nama atau singkatan instansi, mis. Bappeda Kabupaten Kotabaru; "
    "atau isi Kode Wilayah (63.02 atau 6302).",
    "No HP: 0812..., +62812... atau 62812...; Email: alamat lengkap.",
    "Jenis Kelamin: L atau P. Peran: peserta, narasumber, pimpinan, panitia atau notulis (kosong = peserta).",
    "Jangan memakai rumus dan jangan menggabungkan (merge) sel judul kolom.",
    "Kolom boleh diurutkan bebas; kolom No dan kolom lain yang tidak dikenal diabaikan.",
)
TEMPLATE_EXAMPLE = ["Drs. H. Said Akhmad, MM", "196805121993031007", "Sekretaris Daerah",
                    "Bappeda Kabupaten Kotabaru", "63.02", "0812-5123-4567", "said.akhmad@example.go.id",
                    "L", "peserta"]


def template(fmt) -> bytes:
    """An empty participant list to fill in (XLSX: with an instructions sheet)."""
    if fmt == "xlsx":
        return to_xlsx([], instructions=TEMPLATE_INSTRUCTIONS + (
            "Contoh: " + "; ".join(TEMPLATE_EXAMPLE),))
    return to_csv([])
