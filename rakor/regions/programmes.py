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


# What people type for the five topics of Rakor, and the bidang (U.BB) whose programmes serve
# them: "kemiskinan" finds the social programmes (1.06) and village empowerment (2.13).
TOPIC_WORDS = {
    "KEMISKINAN": ("1.06", "2.13"),
    "MISKIN": ("1.06", "2.13"),
    "STUNTING": ("1.02", "2.14", "2.09"),
    "GIZI": ("1.02", "2.09"),
    "IPM": ("1.01", "1.02"),
    "SPM": ("1.01", "1.02", "1.03", "1.04", "1.05", "1.06"),
    "PERDESAAN": ("2.13",),
    "DESA": ("2.13",),
}


def find_programmes(text: str, limit: int = 8) -> list[Programme]:
    """Programmes matching what was typed in place of a code: every word in the name or the
    bidang, or a topic word of TOPIC_WORDS (its bidang's programmes); by code, at most `limit`."""
    words = [w for w in re.split(r"[^0-9A-Z]+", (text or "").upper()) if len(w) >= 3]
    if not words:
        return []
    prefixes = [p for w in words for p in TOPIC_WORDS.get(w, ())]
    found = []
    for programme in db.session.scalars(select(Programme).order_by(Programme.code)):
        haystack = f"{programme.name} {programme.bidang}"
        if all(w in haystack for w in words) or any(programme.code.startswith(p + ".") for p in prefixes):
            found.append(programme)
            if len(found) >= limit + 1:
                break
    return found


def topic_words_of(code: str) -> list[str]:
    """The topic words that lead to programme `code` (for the form's suggestions)."""
    return [w.lower() for w, prefixes in TOPIC_WORDS.items() if any(code.startswith(p + ".") for p in prefixes)]
