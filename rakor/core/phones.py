"""Indonesian phone numbers as people type them ("0812-3456-7890", "+62 812…", "62812…"):
stored as E.164, shown the national way, linked to WhatsApp by their digits."""
import re
from functools import lru_cache

import phonenumbers
from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError


def normalize_phone(value, field="phone") -> str | None:
    """'0812-3456-7890' -> '+6281234567890'; None for empty; DomainError on `field` otherwise."""
    if value is None:
        return None
    raw = str(value).strip()
    if not raw:
        return None
    candidate = re.sub(r"[\s\-().]", "", raw)
    if candidate.startswith("62") and not candidate.startswith("+"):
        candidate = "+" + candidate
    try:
        number = phonenumbers.parse(candidate, "ID")
    except phonenumbers.NumberParseException:
        raise DomainError(_l("This is not a valid phone number."), field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(_l("This is not a valid phone number."), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str | None) -> str:
    """'+6281234567890' -> '0812-3456-7890', as Indonesians write it."""
    if not value:
        return ""
    return _format_phone(value)


@lru_cache(maxsize=8192)
def _format_phone(value):
    # Pure; phonenumbers takes ~60 us a number and the participants table shows one per row.
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def whatsapp_url(value: str | None) -> str | None:
    """https://wa.me/6281234567890 for a stored E.164 number (wa.me wants digits only)."""
    digits = re.sub(r"\D", "", value or "")
    return f"https://wa.me/{digits}" if digits else None
