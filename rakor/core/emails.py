"""Checking a typed e-mail address with email-validator's rules, quickly for the common shape.

`validate_email` costs about 0.1 ms an address (Unicode checks on every character of the
domain, IDNA): most of a participant row's check in a 5,000-row import. Nearly every address
is plain ASCII, `local@domain`, and a file's addresses share a handful of domains. For those,
the library's own steps give an answer that depends on the domain alone, except for the final
length checks: so the domain is checked once (by the library, kept in an LRU cache) and the
local part and lengths here with the library's own pattern and limit. Anything else (quotes,
angle brackets, non-ASCII, a local part that is not a plain dot-atom) goes to the library as
before. tests/core/test_fast_checks.py compares both ways on a corpus of tricky values."""
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES, DOT_ATOM_TEXT, EMAIL_MAX_LENGTH


def normalized_email(address: str) -> str:
    """`validate_email(address, check_deliverability=False).normalized`, raising
    EmailNotValidError as it does. `address` is already stripped."""
    # The library splits at the first @-sign not inside quotes, nor part of a display name
    # ("Name <a@b>"); without '"' and '<' that is simply the first @-sign. An ASCII local part
    # matching its dot-atom pattern comes back unchanged (strict is off: no local length limit).
    if address.isascii() and '"' not in address and "<" not in address:
        local, at, domain = address.partition("@")
        if at and DOT_ATOM_TEXT.match(local):
            checked = _domain(domain)
            if checked is None:
                raise EmailNotValidError("The part after the @-sign is not valid.")
            normalized_domain, ascii_domain = checked
            if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:  # postmaster, abuse (RFC 2142)
                local = local.lower()
            normalized = local + "@" + normalized_domain
            # The library's three length checks (in UTF-8 bytes): as typed, normalized, and
            # with the IDNA ASCII domain.
            for form in (address, normalized, local + "@" + ascii_domain):
                if len(form.encode()) > EMAIL_MAX_LENGTH:
                    raise EmailNotValidError("The email address is too long.")
            return normalized
    return validate_email(address, check_deliverability=False).normalized


@lru_cache(maxsize=4096)
def _domain(domain: str):
    """(normalized domain, its ASCII form) as the library finds them, or None when it refuses
    the domain. The local part "a" is a valid one that adds no error of its own: an address
    with this domain is refused for the domain exactly when this one is (the probe is also the
    shortest address with it, so a probe too long means every address is)."""
    try:
        probe = validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return None
    return probe.domain, probe.ascii_domain
