"""The steps every import shares: read the file into a report (or its file errors), hand the
feature each data row with its cells cleaned, and write the rows of a valid report."""
import gc
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import lazy_gettext as _l

from rakor.core import batch
from rakor.core.tabular.cells import imported_text
from rakor.core.tabular.columns import ColumnSpec
from rakor.core.tabular.reading import Table, read_table
from rakor.core.tabular.report import ImportFileError, ImportReport, RowResult
from rakor.extensions import db

# Who wants to know how far the check of a file is (the queued import's progress bar): a
# callable taking the number of rows checked so far, and how often to call it.
_progress = ContextVar("rakor_import_progress", default=None)


def report_progress(callback, every=250):
    """Have `data_rows` call `callback(rows so far)` every `every` rows (None: stop)."""
    _progress.set((callback, every) if callback is not None else None)


@contextmanager
def own_collections():
    """Within it, the garbage collector's passes walk only what was made meanwhile: the objects
    that were there before (the app's, some 300,000: about 0.17 s of CPU a full pass, one or two
    per check or write of a 5,000-row file) are set aside, as documents/parts.py does for a
    render. Cycles made meanwhile are still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# What the pure checks of a file's rows found (a cell cleaned the same way whatever the
# database holds), kept from the preview for the confirmation (staging.py): {key: JSON value}.
_remembered = ContextVar("rakor_import_remembered", default=None)


@contextmanager
def remembering(known=None):
    """Within it, `recall` answers what `remember` was told here or what `known` holds (the
    preview's findings, at the confirmation); yields the dict, to stage with the file."""
    memo = dict(known or {})
    token = _remembered.set(memo)
    try:
        yield memo
    finally:
        _remembered.reset(token)


def recall(key):
    """The JSON value remembered under `key`, or None (also outside `remembering`)."""
    memo = _remembered.get()
    return None if memo is None else memo.get(key)


def remember(key, value):
    memo = _remembered.get()
    if memo is not None:
        memo[key] = value


def preview(spec: ColumnSpec, content: bytes, validate, *, filename=None, max_rows=5000,
            **report_fields) -> ImportReport:
    """Read the file and `validate(table)` it into a report; never raises for a bad file (the
    report's `file_errors` say what is wrong). `report_fields` (e.g. meeting_id) go into the
    report made when the file cannot be read."""
    try:
        table = read_table(content, spec, max_rows)
    except ImportFileError as e:
        report = ImportReport(spec=spec, filename=filename, max_rows=max_rows, **report_fields)
        report.file_errors.extend(e.messages)
        return report
    with batch.deferred(db.session):  # reads a row's check repeats are kept for the file (core/batch.py)
        report = validate(table)
    report.max_rows = max_rows
    return report


def new_report(spec: ColumnSpec, table: Table, *, filename=None, **report_fields) -> ImportReport:
    """A report of the table's columns: which header names which column, the headers ignored,
    and an error for every column given twice."""
    report = ImportReport(spec=spec, filename=filename, kind=table.kind, header_line=table.header_line,
                          **report_fields)
    mapping, ignored, duplicates = spec.map_headers(table.header)
    report.positions = mapping
    report.columns = {key: table.header[i] for key, i in mapping.items()}
    report.ignored_columns = ignored
    for key, texts in duplicates.items():
        report.file_errors.append(_l("Two columns hold %(field)s: %(first)s and %(second)s. Keep one.",
                                     field=spec.column(key).label, first=report.columns[key],
                                     second=", ".join(texts)))
    return report


def data_rows(report: ImportReport, table: Table, row_class=RowResult):
    """Each row that has a value in a known column, added to the report and yielded for the
    feature to validate. Its `values` hold every known column's text, cleaned by the rule all
    forms follow (one line, or several for a multi-line column); notes of the reader (a merged
    cell was copied down) are already among its warnings."""
    spec = report.spec
    multiline = {c.key for c in spec.columns if c.multiline}
    notes = defaultdict(list)
    for line, message in table.notes:
        notes[line].append(message)
    progress = _progress.get()
    for line, cells in table.rows:
        if progress is not None and report.rows and len(report.rows) % progress[1] == 0:
            progress[0](len(report.rows))
        values = {key: imported_text(cells[i], multiline=key in multiline) if i < len(cells) else ""
                  for key, i in report.positions.items()}
        if not any(values.values()):
            continue  # only a "No" or a signature column filled in: a blank template row
        inexact = {key for key, i in report.positions.items() if (line, i) in table.inexact}
        row = row_class(line=line, values=values, inexact=inexact)
        row.warnings.extend((None, m) for m in notes.get(line, ()))
        report.rows.append(row)
        yield row
