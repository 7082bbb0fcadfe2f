"""Cell texts of a commitment file read as values, the ways offices write them, and the
values written back so that they read again exactly (the export uses `format_*`).

Numbers: '6,25' or '6.25' (`core.numbers.parse_decimal`); Rupiah: 'Rp 1.250.000.000',
'1,250,000,000', '1,25 M' (`parse_rupiah`). Dates: '2024-12-31' (what the export and Excel
write), '31/12/2024', '31-12-2024', '31.12.2024', '31 Desember 2024', '31 Dec 2024'. Statuses
and funding sources: their code, English label or Indonesian word, any case.
"""
import re
from datetime import date
from decimal import Decimal

from rakor.commitments.lifecycle import CommitmentStatus
from rakor.core.tabular import norm_name

S = CommitmentStatus

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8,
    "agu": 8, "agt": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nopember": 11, "nov": 11, "desember": 12, "december": 12,
    "des": 12, "dec": 12,
}
STATUS_WORDS = {
    S.DRAFT: {"draft", "draf", "konsep"},
    S.SUBMITTED: {"submitted", "diajukan", "diusulkan", "usulan"},
    S.RETURNED: {"returned", "dikembalikan"},
    S.AGREED: {"agreed", "disepakati", "sepakat", "setuju", "disetujui"},
    S.WITHDRAWN: {"withdrawn", "ditarik", "dibatalkan"},
}
# What the export writes: the Indonesian words of the catalog.
STATUS_EXPORT = {S.DRAFT: "Draf", S.SUBMITTED: "Diajukan", S.RETURNED: "Dikembalikan",
                 S.AGREED: "Disepakati", S.WITHDRAWN: "Ditarik"}
FUNDING_WORDS = {
    "apbd": {"apbd"},
    "apbn_dak": {"apbn dak", "apbn", "dak", "apbndak", "apbn/dak"},
    "apbdes": {"apbdes", "apb desa", "apbdesa", "dana desa"},
    "csr": {"csr", "tjsl"},
    "other": {"other", "lainnya", "lain lain", "lain", "others"},
}
FUNDING_EXPORT = {"apbd": "APBD", "apbn_dak": "APBN/DAK", "apbdes": "APBDes", "csr": "CSR", "other": "Lainnya"}


def _key(text):
    return norm_name(text).replace("_", " ")


_STATUS_BY_WORD = {word: status for status, words in STATUS_WORDS.items() for word in words}
_FUNDING_BY_WORD = {_key(word): code for code, words in FUNDING_WORDS.items() for word in words | {code}}


def parse_status(text):
    """A CommitmentStatus, or None for a word that is none."""
    return _STATUS_BY_WORD.get(_key(text))


def parse_funding_source(text):
    """A funding source code ('apbn_dak'), or None."""
    return _FUNDING_BY_WORD.get(_key(text))


def parse_year(text):
    """'2024' (also '2024.0' from a spreadsheet number) -> 2024; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:[.,]0+)?", text.strip())
    if not match:
        raise ValueError(text)
    return int(match.group(1))


def parse_date(text):
    """A date as offices write it (see the module docstring); ValueError otherwise."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-]+(\d{4})", text)
    if match and match.group(2).lower() in _MONTHS:
        return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    raise ValueError(text)


def format_decimal(value: Decimal) -> str:
    """6.25 -> '6,25'. Exactly three decimals get a fourth ('12,1250'): '12,125' reads as a
    thousands group to `parse_decimal`, which refuses it rather than guess."""
    text = format(value.normalize(), "f")
    whole, _sep, fraction = text.partition(".")
    if len(fraction) == 3:
        fraction += "0"
    return f"{whole},{fraction}" if fraction else whole


def format_rupiah(value: Decimal):
    """1250000000.00 -> 1250000000 (plain digits: an int, so a workbook can sum it); cents stay
    as text '1250000,50'."""
    if value == value.to_integral_value():
        return int(value)
    return f"{value.quantize(Decimal('0.01')):f}".replace(".", ",")
