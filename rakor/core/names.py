"""Indonesian personal names without their titles: the key lists sort by and searches match.

Names are stored as typed, titles included ("Ir. H. Rahmadi, M.T."), because that is how they
are printed. A list sorted on the stored text puts every "Dr." and "Hj." together, and a desk
search for "h rahmadi" or "rahmadi mt" would find nothing. `name_key` drops:

- honorifics and titles before the name (Ir., Drs., Dra., Dr., Prof., H., Hj., K.H., dr., ...),
- academic degrees after it: everything after the first comma (the Indonesian way of writing
  them, "Rahmadi, S.T., M.T."), and degrees written without a comma at the end ("Rahmadi MT"),

then folds case and accents and keeps letters, digits and single spaces. A name made only of
titles keeps them (better a key than none). Sorting and searching use the same key, so what a
person types is reduced exactly like what was stored.
"""
import re
import unicodedata

# Written with or without dots, any case: compared after removing the dots.
PREFIX_TITLES = frozenset({
    "ir", "drs", "dra", "dr", "prof", "h", "hj", "haji", "hajah", "hajjah", "kh", "ust", "ustadz",
    "ustazah", "bpk", "bapak", "ibu", "ib", "sdr", "sdri", "sdra", "tn", "ny", "nn", "drg", "apt",
    "ns", "kompol", "kombes", "akbp", "ipda", "iptu", "aiptu", "brigjen", "kol", "letkol", "mayor",
})
# Degrees as they appear at the end of a name without a comma ("Rahmadi MT").
DEGREES = frozenset({
    "st", "mt", "msi", "ssi", "se", "me", "mm", "skom", "mkom", "amd", "amdkom", "sh", "mh", "ssos",
    "map", "sap", "spd", "mpd", "sip", "meng", "msc", "ma", "mba", "phd", "sp", "mp", "sstat",
    "spi", "mak", "sak", "skm", "mkes", "shut", "sked", "mti", "spwk", "ssn", "stp", "sth", "spsi",
    "mpsi", "mkn", "llm", "bsc", "ba", "dipl", "spdi", "mag", "mtp", "msp",
})

_NOT_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Lower case, no accents, no punctuation (dots of titles go too), single spaces."""
    if text.isascii():
        # Most names: NFKD leaves ASCII as it is, nothing in it combines, and its casefold is
        # its lower case (an import keys 5,000 names; the loop below is per character).
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", plain.replace(".", ""))).strip()


def _words(part: str) -> list[str]:
    """Words of `part`; a title's dots stay attached ("H." then "Rahmadi") so that "M.T." is
    one word, not "M" and "T"."""
    return [w for w in _SPACES.split(part.strip()) if w]


def _bare(word: str) -> str:
    return _fold(word).replace(" ", "")


def name_key(name: str | None) -> str:
    """'Ir. H. Rahmadi, M.T.' -> 'rahmadi'; 'Hj. Siti Aminah, S.Kom.' -> 'siti aminah'."""
    if not name:
        return ""
    before_comma = name.split(",", 1)[0]
    words = _words(before_comma)
    while len(words) > 1 and _bare(words[0]) in PREFIX_TITLES:
        words.pop(0)
    while len(words) > 1 and _bare(words[-1]) in DEGREES:
        words.pop()
    key = _fold(" ".join(words))
    return key or _fold(name)


def query_words(q: str | None) -> list[str]:
    """What a person typed into a search, as the words to find in `name_key`s: titles and
    degrees dropped like in `name_key` ('h rahmadi', 'rahmadi mt' -> ['rahmadi']). Empty when
    the query is only titles or punctuation."""
    words = [_bare(w) for w in _words((q or "").replace(",", " "))]
    words = [w for w in words if w]
    kept = [w for w in words if w not in PREFIX_TITLES and w not in DEGREES]
    return kept
