"""The outcome of an import, all or nothing: the file's problems, then every row with its errors
(the row is refused) and warnings (the row is imported; the person should look). Only a report
without any error can be committed, and a commit stops at the first row refused at write time."""
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from rakor.core import batch
from rakor.core.errors import DomainError
from rakor.extensions import db

# A preview's table shows at most this many rows (a 5,000-row file made a 3.7 MB page that took
# longer to render than to check), but always every row that is refused or asks for a decision.
PREVIEW_ROWS = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, empty, too large, formulas...)."""

    def __init__(self, *messages):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)


class ImportCommitError(Exception):
    """A row was refused while writing (a concurrent registration took the seat or the NIP)."""

    def __init__(self, line, field, message):
        super().__init__(f"line {line}: {message}")
        self.line, self.field, self.message = line, field, message


@dataclass
class RowResult:
    """One data row. `values`: column key -> cleaned text as in the file; `data`: what the
    feature's validator made of it (None while the row has errors). Features that find more
    per row (the participant's agency) subclass it."""

    line: int
    values: dict
    data: object = None
    errors: dict = field(default_factory=dict)  # field -> message
    warnings: list = field(default_factory=list)  # [(field or None, message)]
    inexact: set = field(default_factory=set)  # column keys holding an Excel number >= 1e15

    @property
    def status(self):
        if self.errors:
            return "error"
        return "warning" if self.warnings else "ok"


@dataclass
class ImportReport:
    spec: object = field(default=None, repr=False)  # the ColumnSpec, for labels
    meeting_id: int | None = None  # the meeting the import is for, if it is for one
    filename: str | None = None
    kind: str | None = None  # "csv" or "xlsx"
    columns: dict = field(default_factory=dict)  # column key -> header as written in the file
    ignored_columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    header_line: int | None = None
    max_rows: int | None = None
    positions: dict = field(default_factory=dict, repr=False)  # column key -> index in a row

    @property
    def ok(self):
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def counts(self):
        c = Counter(r.status for r in self.rows)
        return {"total": len(self.rows), "ok": c["ok"], "warning": c["warning"], "error": c["error"]}

    def label(self, fieldname):
        """The column as the file calls it ('No HP'), else our name for the field (kept: a
        preview asks it for every message)."""
        labels = self.__dict__.setdefault("_labels", {})
        if fieldname not in labels:
            labels[fieldname] = self._label(fieldname)
        return labels[fieldname]

    def _label(self, fieldname):
        if self.spec is None:
            return self.columns.get(fieldname) or fieldname
        for key in self.spec.keys_of(fieldname):
            if self.columns.get(key):
                return self.columns[key]
        return self.spec.label(fieldname)

    def preview_rows(self, limit=None, always=lambda row: False) -> "PreviewRows":
        """The rows a preview's table shows, in line order: every refused row and every row
        `always` names (a probable duplicate to tick), then the others from the top up to `limit`.
        The warnings of the rows left out are counted by their text, for a summary."""
        limit = PREVIEW_ROWS if limit is None else limit
        if len(self.rows) <= limit:
            return PreviewRows(self.rows)
        needed = [r for r in self.rows if r.errors or always(r)]
        room = max(limit - len(needed), 0)
        shown, hidden = set(map(id, needed)), []
        for row in self.rows:
            if id(row) in shown:
                continue
            if room:
                shown.add(id(row))
                room -= 1
            else:
                hidden.append(row)
        # Counted by what tells the messages apart before they are translated: translating every
        # warning of 4,500 hidden rows (twice, with its column's label) took longer than the check.
        counts, first = Counter(), {}
        for row in hidden:
            for f, m in row.warnings:
                key = (f, _message_key(m))
                counts[key] += 1
                first.setdefault(key, m)
        warnings = Counter()
        for key, n in counts.items():
            warnings[(self.label(key[0]) if key[0] else None, str(first[key]))] += n
        return PreviewRows([r for r in self.rows if id(r) in shown], len(hidden),
                           [(label, message, n) for (label, message), n in warnings.most_common()])

    def problems(self):
        """Every problem as text lines, for the CLI and logs: file errors, then
        'line 7, NIP: ...' per bad field."""
        lines = [str(m) for m in self.file_errors]
        for row in self.rows:
            for fieldname, message in row.errors.items():
                lines.append(str(_l("line %(line)d, %(column)s: %(message)s", line=row.line,
                                    column=self.label(fieldname), message=message)))
        return lines


def _message_key(message):
    """A lazy message's template and arguments (flask_babel's LazyString: the same key, the same
    text in any locale), else the text itself."""
    if not isinstance(message, LazyString):
        return str(message)
    key = (message._func, message._args,
           tuple(sorted((name, _message_key(value) if isinstance(value, LazyString) else value)
                        for name, value in message._kwargs.items())))
    try:
        hash(key)
    except TypeError:  # an argument that is not hashable: its text then
        return str(message)
    return key


@dataclass
class PreviewRows:
    rows: list  # what the table shows
    hidden: int = 0  # rows left out of it (ready to import)
    hidden_warnings: list = field(default_factory=list)  # [(label or None, message, rows)] of those


def commit_rows(report: ImportReport, write_row, field_of=lambda name: name) -> list:
    """`write_row(row)` for every row of a valid report, returning what each returned. A
    DomainError becomes ImportCommitError naming the line and the field (`field_of` maps a
    service's field name onto the report's); the caller rolls the transaction back."""
    if not report.ok:
        raise ValueError("only a report without errors can be committed")
    written = []
    # What listeners derive after each flush (progress tallies) is done once for the file.
    with batch.deferred(db.session):
        for row in report.rows:
            try:
                written.append(write_row(row))
            except DomainError as e:
                raise ImportCommitError(row.line, field_of(e.field), e.message) from None
    return written
