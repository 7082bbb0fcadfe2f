"""The national programme nomenclature (rakor/data/programmes/, provenance in its README):
loaded with the regions, all or nothing, idempotent."""
import csv
import io
import re
from pathlib import Path

from sqlalchemy import select

from rakor.extensions import db
from rakor.regions.models import Programme
from rakor.regions.services import LoadReport, RegionFileError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "programmes" / "program-nomenclature.csv"
CODE_RE = re.compile(r"^([0-9]|X)\.([0-9]{2}|XX)\.[0-9]{2}$")
COLUMNS = ("kode", "urusan", "bidang", "nama")


def read_programme_csv(data: bytes):
    """[(line, {code, urusan, bidang, name})]; raises RegionFileError listing every bad line."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    if headers != list(COLUMNS):
        raise RegionFileError([f"expected the columns {';'.join(COLUMNS)}, found {';'.join(headers)}"])
    rows, errors, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        code = row["kode"].upper()
        if not CODE_RE.match(code):
            errors.append(f"line {line}: code {code!r} is not U.BB.PP")
        elif code in seen:
            errors.append(f"line {line}: code {code} appears twice")
        if not row["nama"] or not row["urusan"] or not row["bidang"]:
            errors.append(f"line {line}: urusan, bidang and nama are required")
        seen.add(code)
        rows.append((line, {"code": code, "urusan": row["urusan"], "bidang": row["bidang"],
                            "name": row["nama"]}))
    if errors:
        raise RegionFileError(errors)
    return rows


def load_programmes(rows) -> LoadReport:
    """Upsert by code. Codes missing from the file stay: commitments may name them."""
    report = LoadReport()
    existing = {p.code: p for p in db.session.scalars(select(Programme))}
    for _line, row in rows:
        programme = existing.get(row["code"])
        if programme is None:
            db.session.add(Programme(**row))
            report.created += 1
        elif (programme.urusan, programme.bidang, programme.name) != (row["urusan"], row["bidang"], row["name"]):
            programme.urusan, programme.bidang, programme.name = row["urusan"], row["bidang"], row["name"]
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report


def load_shipped_programmes() -> LoadReport:
    return load_programmes(read_programme_csv(DATA_FILE.read_bytes()))
