"""Names without titles: the key lists sort by and the desk searches."""
import pytest

from rakor.core.names import name_key, query_words


@pytest.mark.parametrize("name,key", [
    ("Ir. H. Rahmadi, M.T.", "rahmadi"),
    ("Hj. Siti Aminah, S.Kom.", "siti aminah"),
    ("Dr. Hj. Maya Anggraini, S.E., M.Si.", "maya anggraini"),
    ("Drs. H. Bambang Sutrisno, M.Si.", "bambang sutrisno"),
    ("Darmawan, A.Md.Kom.", "darmawan"),
    ("Rahmiyanti Janoezir P., S.T., M.A.", "rahmiyanti janoezir p"),   # an initial is not a title
    ("Rahmadi MT", "rahmadi"),                                       # a degree without a comma
    ("dr. Ratna Sari", "ratna sari"),
    ("  Émile   Zola ", "emile zola"),
    ("H.", "h"),                                                     # only titles: keep them
    ("", ""),
])
def test_name_key_drops_titles_and_degrees(name, key):
    assert name_key(name) == key


def test_sorting_by_key_ignores_titles():
    names = ["Ir. H. Rahmadi, M.T.", "Ahmad Fauzan, S.E., M.M.", "Dr. Zainal Arifin", "Hj. Fitriani, S.T."]
    assert sorted(names, key=name_key) == ["Ahmad Fauzan, S.E., M.M.", "Hj. Fitriani, S.T.",
                                           "Ir. H. Rahmadi, M.T.", "Dr. Zainal Arifin"]


@pytest.mark.parametrize("q,words", [
    ("rahmadi", ["rahmadi"]),
    ("h rahmadi", ["rahmadi"]),
    ("rahmadi mt", ["rahmadi"]),
    ("Ir. H. Rahmadi, M.T.", ["rahmadi"]),
    ("Bappeda Kotabaru", ["bappeda", "kotabaru"]),
    ("dr", []),
    ("%", []),
])
def test_query_words(q, words):
    assert query_words(q) == words
