"""Finding a thing named in a cell (an agency, an indicator) by its code, its name or its short
name, the ways people write them: any case, 'Kab.' for 'Kabupaten', stray punctuation, or only
some of the words ('Bappeda Kotabaru' for 'Bappeda Kabupaten Kotabaru'); and, when nothing
matches, the closest name to suggest (a typo: 'Hulu Sungai Utra')."""
import difflib
import re
import unicodedata
from collections import defaultdict

# Compiled once: an import normalises a few names per row (re's cache lookup cost more than the match).
_KAB, _PROV = re.compile(r"\bkab\b\.?"), re.compile(r"\bprov\b\.?")
_PUNCTUATION, _SPACES = re.compile(r"[.,()\-/']"), re.compile(r"\s+")


def norm_name(text):
    """'Bappeda Kab. Kotabaru' -> 'bappeda kabupaten kotabaru'."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = _KAB.sub("kabupaten", text)
    text = _PROV.sub("provinsi", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def closest(key, candidates, cutoff=0.75):
    """The candidate key most like `key` (difflib's ratio, at least `cutoff`), or None."""
    found = difflib.get_close_matches(key, list(candidates), n=1, cutoff=cutoff) if key else []
    return found[0] if found else None


def norm_code(text):
    """'  ind-01 ' -> 'IND-01'."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text or ""))).upper()


class Lookup:
    """Items loaded once and indexed by code and by name, so matching a whole file costs no query.

    `names(item)` and `codes(item)` give the texts an item is known by. `exact(text)` is every item
    whose code or (normalised) name is the text; `loose(text)` every item whose names hold all of
    the text's words; `find(text)` the exact matches, else the loose ones, with a flag saying which.
    `suggest(text)` is the item whose name is closest to the text, for "did you mean". A feature
    turns "none" and "several" into its own messages."""

    def __init__(self, items, *, names, codes=lambda item: ()):
        self.by_code = defaultdict(list)
        self.by_name = defaultdict(list)
        self.tokens = []
        for item in items:
            for code in codes(item):
                if code and item not in self.by_code[norm_code(code)]:
                    self.by_code[norm_code(code)].append(item)
            words = set()
            for text in names(item):
                key = norm_name(text)
                if key and item not in self.by_name[key]:
                    self.by_name[key].append(item)
                words |= set(key.split())
            self.tokens.append((words, item))

    def exact(self, text) -> list:
        return list(self.by_code.get(norm_code(text), ())) or list(self.by_name.get(norm_name(text), ()))

    def loose(self, text) -> list:
        words = set(norm_name(text).split())
        if not words:
            return []
        return [item for tokens, item in self.tokens if words <= tokens]

    def find(self, text) -> tuple[list, bool]:
        """(matches, loose): exact matches first; only when there are none, the loose ones."""
        found = self.exact(text)
        if found:
            return found, False
        return self.loose(text), True

    def suggest(self, text, cutoff=0.75):
        """The one item whose normalised name is closest to the text (None when none is close
        enough, or when the closest name belongs to several items)."""
        key = closest(norm_name(text), self.by_name, cutoff)
        items = self.by_name.get(key, []) if key else []
        return items[0] if len(items) == 1 else None
