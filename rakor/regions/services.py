"""Loading regions from the documented CSV format, their abbreviations, planning agencies for
them, and the administrator's agency edits (name, region, letterhead)."""
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from rakor.core.errors import DomainError
from rakor.core.tabular import norm_name, region_key
from rakor.core.text import clean_text
from rakor.extensions import db
from rakor.regions import logos
from rakor.regions.models import ABBREVIATION_SEPARATOR, REGION_KINDS, Agency, Region, split_abbreviations

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
        for message in _abbreviation_problems(split_abbreviations(row.get("abbreviations"))):
            errors.append(f"line {line_no}: abbreviations: {message}")
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
        if "abbreviations" in row:
            # The file's short forms join those the administrator added; loading never drops one.
            values["abbreviations"] = join_abbreviations(
                (region.aliases if region is not None else []) + split_abbreviations(row["abbreviations"]))
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
    """A new agency (no letterhead details); see `save_agency`."""
    return save_agency(None, AgencyData(name, short_name, region_id))[0]


def update_agency(agency: Agency, name: str, short_name: str, region_id: int | None) -> Agency:
    """Rename or move an agency, keeping its letterhead details; see `save_agency`."""
    data = AgencyData(name, short_name, region_id, address=agency.address, phone=agency.phone,
                      website=agency.website)
    return save_agency(agency, data)[0]


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



# --- abbreviations ------------------------------------------------------------------------------

MAX_ABBREVIATION = 40
MAX_ABBREVIATIONS = 10


def join_abbreviations(abbreviations) -> str | None:
    """Unique (by normalised form), in the order given, joined by '|'; None when there are none."""
    seen, kept = set(), []
    for text in abbreviations:
        key = region_key(text)
        if key and key not in seen:
            seen.add(key)
            kept.append(text.strip())
    return ABBREVIATION_SEPARATOR.join(kept) or None


def _abbreviation_problems(abbreviations):
    if len(abbreviations) > MAX_ABBREVIATIONS:
        yield f"at most {MAX_ABBREVIATIONS}"
    for text in abbreviations:
        if len(text) > MAX_ABBREVIATION:
            yield f"{text[:20]!r}... is longer than {MAX_ABBREVIATION} characters"


def set_region_abbreviations(region: Region, text: str) -> Region:
    """The administrator's list of a region's short forms, one per line or separated by commas
    or '|'. Refused when one is too long or already names another region (the import could no
    longer tell them apart)."""
    abbreviations = [clean_text(a).strip() for a in re.split(r"[|,;\n]", text or "")]
    abbreviations = [a for a in abbreviations if a]
    if len(abbreviations) > MAX_ABBREVIATIONS:
        raise DomainError(_l("At most %(n)d abbreviations.", n=MAX_ABBREVIATIONS), field="abbreviations")
    for a in abbreviations:
        if len(a) > MAX_ABBREVIATION:
            raise DomainError(_l("\"%(text)s\" is longer than %(n)d characters.", text=a[:20] + "…",
                                 n=MAX_ABBREVIATION), field="abbreviations")
    taken = {}
    for other in db.session.scalars(select(Region).where(Region.id != region.id)):
        for known in (other.name, *other.aliases):
            taken.setdefault(region_key(known), other)
            taken.setdefault(norm_name(known), other)
    for a in abbreviations:
        other = taken.get(region_key(a)) or taken.get(norm_name(a))
        if other is not None:
            raise DomainError(_l("\"%(text)s\" already names %(region)s.", text=a, region=other.name),
                              field="abbreviations")
    region.abbreviations = join_abbreviations(abbreviations)
    db.session.flush()
    return region


# --- agencies (administrator) ----------------------------------------------------------------

@dataclass
class AgencyData:
    name: str
    short_name: str
    region_id: int | None
    address: str | None = None
    phone: str | None = None
    website: str | None = None
    email: str | None = None
    # The head of the agency, who signs its letters (surat undangan).
    head_position: str | None = None
    head_name: str | None = None
    head_rank: str | None = None  # pangkat/golongan: 'Pembina Utama Muda (IV/c)'
    head_nip: str | None = None


EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
NIP_RE = re.compile(r"[0-9]{18}")  # ASCII digits only


def _clean_agency(data: AgencyData) -> dict:
    values = {k: (clean_text(v).strip() or None) if isinstance(v, str) else v for k, v in data.__dict__.items()}
    if not values["name"]:
        raise DomainError(_l("This field is required."), field="name")
    if not values["short_name"]:
        raise DomainError(_l("This field is required."), field="short_name")
    if values["region_id"] is None or db.session.get(Region, values["region_id"]) is None:
        raise DomainError(_l("Choose a region."), field="region_id")
    website = values["website"]
    if website and not re.fullmatch(r"(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?", website, re.IGNORECASE):
        raise DomainError(_l("Write the website as an address, e.g. bappeda.kalselprov.go.id."), field="website")
    if values["email"] and not EMAIL_RE.fullmatch(values["email"]):
        raise DomainError(_l("Write the e-mail address as name@domain, e.g. bappeda@kalselprov.go.id."),
                          field="email")
    if values["head_nip"]:
        values["head_nip"] = re.sub(r"[\s.\-]", "", values["head_nip"])
        if not NIP_RE.fullmatch(values["head_nip"]):
            raise DomainError(_l("A NIP has exactly 18 digits."), field="head_nip")
    if values["head_name"] and not values["head_position"]:
        raise DomainError(_l("Enter the position of the head of the agency, e.g. Kepala Bappeda."),
                          field="head_position")
    return values


def save_agency(agency: Agency | None, data: AgencyData, *, logo: bytes | None = None,
                remove_logo=False) -> tuple[Agency, str | None]:
    """Create (agency None) or update an agency. A new `logo` replaces the old one. Returns the
    agency and the stored name of a logo no longer used, to delete after the commit."""
    values = _clean_agency(data)
    duplicate = db.session.scalar(select(Agency).where(Agency.name == values["name"]))
    if duplicate is not None and duplicate is not agency:
        raise DomainError(_l("An agency with this name already exists."), field="name")
    if agency is None:
        agency = Agency()
        db.session.add(agency)
    obsolete = None
    if logo:
        obsolete, agency.logo_stored_name = agency.logo_stored_name, logos.store_logo(logo)
    elif remove_logo:
        obsolete, agency.logo_stored_name = agency.logo_stored_name, None
    for key, value in values.items():
        setattr(agency, key, value)
    try:
        db.session.flush()
    except BaseException:
        if logo:  # the record did not make it: its new file must not stay behind
            logos.remove_logo(agency.logo_stored_name)
        raise
    return agency, obsolete


def create_opd(parent: Agency, name: str, short_name: str) -> Agency:
    """A regional office (OPD, dinas) under planning agency `parent` (issue 22): in the parent's
    region, not a planning agency itself, so it organises no meetings and numbers no letters;
    the parent invites it to its own meetings and its leadership oversees it."""
    if not parent.is_planning_agency:
        raise DomainError(_l("Offices are added under a planning agency."), field="name")
    agency, _obsolete = save_agency(None, AgencyData(name, short_name, parent.region_id))
    agency.is_planning_agency = False
    agency.parent_agency_id = parent.id
    db.session.flush()
    return agency


def offices_under(parent_ids) -> list[Agency]:
    """The offices (OPDs) under the planning agencies `parent_ids`, by name."""
    return list(db.session.scalars(select(Agency).where(Agency.parent_agency_id.in_(sorted(parent_ids)))
                                   .order_by(Agency.parent_agency_id, Agency.name)))
