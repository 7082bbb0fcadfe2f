"""The letterhead (kop surat) of a document: the organiser's logo, government level, agency, and
its address line (street, phone, e-mail, website), as the agency's administrator set them.

`letterhead_for(agency)` reads the logo itself, so no document can print a kop without it (the
notulen, berita acara and laporan monitoring once did: issue 17)."""
import re
from dataclasses import dataclass

from rakor.regions.logos import logo_data_url

# What the usual short names of planning agencies stand for, as a kop spells them out.
ACRONYMS = {
    "bappeda": "Badan Perencanaan Pembangunan Daerah",
    "bappelitbang": "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
    "bappedalitbang": "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
    "barenlitbang": "Badan Perencanaan, Penelitian dan Pengembangan Daerah",
}
KIND_WORDS = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}


@dataclass
class Letterhead:
    government: str  # 'PEMERINTAH PROVINSI KALIMANTAN SELATAN'
    agency: str  # 'BADAN PERENCANAAN PEMBANGUNAN DAERAH'
    address: str | None = None  # 'Jl. Dharma Praja II, Banjarbaru · Telepon (0511) 6749051 · Laman ...'
    logo: str | None = None  # a data: URL (the PDF fetcher serves no other image from outside static/)


def government_line(region) -> str:
    word = KIND_WORDS.get(region.kind, "")
    name = region.name
    if word and not name.lower().startswith(word.lower() + " "):
        name = f"{word} {name}"
    return f"PEMERINTAH {name}".upper()


def agency_line(agency) -> str:
    """'Bappeda Provinsi Kalimantan Selatan' -> 'BADAN PERENCANAAN PEMBANGUNAN DAERAH': the region
    is already on the line above, and the acronym is written out."""
    name = agency.name.strip()
    region = agency.region
    word = KIND_WORDS.get(region.kind, "")
    region_name = region.name if region.name.lower().startswith(word.lower()) else f"{word} {region.name}"
    for suffix in (region_name, region.name):
        if name.lower().endswith(" " + suffix.lower()):
            name = name[: -len(suffix)].strip()
            break
    first, _sep, rest = name.partition(" ")
    if first.lower() in ACRONYMS:
        name = (ACRONYMS[first.lower()] + " " + rest).strip()
    return re.sub(r"\s+", " ", name).upper()


def address_line(address=None, phone=None, website=None, email=None) -> str | None:
    """'Jl. Dharma Praja II, Banjarbaru 70732 · Telepon (0511) 6749051 · Pos-el bappeda@kalselprov.go.id
    · Laman bappeda.kalselprov.go.id' (Permendagri 1/2023 names e-mail "pos-el" and a website "laman")."""
    parts = [address.strip()] if address and address.strip() else []
    if phone and phone.strip():
        parts.append(f"Telepon {phone.strip()}")
    if email and email.strip():
        parts.append(f"Pos-el {email.strip()}")
    if website and website.strip():
        parts.append(f"Laman {re.sub(r'^https?://', '', website.strip()).rstrip('/')}")
    return " · ".join(parts) or None


def letterhead_for(agency, address=None) -> Letterhead:
    """The agency's kop: its logo, lines and `address` (default: the agency's own address, phone,
    e-mail and website)."""
    if address is None:
        address = address_line(agency.address, agency.phone, agency.website, agency.email)
    return Letterhead(government=government_line(agency.region), agency=agency_line(agency),
                      address=address, logo=logo_data_url(agency.logo_stored_name))
