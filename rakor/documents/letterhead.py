"""The letterhead (kop surat) of a document: government level, agency, optional address."""
import re
from dataclasses import dataclass

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
    address: str | None = None


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


def letterhead_for(agency, address=None) -> Letterhead:
    return Letterhead(government=government_line(agency.region), agency=agency_line(agency), address=address)
