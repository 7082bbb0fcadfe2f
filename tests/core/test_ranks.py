"""Pangkat/golongan as signature blocks print it, who signs without NIP, and how documents write
dates in words and their one place line (issue 17)."""
from datetime import date
from types import SimpleNamespace

import pytest

from rakor.core.errors import DomainError
from rakor.core.ranks import normalize_rank, signs_without_nip
from rakor.documents.formatting import Signatory, date_in_words, place_date_line, signing_place


@pytest.mark.parametrize(("typed", "stored"), [
    ("IV/b", "Pembina Tingkat I (IV/b)"),
    ("iv.b", "Pembina Tingkat I (IV/b)"),
    ("Pembina Tk. I / IV b", "Pembina Tingkat I (IV/b)"),
    ("Pembina Utama Muda, IV/c", "Pembina Utama Muda (IV/c)"),
    ("IIIa", "Penata Muda (III/a)"),
    ("  Penata   Muda (III/a) ", "Penata Muda (III/a)"),
    ("Penata (III/a)", "Penata (III/a)"),  # a rank that does not go with the grade: kept as typed
    ("III/e", "III/e"),  # no such PNS grade
    ("PPPK Golongan IX", "PPPK Golongan IX"),
    ("Komisaris Polisi", "Komisaris Polisi"),
    ("", None), (None, None), ("   ", None),
])
def test_rank_spellings(typed, stored):
    assert normalize_rank(typed) == stored


def test_a_rank_too_long_is_refused():
    with pytest.raises(DomainError) as refused:
        normalize_rank("x" * 101)
    assert refused.value.field == "rank"


@pytest.mark.parametrize(("position", "without"), [
    ("Bupati Kotabaru", True), ("Wakil Gubernur Kalimantan Selatan", True), ("Pj. Wali Kota Banjarbaru", True),
    ("Sekretaris Daerah Kabupaten Kotabaru", True), ("Plt. Sekretaris Daerah", True),
    ("Kepala Bappeda", False), ("Asisten Sekretaris Daerah", False), ("Kepala Bagian Tata Pemerintahan", False),
    (None, False),
])
def test_who_signs_without_nip(position, without):
    assert signs_without_nip(position) is without
    assert Signatory.of("Nama", position, "IV/a", "197501012000032001").without_nip is without


def test_a_date_in_words():
    assert date_in_words(date(2024, 2, 1)) == {"weekday": "Kamis", "day": "satu", "month": "Februari",
                                               "year": "dua ribu dua puluh empat"}
    assert date_in_words(date(2025, 12, 31))["day"] == "tiga puluh satu"


def _organizer(address=None, kind="provinsi", name="Kalimantan Selatan"):
    return SimpleNamespace(address=address, region=SimpleNamespace(kind=kind, name=name))


@pytest.mark.parametrize(("signing", "address", "kind", "region", "city", "expected"), [
    ("Banjarbaru", None, "provinsi", "Kalimantan Selatan", "Kabupaten Kotabaru", "Banjarbaru"),
    ("Kota Banjarbaru", None, "provinsi", "Kalimantan Selatan", None, "Banjarbaru"),
    (None, "Jl. Dharma Praja II, Kawasan Perkantoran, Banjarbaru 70732", "provinsi", "Kalsel", "Kotabaru", "Banjarbaru"),
    (None, "Jl. Pramuka No. 1", "kota", "Kota Banjarmasin", "Kabupaten Kotabaru", "Banjarmasin"),
    (None, None, "provinsi", "Kalimantan Selatan", "Kabupaten Kotabaru", "Kotabaru"),
])
def test_the_place_of_signing(signing, address, kind, region, city, expected):
    meeting = SimpleNamespace(signing_place=signing, city=city)
    organizer = _organizer(address, kind, region)
    assert signing_place(meeting, organizer) == expected
    assert place_date_line(meeting, organizer, date(2024, 2, 5)) == f"{expected}, 5 Februari 2024"
    assert place_date_line(meeting, organizer, None) == f"{expected}, " + "." * 24
