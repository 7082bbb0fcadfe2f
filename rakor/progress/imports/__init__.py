"""Bulk import of progress updates from CSV and XLSX on the shared engine `rakor.core.tabular`,
with the behaviour of the other imports: all or nothing, every row's errors and warnings in a
preview, the same steps for the web page and `flask progress import`.

1. `preview(content, filename, by_user)` reads and checks (`validate.validate`); writes nothing.
2. `commit(report, by_user)` writes every row at once through `services.report_many` (a row
   equal to the period's update writes nothing; a changed one is a new revision). The caller owns the
   transaction and rolls back on ImportCommitError.

A stated percent outside 0-100 is an error of its row unless the import runs with
`confirm_percent` (the preview's checkbox, the CLI's --confirm-percent).
"""
from collections import Counter
from types import SimpleNamespace

from rakor.core import batch, tabular
from rakor.core.errors import RowRefusedError
from rakor.core.tabular import ImportCommitError, ImportReport
from rakor.extensions import db
from rakor.policy import COMMITTEE
from rakor.progress import services
from rakor.progress.imports.columns import EXPORT_HEADERS, EXPORT_KEYS, SPEC
from rakor.progress.imports.validate import UpdateRow, report_field, validate

STAGING_KIND = "progress"
SYSTEM = SimpleNamespace(id=None, role=COMMITTEE, agency_id=None, name="system")

__all__ = ["EXPORT_HEADERS", "EXPORT_KEYS", "SPEC", "STAGING_KIND", "SYSTEM", "ImportCommitError", "UpdateRow",
           "commit", "counts", "import_file", "needs_confirmation", "preview"]


def preview(content: bytes, filename, by_user, max_rows=5000, *, confirm_percent=False, today=None) -> ImportReport:
    return tabular.preview(SPEC, content, lambda table: validate(table, by_user, filename,
                                                                 confirm_percent=confirm_percent, today=today),
                           filename=filename, max_rows=max_rows)


def needs_confirmation(report: ImportReport) -> bool:
    """The only errors are stated percents outside 0-100: a confirmation would let them through."""
    bad = report.error_rows
    return bool(bad) and not report.file_errors and all(r.confirm for r in bad)


def counts(report: ImportReport) -> Counter:
    return Counter(row.action for row in report.rows)


def commit(report: ImportReport, by_user, *, confirm_percent=False, today=None) -> Counter:
    """Write every changed row at once (`services.report_many`: statements that do not grow with
    the rows; the tallies refreshed once). Raises ImportCommitError on the first row refused now
    (the caller rolls the whole transaction back)."""
    if not report.ok:
        raise ValueError("only a report without errors can be committed")
    rows = [row for row in report.rows if row.action != "unchanged"]
    items = [services.NewReport(row.commitment, row.data, row.current_revision) for row in rows]
    with batch.deferred(db.session):
        try:
            services.report_many(items, by_user, confirm_percent=confirm_percent, today=today)
        except RowRefusedError as e:
            raise ImportCommitError(rows[e.index].line, report_field(e.field), e.message) from None
    return counts(report)


def import_file(content: bytes, by_user, *, filename=None, max_rows=5000, dry_run=False, confirm_percent=False,
                today=None):
    report = preview(content, filename, by_user, max_rows, confirm_percent=confirm_percent, today=today)
    if not report.ok or dry_run:
        return report, None
    return report, commit(report, by_user, confirm_percent=confirm_percent, today=today)
