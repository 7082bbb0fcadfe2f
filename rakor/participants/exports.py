"""Participants of a meeting as CSV or XLSX, in the columns the import reads, so that an export
re-imports cleanly into another meeting (e.g. the follow-up meeting of the same delegations).
The files are written by `rakor.core.tabular` (formulas neutralised in every cell); NIP, region
code and phone are text columns, so leading zeros and the '63.10' code survive Excel.

The CSV is for Excel as Indonesian offices run it: with the Indonesian regional settings the
decimal separator is a comma, so Excel opens a double-clicked CSV by the list separator ';'.
A comma-separated file would land in one column. The BOM tells Excel it is UTF-8 (names
with 'é' or '–'). The import reads both separators.
"""
from sqlalchemy import select

from rakor.core import tabular
from rakor.core.tabular import ExportColumn
from rakor.extensions import db
from rakor.participants.imports.columns import EXPORT_HEADERS, FIELDS
from rakor.participants.models import Participant
from rakor.participants.normalize import format_phone
from rakor.regions.models import Agency, Region

HEADERS = [EXPORT_HEADERS[f] for f in FIELDS]
TEXT_COLUMNS = {"nip", "region", "phone"}
WIDTHS = {"name": 36, "nip": 21, "position": 32, "rank": 26, "agency": 38, "region": 13, "phone": 16,
          "email": 32, "gender": 14, "meeting_role": 12}
COLUMNS = tuple(ExportColumn(EXPORT_HEADERS[f], WIDTHS[f], f in TEXT_COLUMNS) for f in FIELDS)
FORMATS = ("xlsx", "csv")  # XLSX first: it keeps NIPs and codes as text whatever Excel's settings
CSV_DELIMITER = tabular.CSV_DELIMITER  # one dialect for every CSV export
CONTENT_TYPES = {"csv": tabular.CSV_CONTENT_TYPE, "xlsx": tabular.XLSX_CONTENT_TYPE}


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
        rows.append([p.name, p.nip or "", p.position or "", p.rank or "", agency_name, code, format_phone(p.phone),
                     p.email or "", p.gender or "", p.meeting_role])
    return rows


def to_csv(rows) -> bytes:
    return tabular.to_csv(COLUMNS, rows, delimiter=CSV_DELIMITER)


def to_xlsx(rows, sheet_title="Peserta", instructions=None) -> bytes:
    return tabular.to_xlsx(COLUMNS, rows, sheet_title=sheet_title, instructions=instructions)


def write(rows, fmt) -> bytes:
    return to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)


def export(meeting_id, fmt, agency_id=None) -> bytes:
    return write(participant_rows(meeting_id, agency_id), fmt)


TEMPLATE_INSTRUCTIONS = (
    "Petunjuk pengisian daftar peserta (hapus baris contoh sebelum mengunggah).",
    "Nama: wajib, lengkap dengan gelar, mis. Drs. H. Said Akhmad, MM.",
    "NIP: 18 angka, boleh dengan spasi; kolom ini berformat Teks agar angka nol di depan tidak hilang.",
    "Pangkat/Golongan: mis. Pembina Utama Muda (IV/c), atau cukup IV/c; kosongkan bila bukan PNS.",
    "Instansi: nama atau singkatan instansi, mis. Bappeda Kabupaten Kotabaru; "
    "atau isi Kode Wilayah (63.02 atau 6302).",
    "No HP: 0812..., +62812... atau 62812...; Email: alamat lengkap.",
    "Jenis Kelamin: L atau P. Peran: peserta, narasumber, pimpinan, panitia atau notulis (kosong = peserta).",
    "Jangan memakai rumus dan jangan menggabungkan (merge) sel judul kolom.",
    "Kolom boleh diurutkan bebas; kolom No dan kolom lain yang tidak dikenal diabaikan.",
)
TEMPLATE_EXAMPLE = ["Drs. H. Said Akhmad, MM", "196805121993031007", "Sekretaris Daerah", "Pembina Utama Madya (IV/d)",
                    "Bappeda Kabupaten Kotabaru", "63.02", "0812-5123-4567", "said.akhmad@example.go.id",
                    "L", "peserta"]


def template(fmt) -> bytes:
    """An empty participant list to fill in (XLSX: with an instructions sheet)."""
    if fmt == "xlsx":
        return to_xlsx([], instructions=TEMPLATE_INSTRUCTIONS + (
            "Contoh: " + "; ".join(TEMPLATE_EXAMPLE),))
    return to_csv([])
