"""Loading regions from the documented CSV format, and planning agencies for them."""
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.regions.models import REGION_KINDS, Agency, Region

CODE_RE = re.compile(r"^\d{2}(\.\d{2})?$")
BPS_RE = re.compile(r"^\d{2,10}$")
REQUIRED_COLUMNS = ("kemendagri_code", "name", "kind")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)


class RegionFileError(DomainError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def read_region_csv(data: bytes):
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise RegionFileError([f"missing column(s): {', '.join(missing)}"])
    rows = []
    for line_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        rows.append((line_no, row))
    return rows


def load_regions(rows) -> LoadReport:
    """Upsert regions by Kemendagri code. Validates every row first; raises RegionFileError
    (nothing changed) when any row is bad."""
    errors = []
    seen = {}
    for line_no, row in rows:
        code, bps, kind = row.get("kemendagri_code", ""), row.get("bps_code", ""), row.get("kind", "")
        if not CODE_RE.match(code):
            errors.append(f"line {line_no}: kemendagri_code {code!r} is not NN or NN.NN")
        if bps and not BPS_RE.match(bps):
            errors.append(f"line {line_no}: bps_code {bps!r} is not digits")
        if not row.get("name"):
            errors.append(f"line {line_no}: name is empty")
        elif len(row["name"]) > 120:
            errors.append(f"line {line_no}: name is longer than 120 characters")
        if kind not in REGION_KINDS:
            errors.append(f"line {line_no}: kind {kind!r} is not one of {', '.join(REGION_KINDS)}")
        elif (kind == "provinsi") != ("." not in code):
            errors.append(f"line {line_no}: a province has a two-digit code, a regency/city NN.NN")
        if code in seen:
            errors.append(f"line {line_no}: code {code} already on line {seen[code]}")
        seen[code] = line_no
    existing = {r.kemendagri_code: r for r in db.session.scalars(select(Region))}
    for line_no, row in rows:
        code = row.get("kemendagri_code", "")
        if "." in code:
            parent = code.split(".")[0]
            if parent not in seen and parent not in existing:
                errors.append(f"line {line_no}: province {parent} is neither in the file nor loaded")
    if errors:
        raise RegionFileError(errors)

    report = LoadReport()
    # Provinces first so that regencies find their parent.
    for _line_no, row in sorted(rows, key=lambda r: len(r[1]["kemendagri_code"])):
        code = row["kemendagri_code"]
        values = {
            "bps_code": row.get("bps_code") or None,
            "name": row["name"],
            "kind": row["kind"],
            "parent_id": existing[code.split(".")[0]].id if "." in code else None,
        }
        region = existing.get(code)
        if region is None:
            region = Region(kemendagri_code=code, **values)
            db.session.add(region)
            existing[code] = region
            report.created += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            report.updated += 1
        else:
            report.unchanged += 1
        db.session.flush()
    return report


def create_agency(name: str, short_name: str, region_id: int | None) -> Agency:
    """A new agency; DomainError on a name already taken or an unknown region."""
    agency = Agency()
    return update_agency(agency, name, short_name, region_id)


def update_agency(agency: Agency, name: str, short_name: str, region_id: int | None) -> Agency:
    """Rename or move an agency; DomainError on a name already taken or an unknown region."""
    duplicate = db.session.scalar(select(Agency).where(Agency.name == name))
    if duplicate is not None and duplicate is not agency:
        raise DomainError(_l("An agency with this name already exists."), field="name")
    if region_id is None or db.session.get(Region, region_id) is None:
        raise DomainError(_l("Choose a region."), field="region_id")
    agency.name, agency.short_name, agency.region_id = name, short_name, region_id
    db.session.add(agency)
    db.session.flush()
    return agency


def planning_agency_name(region: Region) -> tuple[str, str]:
    """The usual name of a region's planning agency and its short name.

    Most regions call it Bappeda; some cities (Banjarmasin) merged research into it as
    Bappelitbang. The admin can rename agencies; this only seeds sensible defaults."""
    if region.kind == "provinsi":
        return f"Bappeda Provinsi {region.name}", f"Bappeda {region.name}"
    base = "Bappelitbang" if region.kemendagri_code in BAPPELITBANG_REGIONS else "Bappeda"
    short_region = region.name.replace("Kabupaten ", "Kab. ")
    return f"{base} {region.name}", f"{base} {short_region}"


# Regions whose planning agency is named Bappelitbang (Badan Perencanaan, Penelitian dan
# Pengembangan) rather than Bappeda, as the seed report's "Bappeda/Bappelitbang" implies.
BAPPELITBANG_REGIONS = frozenset({"63.71"})


def ensure_planning_agencies(province_code: str) -> int:
    """Create one planning agency per region of a province (and the province's own) when
    missing. Returns how many were created."""
    regions = db.session.scalars(
        select(Region).where(
            (Region.kemendagri_code == province_code)
            | Region.kemendagri_code.like(f"{province_code}.%")
        )
    ).all()
    have = set(db.session.scalars(
        select(Agency.region_id).where(Agency.is_planning_agency.is_(True))
    ))
    created = 0
    for region in regions:
        if region.id in have:
            continue
        name, short = planning_agency_name(region)
        db.session.add(Agency(name=name, short_name=short, region_id=region.id))
        created += 1
    db.session.flush()
    return created


def planning_agencies_of_province(province_code: str, include_province=False):
    stmt = (
        select(Agency)
        .join(Agency.region)
        .where(Agency.is_planning_agency.is_(True))
        .where(
            or_(Region.kemendagri_code.like(f"{province_code}.%"),
                Region.kemendagri_code == province_code)
            if include_province else Region.kemendagri_code.like(f"{province_code}.%")
        )
        .order_by(Region.kemendagri_code)
    )
    return db.session.scalars(stmt).all()


def provincial_planning_agencies():
    """The planning agencies of provinces (usually one: the province's Bappeda)."""
    return db.session.scalars(
        select(Agency).join(Agency.region)
        .where(Region.kind == "provinsi", Agency.is_planning_agency.is_(True))
        .order_by(Region.kemendagri_code)
    ).all()


def find_region_by_code(code: str):
    code = (code or "").strip()
    if not code:
        return None
    column = Region.kemendagri_code if "." in code else Region.bps_code
    return db.session.scalar(select(Region).where(column == code))

