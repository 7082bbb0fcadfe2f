"""Cleaning what people type into participant fields: NIP, phone, gender, role, name. (E-mail
addresses go through auth.services.normalise_email, the one spelling accounts use too.)"""
import re

from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError
from rakor.core.phones import format_phone, normalize_phone  # noqa: F401  (one copy, in core)
from rakor.participants.models import GENDERS, MEETING_ROLES

NIP_LENGTH = 18
_NIP_SEPARATORS, _SPACES = re.compile(r"[\s.\-]"), re.compile(r"\s+")

GENDER_ALIASES = {
    "l": "L", "laki-laki": "L", "laki laki": "L", "lk": "L", "pria": "L", "m": "L", "male": "L",
    "p": "P", "perempuan": "P", "pr": "P", "wanita": "P", "f": "P", "female": "P", "w": "P",
}
ROLE_ALIASES = {
    "participant": "peserta", "speaker": "narasumber", "resource person": "narasumber",
    "chair": "pimpinan", "pimpinan rapat": "pimpinan", "committee": "panitia",
    "minute-taker": "notulis", "minute taker": "notulis", "notetaker": "notulis",
}


def normalize_nip(value: str | None) -> str | None:
    """'19800101 200501 1 001' -> '198001012005011001'. Exactly 18 digits, kept as text."""
    if value is None:
        return None
    raw = str(value).strip()
    if not raw:
        return None
    digits = _NIP_SEPARATORS.sub("", raw)
    if not (digits.isascii() and digits.isdigit()) or len(digits) != NIP_LENGTH:  # not "²" or "١"
        raise DomainError(_l("A NIP has exactly 18 digits."), field="nip")
    return digits


def normalize_gender(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    key = str(value).strip().lower()
    if key.upper() in GENDERS:
        return key.upper()
    if key in GENDER_ALIASES:
        return GENDER_ALIASES[key]
    raise DomainError(_l("Gender must be L (laki-laki) or P (perempuan)."), field="gender")


def normalize_role(value: str | None) -> str:
    if value is None or not str(value).strip():
        return "peserta"
    key = str(value).strip().lower()
    key = ROLE_ALIASES.get(key, key)
    if key not in MEETING_ROLES:
        raise DomainError(_l("Unknown role in the meeting."), field="meeting_role")
    return key


def normalize_name(value: str | None) -> str:
    """Names keep their titles as typed ('Drs. H. Said Akhmad, MM'); only spaces are tidied."""
    name = _SPACES.sub(" ", str(value or "")).strip()
    if not name:
        raise DomainError(_l("The name is required."), field="name")
    if len(name) > 200:
        raise DomainError(_l("The name is longer than 200 characters."), field="name")
    return name


def told_apart(first, second) -> bool:
    """Two records of one name and agency are two people when a NIP or an email present on
    both differs. `first`, `second`: (nip, email)."""
    return any(a and b and a != b for a, b in zip(first, second, strict=True))
