"""core.text.clean_text: the one rule for typed and imported text."""
import unicodedata

import pytest

from rakor.core.text import clean_text


def test_nfc_normalises_decomposed_letters():
    decomposed = "Bappe\u0301da"  # e + combining acute, as some keyboards and PDFs give it
    assert clean_text(decomposed) == "Bappéda" == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",
                                  "\x80", "\x85", "\x9f"])
@pytest.mark.parametrize("multiline", [False, True])
def test_c0_c1_controls_and_del_are_removed(char, multiline):
    assert clean_text(f"Ra{char}kor", multiline=multiline) == "Rakor"


@pytest.mark.parametrize("char", ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                  "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_marks_overrides_and_isolates_are_removed(char):
    assert clean_text(f"Siti {char}Rahmah") == "Siti Rahmah"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_zero_width_characters_are_removed(char):
    assert clean_text(f"Sa{char}id") == "Said"


def test_single_line_text_turns_tabs_and_line_breaks_into_spaces():
    assert clean_text("Aula\tBappeda\r\nLt. 2\rRuang\n3") == "Aula Bappeda Lt. 2 Ruang 3"


def test_multi_line_text_keeps_tabs_and_line_breaks_with_one_line_ending():
    assert clean_text("Satu\r\n\tDua\rTiga\nEmpat\x1b", multiline=True) == "Satu\n\tDua\nTiga\nEmpat"


def test_ordinary_text_and_non_strings_pass_unchanged():
    text = "Drs. H. Said Akhmad, M.M. — Kepala Bappeda (Kab. Tanah Bumbu) 100%"
    assert clean_text(text) == text
    assert clean_text(None) is None and clean_text(42) == 42
    assert clean_text("  spaces  ") == "  spaces  "  # stripping is the form's job
