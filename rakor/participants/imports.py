"""Bulk import of participants from CSV and XLSX files, as Indonesian offices make them.

Three steps, no Flask request in here (the web page and `flask participants import` share them):

1. `read_table(content)` turns the bytes into a header and rows (CSV: comma/semicolon/tab
   sniffed, UTF-8 with or without BOM, UTF-16 from Excel's "Unicode text", else Windows-1252;
   XLSX: openpyxl read-only, formulas and merged header cells refused). The file type is
   decided by content, not by the file name.
2. `validate(meeting, table)` maps the headers (Indonesian or English, any order and case),
   finds each row's agency (name, short name, Kemendagri or BPS region code or region name),
   cleans every field with `services.clean_participant` and checks duplicates and seat quotas
   for the whole file at once. It loads agencies, regions, existing NIPs/emails and seat counts
   once: no query per row. The result is an `ImportReport` listing every row's outcome.
3. `commit(meeting, report, by_user)` registers every row through
   `services.register_participant` (quota row lock, duplicate checks). The caller owns the
   transaction: on `ImportCommitError` it rolls back, so a failed import changes nothing.
"""
import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from rakor.core.errors import DomainError
from rakor.core.formatting import format_number
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants.models import Participant, SeatQuota
from rakor.participants.quotas import SEAT_ROLES
from rakor.participants.services import ParticipantData, clean_participant, register_participant
from rakor.regions.models import Agency, Region

# --- columns ----------------------------------------------------------------------------------

# Canonical fields, in the order of the export and the template.
FIELDS = ("name", "nip", "position", "agency", "region", "phone", "email", "gender", "meeting_role")
# The headers our export and template write (Indonesian, as offices use them).
EXPORT_HEADERS = {
    "name": "Nama", "nip": "NIP", "position": "Jabatan", "agency": "Instansi",
    "region": "Kode Wilayah", "phone": "No HP", "email": "Email", "gender": "Jenis Kelamin",
    "meeting_role": "Peran",
}
FIELD_LABELS = {
    "name": _l("Name"), "nip": _l("NIP"), "position": _l("Position"), "agency": _l("Agency"),
    "region": _l("Region code"), "phone": _l("Phone"), "email": _l("Email"),
    "gender": _l("Gender"), "meeting_role": _l("Role"),
}
# Header aliases after `_norm_header` (lower case, no dots/colons/asterisks/parentheses).
HEADER_ALIASES = {
    "name": {"nama", "name", "nama lengkap", "nama peserta", "full name", "nama dan gelar",
             "nama lengkap dan gelar", "nama lengkap gelar", "participant", "peserta"},
    "nip": {"nip", "nip baru", "no nip", "nomor nip", "nomor induk pegawai", "nip pegawai"},
    "position": {"jabatan", "position", "posisi", "jabatan/posisi", "job title", "jabatan peserta",
                 "jabatan/pangkat"},
    "agency": {"instansi", "agency", "asal instansi", "nama instansi", "unit kerja", "opd", "skpd",
               "instansi/opd", "instansi/unit kerja", "organisation", "organization", "asal",
               "lembaga", "instansi asal"},
    "region_code": {"kode wilayah", "kode", "kode kab/kota", "kode kabupaten/kota", "kode daerah",
                    "region code", "kode kemendagri", "kode bps", "kode wil"},
    "region_name": {"kabupaten/kota", "kab/kota", "kabupaten", "kota", "wilayah", "region",
                    "daerah", "asal daerah", "kab/kota asal", "provinsi/kabupaten/kota", "regency/city"},
    "phone": {"no hp", "hp", "telepon", "telp", "phone", "no telp", "no telepon", "nomor hp",
              "no hp/wa", "hp/wa", "wa", "no wa", "whatsapp", "nomor telepon", "handphone", "mobile",
              "phone number", "telepon/hp", "no telp/hp", "nomor hp/wa", "kontak", "no kontak",
              "telp/hp", "nomor whatsapp"},
    "email": {"email", "e-mail", "surel", "alamat email", "email address", "e-mail address",
              "alamat e-mail", "surat elektronik"},
    "gender": {"jenis kelamin", "gender", "jk", "l/p", "sex", "kelamin", "jenis kelamin l/p"},
    "meeting_role": {"peran", "role", "peran dalam rapat", "sebagai", "peran rapat", "meeting role"},
    "_ignore": {"no", "nomor", "no urut", "nomor urut", "#", "ttd", "tanda tangan", "paraf",
                "signature", "number"},
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common ("DAFTAR PESERTA ...")

XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_FORMULA_CELLS_LISTED = 10


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, empty, too large, formulas...)."""

    def __init__(self, *messages):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)


class ImportCommitError(Exception):
    """A row was refused while writing (a concurrent registration took the seat or the NIP)."""

    def __init__(self, line, field, message):
        super().__init__(f"line {line}: {message}")
        self.line, self.field, self.message = line, field, message


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    header: list  # cell texts of the header row
    header_line: int
    rows: list  # [(line, [cell texts])], blank rows already dropped
    notes: list = field(default_factory=list)  # (line, message) about reading, e.g. merged cells
    inexact: set = field(default_factory=set)  # (line, column index) of Excel numbers >= 1e15
    delimiter: str | None = None
    encoding: str | None = None


@dataclass
class RowResult:
    line: int
    values: dict  # canonical field -> text as in the file
    data: ParticipantData | None = None
    agency: Agency | None = None
    errors: dict = field(default_factory=dict)  # field -> message
    warnings: list = field(default_factory=list)  # [(field or None, message)]

    @property
    def status(self):
        if self.errors:
            return "error"
        return "warning" if self.warnings else "ok"


@dataclass
class ImportReport:
    meeting_id: int
    filename: str | None = None
    kind: str | None = None
    columns: dict = field(default_factory=dict)  # field -> header as written in the file
    ignored_columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    header_line: int | None = None
    max_rows: int | None = None

    @property
    def ok(self):
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def counts(self):
        c = Counter(r.status for r in self.rows)
        return {"total": len(self.rows), "ok": c["ok"], "warning": c["warning"], "error": c["error"]}

    def label(self, fieldname):
        """The column as the file calls it ('No HP'), else our name for the field."""
        if fieldname == "region":
            return self.columns.get("region_code") or self.columns.get("region_name") or FIELD_LABELS["region"]
        return self.columns.get(fieldname) or FIELD_LABELS.get(fieldname, fieldname)

    def problems(self):
        """Every problem as text lines, for the CLI and logs: file errors, then
        'line 7, NIP: ...' per bad field."""
        lines = [str(m) for m in self.file_errors]
        for row in self.rows:
            for fieldname, message in row.errors.items():
                lines.append(str(_l("line %(line)d, %(column)s: %(message)s", line=row.line,
                                    column=self.label(fieldname), message=message)))
        return lines


# --- reading files --------------------------------------------------------------------------

def _cell_text(value):
    """A cell's value as the text a person sees. Excel numbers: 6302.0 -> '6302'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def sniff_kind(content: bytes) -> str:
    """'xlsx' or 'csv' by content; raises ImportFileError for anything else."""
    if not content or not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_l("The file is empty."))
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise ImportFileError(_l("The file is damaged: it looks like an Excel file but cannot be opened.")) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names or "content.xml" in names:
            raise ImportFileError(_l("This is a document, not a spreadsheet. Upload a CSV or XLSX file."))
        raise ImportFileError(_l("This file is not a CSV or XLSX file."))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_l("This is an old Excel (.xls) file. Open it in Excel and save it as "
                                 "\"Excel Workbook (.xlsx)\" or CSV, then upload again."))
    if content[:5] == b"%PDF-":
        raise ImportFileError(_l("This is a PDF file. Upload a CSV or XLSX file."))
    head = content[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"  # UTF-16 text (Excel's "Unicode Text")
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100 + 1:
        raise ImportFileError(_l("This file is not a CSV or XLSX file."))
    return "csv"


def decode_text(content: bytes) -> tuple[str, str]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16"), "utf-16"
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            content = content[3:]
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """Semicolon (Excel with Indonesian regional settings saves CSV with ';'), comma or tab:
    the one that splits a header line into the most known column names. Data lines are no
    guide (names carry commas: 'Drs. H. Said Akhmad, MM')."""
    candidates = (",", ";", "\t")
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS * 4] if line.strip()][:HEADER_SEARCH_ROWS]
    best, best_score = None, 0
    for delimiter in candidates:
        for line in lines:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            mapping, _ignored, _dup = map_headers(cells)
            score = len(mapping) if "name" in mapping else 0
            if score > best_score:
                best, best_score = delimiter, score
    if best:
        return best
    first = re.sub(r'"[^"]*"', "", lines[0]) if lines else ""
    return max(candidates, key=lambda d: (first.count(d), d == ","))


def _is_blank(cells):
    return not any(c for c in cells)


def _read_csv(content: bytes, max_rows: int) -> Table:
    text, encoding = decode_text(content)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for record in reader:
            cells = [_cell_text(c) for c in record]
            if not _is_blank(cells):
                rows.append((line, cells))
                if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                    break
            line = reader.line_num + 1
    except csv.Error as e:
        raise ImportFileError(_l("Line %(line)d cannot be read as CSV (%(error)s).",
                                 line=reader.line_num, error=str(e))) from None
    return _table("csv", rows, delimiter=delimiter, encoding=encoding)


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _merged_ranges(ws):
    """Merged ranges of a read-only worksheet (openpyxl's read-only mode does not expose them):
    scan the sheet XML for <mergeCell ref="A1:B2"/>, streaming."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    ranges = []
    try:
        source = ws._get_source()
    except (AttributeError, KeyError):  # pragma: no cover - openpyxl is pinned
        return ranges
    with source:
        for _event, elem in iterparse(source, events=("end",)):
            if elem.tag.endswith("}mergeCell") or elem.tag == "mergeCell":
                ref = elem.get("ref")
                if ref:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    ranges.append((ref, min_col, min_row, max_col, max_row))
            elif elem.tag.endswith("}row"):
                elem.clear()
    return ranges


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    import warnings

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        if sum(i.file_size for i in zf.infolist()) > XLSX_MAX_UNCOMPRESSED:
            raise ImportFileError(_l("The spreadsheet is too large to read."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles/extensions it skips
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for damaged files
        raise ImportFileError(_l("The Excel file is damaged or not a workbook; save it again as .xlsx.")) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None or not hasattr(ws, "iter_rows"):
            raise ImportFileError(_l("The first sheet of the workbook is not a worksheet."))
        merged = _merged_ranges(ws)
        rows, formulas, inexact = [], [], set()
        for row in ws.iter_rows():
            cells, line = [], None
            for cell in row:
                if getattr(cell, "row", None) is not None:
                    line = cell.row
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")
                                                               and len(value) > 1):
                    formulas.append(f"{cell.coordinate}")
                    value = None
                col = getattr(cell, "column", None)
                if col is not None:
                    while len(cells) < col - 1:
                        cells.append("")
                if isinstance(value, float) and abs(value) >= 1e15:
                    inexact.add((line, len(cells)))
                cells.append(_cell_text(value))
            if line is None or _is_blank(cells):
                continue
            rows.append((line, cells))
            if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                break
    finally:
        wb.close()
    if formulas:
        listed = ", ".join(formulas[:MAX_FORMULA_CELLS_LISTED]) + (" …" if len(formulas) > MAX_FORMULA_CELLS_LISTED else "")
        raise ImportFileError(_l(
            "The sheet contains formulas (cells %(cells)s). Formulas are not imported: copy the "
            "sheet and paste it as values only (Paste Special → Values), then upload again.",
            cells=listed))
    table = _table("xlsx", rows)
    table.inexact = inexact
    _apply_merged(table, merged)
    return table


def _apply_merged(table: Table, merged):
    """A merged cell in the header is refused (which column would it be?). A merged cell in the
    data (one 'Instansi' for a whole delegation) applies to every row it covers."""
    if not merged or not table.header:
        return
    header_line = table.header_line
    for ref, _min_col, min_row, _max_col, max_row in merged:
        if min_row <= header_line <= max_row:
            raise ImportFileError(_l(
                "The header row has merged cells (%(ref)s). Give every column its own header cell "
                "(unmerge the cells), then upload again.", ref=ref))
    by_line = {line: cells for line, cells in table.rows}
    for ref, min_col, min_row, max_col, max_row in merged:
        if min_row < header_line:
            continue
        source = by_line.get(min_row)
        value = source[min_col - 1] if source and len(source) >= min_col else ""
        if not value:
            continue
        for line in range(min_row, max_row + 1):
            cells = by_line.get(line)
            if cells is None:
                continue
            for col in range(min_col, max_col + 1):
                while len(cells) < col:
                    cells.append("")
                if not cells[col - 1]:
                    cells[col - 1] = value
            if line != min_row:
                table.notes.append((line, _l("Value taken from the merged cells %(ref)s.", ref=ref)))


def _norm_header(text):
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[.:*_]", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"\s+", " ", text).strip()


def map_headers(header):
    """{field: column index}, ignored header texts, and duplicates (field -> [texts])."""
    mapping, ignored, duplicates = {}, [], defaultdict(list)
    for index, text in enumerate(header):
        key = _norm_header(text)
        if not key:
            continue
        fieldname = _ALIAS_TO_FIELD.get(key)
        if fieldname == "_ignore":
            continue
        if fieldname is None:
            ignored.append(text)
        elif fieldname in mapping:
            duplicates[fieldname].append(text)
        else:
            mapping[fieldname] = index
    return mapping, ignored, duplicates


def _table(kind, rows, **kw):
    """Find the header: the first of the first rows that names a name column and at least one
    more known column (title lines above it are skipped)."""
    if not rows:
        raise ImportFileError(_l("The file is empty."))
    for position, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, _ignored, _dup = map_headers(cells)
        if "name" in mapping and len(mapping) >= 2:
            return Table(kind=kind, header=cells, header_line=line, rows=rows[position + 1:], **kw)
    raise ImportFileError(_l(
        "No header row found. The first row must name the columns, for example: "
        "Nama, NIP, Jabatan, Instansi, No HP, Email."))


def read_table(content: bytes, max_rows: int) -> Table:
    kind = sniff_kind(content)
    table = _read_xlsx(content, max_rows) if kind == "xlsx" else _read_csv(content, max_rows)
    if not table.rows:
        raise ImportFileError(_l("The file has column headers but no participants."))
    if len(table.rows) > max_rows:
        limit = format_number(max_rows, locale="id")  # '2.000'
        raise ImportFileError(_l(
            "The file has more than %(max)s participant rows; at most %(max)s can be imported at "
            "once. Split it into smaller files.", max=limit))
    return table


# --- matching agencies ------------------------------------------------------------------------

def _norm_name(text):
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"\bkab\b\.?", "kabupaten", text)
    text = re.sub(r"\bprov\b\.?", "provinsi", text)
    text = re.sub(r"[.,()\-/']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _region_key(name):
    """'Kabupaten Kotabaru' -> 'kotabaru' (what people write without the prefix)."""
    return re.sub(r"^(kabupaten|kota|provinsi) ", "", _norm_name(name))


def normalize_region_code(text):
    """Kemendagri '63.02', BPS '6302', and what Excel makes of them: 63.1 (from 63.10), 6302.0.
    Returns ('kemendagri'|'bps', code) or None when the text is not a code."""
    text = (text or "").strip().replace(",", ".")
    if re.fullmatch(r"\d{2}\.\d", text):  # Excel dropped the trailing zero: 63.10 -> 63.1
        text += "0"
    if re.fullmatch(r"\d{2}(\.\d{2}){1,3}", text):
        return "kemendagri", text
    if re.fullmatch(r"\d{2}", text):
        return "kemendagri", text
    if re.fullmatch(r"\d{3,10}", text):
        return "bps", text
    return None


class Directory:
    """Every agency and region, loaded once, indexed the ways an import file names them."""

    def __init__(self):
        agencies = db.session.scalars(select(Agency)).all()  # region is joined-loaded
        regions = db.session.scalars(select(Region)).all()
        self.by_name = defaultdict(list)
        self.tokens = []
        self.by_region = defaultdict(list)
        for agency in agencies:
            for text in {agency.name, agency.short_name}:
                key = _norm_name(text)
                if agency not in self.by_name[key]:
                    self.by_name[key].append(agency)
            self.tokens.append((set(_norm_name(agency.name).split()) | set(_norm_name(agency.short_name).split()),
                                agency))
            if agency.is_planning_agency:
                self.by_region[agency.region_id].append(agency)
        self.kemendagri = {r.kemendagri_code: r for r in regions}
        self.bps = {r.bps_code: r for r in regions if r.bps_code}
        self.region_names = defaultdict(list)
        for region in regions:
            for key in {_norm_name(region.name), _region_key(region.name)}:
                self.region_names[key].append(region)

    def find_region(self, text):
        """(region, error message)."""
        code = normalize_region_code(text)
        if code:
            region = (self.kemendagri if code[0] == "kemendagri" else self.bps).get(code[1])
            if region is None and code[0] == "bps":
                region = self.kemendagri.get(code[1])
            if region is None:
                return None, _l("No region has the code %(code)s.", code=text)
            return region, None
        key = _norm_name(text)
        found = self.region_names.get(key) or self.region_names.get(_region_key(text)) or []
        found = list(dict.fromkeys(found))
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _l("No region is called %(name)s.", name=text)
        return None, _l("%(name)s matches several regions (%(list)s); write the region code.",
                        name=text, list=", ".join(f"{r.kemendagri_code} {r.name}" for r in found[:4]))

    def find_agency(self, agency_text, region_text):
        """(agency, field of the error, error message, warning)."""
        region = None
        if region_text:
            region, message = self.find_region(region_text)
            if message:
                return None, "region", message, None
        if agency_text and normalize_region_code(agency_text):  # a code in the Instansi column
            region, message = self.find_region(agency_text)
            if message:
                return None, "agency", message, None
            agency_text = ""
        in_region = self.by_region.get(region.id, []) if region else []
        if agency_text:
            exact = self.by_name.get(_norm_name(agency_text), [])
            if region and exact:
                narrowed = [a for a in exact if a.region_id == region.id]
                if not narrowed:
                    return None, "region", _l(
                        "%(agency)s is not in region %(code)s %(region)s.", agency=exact[0].name,
                        code=region.kemendagri_code, region=region.name), None
                exact = narrowed
            if len(exact) == 1:
                return exact[0], None, None, None
            if len(exact) > 1:
                return None, "agency", self._ambiguous(agency_text, exact), None
            words = set(_norm_name(agency_text).split())
            loose = [a for tokens, a in self.tokens if words <= tokens]
            if region:
                loose = [a for a in loose if a.region_id == region.id] or (in_region if len(in_region) == 1 else [])
            if len(loose) == 1:
                return loose[0], None, None, _l("Agency \"%(text)s\" read as %(agency)s.",
                                                text=agency_text, agency=loose[0].name)
            if len(loose) > 1:
                return None, "agency", self._ambiguous(agency_text, loose), None
            return None, "agency", _l("No agency is called \"%(text)s\".", text=agency_text), None
        if region:
            if len(in_region) == 1:
                return in_region[0], None, None, None
            if not in_region:
                return None, "region", _l("Region %(code)s %(region)s has no planning agency.",
                                          code=region.kemendagri_code, region=region.name), None
            return None, "region", self._ambiguous(region_text, in_region), None
        return None, "agency", _l("The agency is required (its name or region code)."), None

    @staticmethod
    def _ambiguous(text, agencies):
        names = ", ".join(a.name for a in agencies[:4]) + (" …" if len(agencies) > 4 else "")
        return _l("\"%(text)s\" matches several agencies (%(list)s); write the full agency name.",
                  text=text, list=names)


# --- validating -------------------------------------------------------------------------------

def _clean_nip_text(text):
    """Spreadsheet habits around NIPs: a leading apostrophe (typed to force text), Excel's
    ="…" trick in CSV files."""
    text = (text or "").strip()
    m = re.fullmatch(r'=?"(.*)"', text)
    if m:
        text = m.group(1)
    return text.lstrip("'").strip()


EXCEL_NIP_MESSAGE = _l("This NIP was stored as a number, so Excel changed its last digits. Format "
                       "the NIP column as Text and type the NIP again.")


def _meeting_problem(meeting: Meeting):
    if meeting.status == "cancelled":
        return _l("This meeting is cancelled; registration is closed.")
    if meeting.status == "minutes_final":
        return _l("The minutes of this meeting are final; participants can no longer change.")
    return None


def validate(meeting: Meeting, table: Table, filename=None) -> ImportReport:
    report = ImportReport(meeting_id=meeting.id, filename=filename, kind=table.kind,
                          header_line=table.header_line)
    mapping, ignored, duplicates = map_headers(table.header)
    report.columns = {f: table.header[i] for f, i in mapping.items()}
    report.ignored_columns = ignored
    for fieldname, texts in duplicates.items():
        label = FIELD_LABELS.get(fieldname, FIELD_LABELS["region"])
        report.file_errors.append(_l("Two columns hold %(field)s: %(first)s and %(second)s. Keep one.",
                                     field=label, first=report.columns[fieldname], second=", ".join(texts)))
    if "agency" not in mapping and "region_code" not in mapping and "region_name" not in mapping:
        report.file_errors.append(_l("The file needs an agency column (Instansi) or a region column "
                                     "(Kode Wilayah or Kabupaten/Kota)."))
    problem = _meeting_problem(meeting)
    if problem:
        report.file_errors.append(problem)
    if report.file_errors:
        return report

    directory = Directory()
    existing = db.session.execute(
        select(Participant.nip, Participant.email, Participant.agency_id, Participant.name)
        .where(Participant.meeting_id == meeting.id, Participant.status == "registered")
    ).all()
    taken_nips = {r.nip for r in existing if r.nip}
    taken_emails = {r.email for r in existing if r.email}
    names = {(r.agency_id, r.name.lower()) for r in existing}
    quotas = dict(db.session.execute(
        select(SeatQuota.agency_id, SeatQuota.seats).where(SeatQuota.meeting_id == meeting.id)).all())
    seats = Counter(dict(db.session.execute(
        select(Participant.agency_id, func.count(Participant.id))
        .where(Participant.meeting_id == meeting.id, Participant.status == "registered",
               Participant.meeting_role.in_(SEAT_ROLES))
        .group_by(Participant.agency_id)).all()))
    notes = defaultdict(list)
    for line, message in table.notes:
        notes[line].append(message)

    file_nips, file_emails, file_names = {}, {}, {}
    for line, cells in table.rows:
        values = {f: (cells[i] if i < len(cells) else "") for f, i in mapping.items()}
        if not any(v for f, v in values.items()):
            continue  # only a "No" or a signature column filled in: a blank template row
        row = RowResult(line=line, values=values)
        row.warnings.extend((None, m) for m in notes.get(line, ()))
        report.rows.append(row)
        region_text = values.get("region_code") or values.get("region_name") or ""
        row.values["region"] = region_text
        agency, agency_field, agency_error, agency_warning = directory.find_agency(
            values.get("agency", ""), region_text)
        if agency_error:
            row.errors[agency_field] = agency_error
        if agency_warning:
            row.warnings.append(("agency", agency_warning))
        row.agency = agency
        nip_text = _clean_nip_text(values.get("nip"))
        raw = {
            "name": values.get("name"), "nip": nip_text, "position": values.get("position"),
            "phone": values.get("phone"), "email": values.get("email"), "gender": values.get("gender"),
            "meeting_role": values.get("meeting_role"),
        }
        result = clean_participant(raw, agency.id if agency else None)
        for fieldname, message in result.errors.items():
            if fieldname == "agency_id":
                continue  # the agency's own message is already there
            row.errors.setdefault(fieldname, message)
        if "nip" in mapping and (line, mapping["nip"]) in table.inexact:
            # Excel keeps 15 digits of a number: an 18-digit NIP typed as a number is wrong.
            row.errors["nip"] = EXCEL_NIP_MESSAGE
        if result.data is None:
            continue
        data = row.data = result.data
        if data.nip:
            if data.nip in taken_nips:
                row.errors["nip"] = _l("A participant with this NIP is already registered for this meeting.")
            elif data.nip in file_nips:
                row.errors["nip"] = _l("The same NIP is already on line %(line)d of this file.",
                                       line=file_nips[data.nip])
            else:
                file_nips[data.nip] = line
        if data.email:
            if data.email in taken_emails:
                row.errors["email"] = _l("A participant with this email is already registered for this meeting.")
            elif data.email in file_emails:
                row.errors["email"] = _l("The same email is already on line %(line)d of this file.",
                                         line=file_emails[data.email])
            else:
                file_emails[data.email] = line
        name_key = (data.agency_id, data.name.lower())
        if name_key in names:
            row.warnings.append(("name", _l("%(name)s is already registered for this agency; check this "
                                            "is not a double entry.", name=data.name)))
        elif name_key in file_names:
            row.warnings.append(("name", _l("The same name and agency are already on line %(line)d.",
                                            line=file_names[name_key])))
        file_names.setdefault(name_key, line)
        if data.meeting_role in SEAT_ROLES:
            if data.agency_id in quotas:
                seats[data.agency_id] += 1
                if seats[data.agency_id] > quotas[data.agency_id]:
                    row.errors["agency"] = _l(
                        "The quota is full: %(agency)s has %(seats)d seats and this would be delegate "
                        "number %(n)d.", agency=agency.short_name, seats=quotas[data.agency_id],
                        n=seats[data.agency_id])
            else:
                row.warnings.append(("agency", _l("%(agency)s has no seat quota for this meeting.",
                                                  agency=agency.short_name)))
        if row.errors:
            row.data = None
    return report


def preview(meeting: Meeting, content: bytes, filename=None, max_rows=5000) -> ImportReport:
    """Read and validate; never raises for a bad file (the report says what is wrong)."""
    try:
        table = read_table(content, max_rows)
    except ImportFileError as e:
        report = ImportReport(meeting_id=meeting.id, filename=filename, max_rows=max_rows)
        report.file_errors.extend(e.messages)
        return report
    report = validate(meeting, table, filename)
    report.max_rows = max_rows
    return report


def commit(meeting: Meeting, report: ImportReport, by_user=None) -> list[Participant]:
    """Register every row of a valid report. Raises ImportCommitError on the first row that is
    refused now (the caller rolls the whole transaction back)."""
    if not report.ok:
        raise ValueError("only a report without errors can be committed")
    created = []
    for row in report.rows:
        try:
            participant, _warnings = register_participant(meeting, row.data, by_user=by_user, via="import")
        except DomainError as e:
            fieldname = "agency" if e.field == "agency_id" else (e.field or "name")
            raise ImportCommitError(row.line, fieldname, e.message) from None
        created.append(participant)
    return created


def import_file(meeting: Meeting, content: bytes, *, filename=None, by_user=None, max_rows=5000,
                dry_run=False) -> tuple[ImportReport, list]:
    """Preview and, when every row is valid and not `dry_run`, commit. Does not commit the
    transaction; raises ImportCommitError (caller rolls back)."""
    report = preview(meeting, content, filename, max_rows)
    if not report.ok or dry_run:
        return report, []
    return report, commit(meeting, report, by_user)


# --- uploaded files kept between the preview and the confirmation ------------------------------
# The file waits under UPLOAD_DIR/imports/<token>.bin (a folder every host mounts), with a small
# JSON beside it saying whose and for which meeting it is; the confirmation form carries only
# the random token. Nothing goes into the (cookie) session, and the user does not choose the
# file twice.

STORE_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STORE_MAX_AGE_SECONDS = 24 * 3600


def _store_dir(upload_dir):
    from pathlib import Path

    path = Path(upload_dir) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload_dir, content: bytes, *, meeting_id: int, user_id: int | None, filename: str | None) -> str:
    import json
    import secrets
    import time as _time

    folder = _store_dir(upload_dir)
    purge_stale_uploads(upload_dir)
    token = secrets.token_urlsafe(32)
    (folder / f"{token}.bin").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps({
        "meeting_id": meeting_id, "user_id": user_id, "filename": filename, "stored_at": _time.time()}))
    return token


def load_upload(upload_dir, token, *, meeting_id: int, user_id: int | None):
    """(content, filename), or None when the token is unknown, stale, or someone else's."""
    import json
    import time as _time

    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return None
    folder = _store_dir(upload_dir)
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        content = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("meeting_id") != meeting_id or meta.get("user_id") != user_id:
        return None
    if _time.time() - meta.get("stored_at", 0) > STORE_MAX_AGE_SECONDS:
        discard_upload(upload_dir, token)
        return None
    return content, meta.get("filename")


def discard_upload(upload_dir, token):
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return
    folder = _store_dir(upload_dir)
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def purge_stale_uploads(upload_dir):
    """Files of previews nobody confirmed, older than a day."""
    import time as _time

    limit = _time.time() - STORE_MAX_AGE_SECONDS
    for path in _store_dir(upload_dir).iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            pass
