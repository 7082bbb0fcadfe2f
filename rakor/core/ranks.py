"""Pangkat/golongan (rank and grade) of a civil servant, as signature blocks print it:
'Pembina Tingkat I (IV/b)'.

People type it many ways: 'IV/b', 'IV.b', 'iv-b', 'Pembina Tk. I / IV b', 'Pembina Tk.I (IV/b)'.
A grade the PNS table knows (PP 99/2000, I/a to IV/e) is written in one form, its rank
name spelt out; anything else (a PPPK grade 'IX', a military or police rank, a rank without
grade) is kept as typed, only trimmed, since it is not ours to correct."""
import re

from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError

MAX_LENGTH = 100

# PP No. 99 Tahun 2000 (jo. PP 12/2002), lampiran: the rank of each grade.
PNS_RANKS = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I", "III/c": "Penata", "III/d": "Penata Tingkat I",
    "IV/a": "Pembina", "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya", "IV/e": "Pembina Utama",
}
# 'IV/b', 'IV.b', 'IV-b', 'IV b', 'IVb', also inside parentheses; roman numerals in any case.
_GRADE = re.compile(r"(?<![A-Za-z])(IV|I{1,3})\s*[/.\-]?\s*([a-eA-E])(?![A-Za-z])", re.IGNORECASE)
_TK = re.compile(r"\bTk\.?\s*(?=I\b)", re.IGNORECASE)


def _canonical_name(text):
    """'pembina tk. i' -> 'pembina tingkat i' (lower case, one space), to compare with the table."""
    text = _TK.sub("Tingkat ", text)
    return " ".join(re.sub(r"[(),/\-]", " ", text).split()).lower()


def normalize_rank(value) -> str | None:
    """The text to store, or None for an empty value. Raises DomainError when too long."""
    text = " ".join((value or "").split())
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise DomainError(_l("The rank/grade is longer than %(n)d characters.", n=MAX_LENGTH), field="rank")
    found = list(_GRADE.finditer(text))
    if len(found) != 1:
        return text
    match = found[0]
    grade = f"{match.group(1).upper()}/{match.group(2).lower()}"
    if grade not in PNS_RANKS:
        return text  # 'I/e' and the like: not a PNS grade; keep what was typed
    rest = _canonical_name(text[:match.start()] + " " + text[match.end():])
    if rest and rest != PNS_RANKS[grade].lower():
        return text  # a rank that does not go with this grade: the person knows better, keep it
    return f"{PNS_RANKS[grade]} ({grade})"


# Permendagri 1/2023, Pasal 44 (3)-(5): the regional head, the deputy and the regional secretary
# (and their acting officials) sign with their name only, without NIP or pangkat/golongan.
_WITHOUT_NIP = re.compile(
    r"^((pj|plt|plh|penjabat|pelaksana tugas|pelaksana harian)\.?\s+)?"
    r"(wakil\s+)?(gubernur|bupati|wali\s?kota|sekretaris daerah)\b", re.IGNORECASE)


def signs_without_nip(position) -> bool:
    """'Bupati Kotabaru', 'Sekretaris Daerah Provinsi ...', 'Pj. Wali Kota ...': True."""
    return bool(_WITHOUT_NIP.match(" ".join((position or "").split())))
