"""Indonesian phone numbers as people type them ("0812-3456-7890", "+62 812…", "62812…"):
stored as E.164, shown the national way, linked to WhatsApp by their digits."""
import re
from functools import lru_cache

import phonenumbers
from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-().]")
# "+62 8…" or "08…" in ASCII digits, the national number not starting with 0: what nearly every
# row of an import holds. For these, phonenumbers' parse gives that national number (no country
# code to guess, the trunk 0 stripped since the rest is a valid number) and the E.164 form is
# "+62" and it; only the validity check is left, done below with the library's own metadata and
# its own rule, without its per-call overhead (parse + is_valid: about 0.1 ms a number, a third
# of a participant row's check). Anything else, and any number this finds invalid, goes to the
# library. tests/core/test_fast_checks.py compares both ways on a corpus of tricky values.
_INDONESIAN = re.compile(r"(?:\+62|0)([1-9][0-9]{6,16})")


def _fits(desc, length) -> bool:
    """Whether a number of `length` digits may match `desc` (the library answers False for a
    description without a pattern, and checks the possible lengths when it lists any)."""
    return (desc is not None and bool(desc.national_number_pattern)
            and (not desc.possible_length or length in desc.possible_length))


def _indonesian_rule():
    """{length: (general pattern, the types' patterns as one alternation)} from phonenumbers'
    Indonesian metadata, for the lengths where both exist. The library's rule
    (`_number_type_helper` not UNKNOWN): the number matches the general description and one of
    the types', each description only for its possible lengths (none listed: any length)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    descs = [getattr(metadata, name) for name in (
        "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
        "voicemail", "fixed_line", "mobile")]
    general = metadata.general_desc
    rule = {}
    for length in range(7, 18):  # what _INDONESIAN lets through
        types = [d.national_number_pattern for d in descs if _fits(d, length)]
        if _fits(general, length) and types:
            rule[length] = (re.compile(general.national_number_pattern),
                            re.compile("|".join(f"(?:{p})" for p in types)))
    return rule


_ID_RULE = _indonesian_rule()


def _valid_national(national: str) -> bool:
    """phonenumbers' `is_valid_number` for an Indonesian national number."""
    rule = _ID_RULE.get(len(national))
    return rule is not None and rule[0].fullmatch(national) is not None and rule[1].fullmatch(national) is not None


def normalize_phone(value, field="phone") -> str | None:
    """'0812-3456-7890' -> '+6281234567890'; None for empty; DomainError on `field` otherwise."""
    if value is None:
        return None
    raw = str(value).strip()
    if not raw:
        return None
    candidate = _SEPARATORS.sub("", raw)
    if candidate.startswith("62") and not candidate.startswith("+"):
        candidate = "+" + candidate
    quick = _INDONESIAN.fullmatch(candidate)
    if quick and _valid_national(quick[1]):
        return "+62" + quick[1]
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
