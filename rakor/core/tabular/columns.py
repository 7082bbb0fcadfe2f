"""What an import's columns are called: each column with its label and the header texts offices
write for it (Indonesian and English, any case), and how a header row maps onto them."""
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# A title line or two above the header is common ("DAFTAR PESERTA ...").
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    `key`: the name the feature reads the cell by (`row.values[key]`). `field`: the field an error
    on this column is reported under, when two columns feed one field (a region given by its code
    or by its name); defaults to `key`. `aliases`: header texts after `norm_header`.
    `multiline`: the cell keeps its line breaks (a description); other cells become one line."""

    key: str
    label: object
    aliases: frozenset
    field: str = ""
    multiline: bool = False

    def __post_init__(self):
        object.__setattr__(self, "aliases", frozenset(norm_header(a) for a in self.aliases))
        if not self.field:
            object.__setattr__(self, "field", self.key)


def _default_too_many_rows(limit):
    return _l("The file has more than %(max)s rows; at most %(max)s can be imported at once. Split it "
              "into smaller files.", max=limit)


@dataclass(frozen=True)
class ColumnSpec:
    """The columns of one kind of import file, and how to recognise its header row: the first of
    the first rows that names every `required` column and at least `min_columns` known ones.

    `labels`: field -> label, for fields reported by name that are not a column's key (e.g. the
    field 'region' fed by 'region_code' or 'region_name'). `ignore`: header texts of columns that
    are dropped without a mention ('No', 'Tanda tangan'). The three messages are what the reader
    says when the header, the rows or the row limit fail; `too_many_rows(limit)` takes the limit
    already formatted ('2.000')."""

    columns: tuple
    required: tuple = ()
    min_columns: int = 1
    ignore: frozenset = frozenset()
    labels: dict = field(default_factory=dict)
    no_header: object = _l("No header row found. The first row must name the columns.")
    no_rows: object = _l("The file has column headers but no rows.")
    too_many_rows: Callable = _default_too_many_rows

    def __post_init__(self):
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys) or "_ignore" in keys:
            raise ValueError(f"column keys must be unique: {keys}")
        alias_to_key = {}
        for column in self.columns:
            for alias in column.aliases:
                if alias_to_key.setdefault(alias, column.key) != column.key:
                    raise ValueError(f"header {alias!r} names two columns")
        for alias in self.ignore:
            alias_to_key.setdefault(norm_header(alias), "_ignore")
        object.__setattr__(self, "_alias_to_key", alias_to_key)

    def column(self, key) -> Column:
        return next(c for c in self.columns if c.key == key)

    def label(self, name):
        """The label of a field or column key; the name itself when the spec has none."""
        if name in self.labels:
            return self.labels[name]
        for column in self.columns:
            if column.key == name:
                return column.label
        return name

    def keys_of(self, fieldname) -> list:
        """The column keys that feed `fieldname`, in spec order."""
        return [c.key for c in self.columns if c.field == fieldname or c.key == fieldname]

    def key_of(self, header_text):
        """The column key a header text names, '_ignore', or None for an unknown header."""
        return self._alias_to_key.get(norm_header(header_text))

    def map_headers(self, header):
        """({key: column index}, ignored header texts, duplicates {key: [header texts]})."""
        mapping, ignored, duplicates = {}, [], defaultdict(list)
        for index, text in enumerate(header):
            if not norm_header(text):
                continue
            key = self.key_of(text)
            if key == "_ignore":
                continue
            if key is None:
                ignored.append(text)
            elif key in mapping:
                duplicates[key].append(text)
            else:
                mapping[key] = index
        return mapping, ignored, duplicates

    def header_score(self, header) -> int:
        """How well a row reads as this spec's header: known columns, or 0 without the required."""
        mapping = self.map_headers(header)[0]
        if not all(key in mapping for key in self.required):
            return 0
        return len(mapping)

    def is_header(self, header) -> bool:
        score = self.header_score(header)
        return score > 0 and score >= self.min_columns


def norm_header(text):
    """'No. HP (WA)*' -> 'no hp': lower case, no brackets, dots, colons, asterisks."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[.:*_]", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"\s+", " ", text).strip()
