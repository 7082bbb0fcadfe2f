"""How Indonesian documents write dates, times, places and civil-servant numbers, whoever
downloads them; and the one shape of a signature block."""
import re
from dataclasses import dataclass

from babel.dates import format_date
from num2words import num2words

from rakor.core.formatting import format_date_long, format_nip, format_time, local_date, zone_abbreviation
from rakor.core.ranks import signs_without_nip

LOCALE = "id"  # documents are Indonesian, whoever downloads them
__all__ = ["LOCALE", "Signatory", "date_in_words", "format_nip", "meeting_when", "place_date_line",
           "signing_place", "town"]

_KIND_PREFIX = re.compile(r"^(kabupaten|kab\.?|kota)\s+", re.IGNORECASE)
_POSTCODE = re.compile(r"\s*\b\d{5}\b\s*$")


def meeting_when(meeting, locale=LOCALE):
    """('Kamis, 1 Februari 2024', '08.30 – 16.00 WITA') in the meeting's zone."""
    tz = meeting.timezone
    start_day, end_day = local_date(meeting.starts_at, tz), local_date(meeting.ends_at, tz)
    day = format_date_long(start_day, locale)
    if end_day != start_day:
        day = f"{day} s.d. {format_date_long(end_day, locale)}"
    start = format_time(meeting.starts_at, tz, locale, with_zone=False)
    end = format_time(meeting.ends_at, tz, locale, with_zone=False)
    return day, f"{start} – {end} {zone_abbreviation(tz, meeting.starts_at)}"


def date_in_words(day) -> dict:
    """1 February 2024 -> {'weekday': 'Kamis', 'day': 'satu', 'month': 'Februari',
    'year': 'dua ribu dua puluh empat'}: how a berita acara writes its date ("Pada hari ini Kamis
    tanggal satu bulan Februari tahun dua ribu dua puluh empat"), so that it cannot be altered
    with a pen. Numbers in words by num2words (Indonesian)."""
    return {"weekday": format_date(day, "EEEE", locale=LOCALE), "day": num2words(day.day, lang="id"),
            "month": format_date(day, "MMMM", locale=LOCALE), "year": num2words(day.year, lang="id")}


def town(text) -> str:
    """'Kabupaten Kotabaru' -> 'Kotabaru', 'Kota Banjarbaru' -> 'Banjarbaru': a letter is dated
    at the town, without the kind of region."""
    return _KIND_PREFIX.sub("", " ".join((text or "").split()))


def _town_of_address(address) -> str:
    """'Jl. Dharma Praja II, Banjarbaru 70732' -> 'Banjarbaru': the last part of the address,
    without its postcode; '' when the address has no comma-separated town."""
    if not address or "," not in address:
        return ""
    last = _POSTCODE.sub("", address.rsplit(",", 1)[1]).strip(" .")
    return town(last) if last and not any(c.isdigit() for c in last) else ""


def signing_place(meeting, organizer) -> str:
    """Where the meeting's documents are signed: the meeting's own setting (`signing_place`),
    else the organizer's town (from the address its kop prints; a city (kota) is its own town),
    else the town where the meeting was held."""
    if getattr(meeting, "signing_place", None):
        return town(meeting.signing_place)
    if organizer is not None:
        found = _town_of_address(getattr(organizer, "address", None))
        if found:
            return found
        region = getattr(organizer, "region", None)
        if region is not None and region.kind == "kota":
            return town(region.name)
    return town(meeting.city)


def place_date_line(meeting, organizer, day) -> str:
    """'Banjarbaru, 5 Februari 2024': the one place line of the berita acara, the notulen and
    the daftar hadir. `day` None: a date to fill in by hand ('Banjarbaru, ....................')."""
    date_text = format_date(day, "d MMMM y", locale=LOCALE) if day is not None else "." * 24
    place = signing_place(meeting, organizer)
    return f"{place}, {date_text}" if place else date_text


@dataclass
class Signatory:
    """One signature block: jabatan, name, pangkat/golongan, NIP (formatted), and on whose
    behalf ('Pemerintah Kabupaten Tanah Laut'). `without_nip`: a regional head, deputy or
    regional secretary signs with the name only (Permendagri 1/2023, Pasal 44)."""

    name: str = ""
    position: str = ""
    rank: str = ""
    nip: str = ""
    on_behalf: str = ""
    without_nip: bool = False

    @classmethod
    def of(cls, name=None, position=None, rank=None, nip=None, on_behalf=""):
        return cls(name=name or "", position=position or "", rank=rank or "", nip=format_nip(nip),
                   on_behalf=on_behalf or "", without_nip=signs_without_nip(position))
