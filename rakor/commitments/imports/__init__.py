"""Bulk import of a meeting's commitments from CSV and XLSX files, on the shared engine
`rakor.core.tabular`, with the participant import's behaviour: all or nothing, every row's
errors and warnings in a preview, and the same steps for the web page and `flask commitments
import`:

1. `preview(meeting, content, filename)` reads the file (headers in Indonesian or English,
   `columns.SPEC`) and checks every row (`validate.validate`); it writes nothing.
2. `commit(meeting, report, by_user)` writes a valid report through the services: the new rows
   with `services.create_commitments`, all at once (status "agreed" when the file's status column says so,
   else "submitted"), a row with a reference of this meeting with `services.update_commitment`
   (reason "Impor berkas <file>") and, when the file marks a submitted commitment agreed,
   `services.change_status`. The caller owns the transaction: on `ImportCommitError` it rolls
   back, so a failed import changes nothing.

A target on the wrong side of the baseline is an error of its row unless the import is run
with `confirm_direction` (the preview page's checkbox, the CLI's `--confirm-direction`), as
the form asks for a confirmation.

Who acts: the web page passes the committee member; the CLI passes `SYSTEM`, the committee
acting without an account (its events record no user, like the demo's). The services need no
special case for it: they check the role, and `SYSTEM.role` is the committee's.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from rakor.commitments import services
from rakor.commitments.imports.columns import EXPORT_HEADERS, EXPORT_KEYS, FIELD_LABELS, SPEC
from rakor.commitments.imports.validate import CommitmentRow, report_field, validate
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.core import batch, tabular
from rakor.core.errors import RowRefusedError
from rakor.core.tabular import ImportCommitError, ImportReport
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.policy import COMMITTEE

STAGING_KIND = "commitments"
SYSTEM = SimpleNamespace(id=None, role=COMMITTEE, agency_id=None, name="system")

__all__ = [
    "EXPORT_HEADERS", "EXPORT_KEYS", "FIELD_LABELS", "SPEC", "STAGING_KIND", "SYSTEM", "CommitmentRow",
    "ImportCommitError", "ImportOutcome", "commit", "import_file", "needs_direction_confirmation",
    "preview", "validate",
]


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    agreed: int = 0
    unchanged: int = 0


def preview(meeting: Meeting, content: bytes, filename=None, max_rows=5000, *,
            confirm_direction=False) -> ImportReport:
    """Read and check; never raises for a bad file (the report says what is wrong)."""
    return tabular.preview(SPEC, content,
                           lambda table: validate(meeting, table, filename, confirm_direction=confirm_direction),
                           filename=filename, max_rows=max_rows, meeting_id=meeting.id)


def needs_direction_confirmation(report: ImportReport) -> bool:
    """The only errors are targets in the worse direction: a confirmation would let it through."""
    bad = report.error_rows
    return bool(bad) and not report.file_errors and all(r.direction for r in bad)


def _reason(report):
    return f"Impor berkas {report.filename}" if report.filename else "Impor berkas"


def commit(meeting: Meeting, report: ImportReport, by_user, *, confirm_direction=False) -> ImportOutcome:
    """Write every row of a valid report: the new commitments at once
    (`services.create_commitments`: statements that do not grow with the rows), then the rows
    that change or agree an existing one, through the services one by one. Raises
    ImportCommitError on the first row refused now (the caller rolls the whole transaction
    back)."""
    if not report.ok:
        raise ValueError("only a report without errors can be committed")
    outcome = ImportOutcome()
    reason = _reason(report)
    new_rows = [row for row in report.rows if row.commitment is None]
    with batch.deferred(db.session):
        try:
            # Validated by the check that made the report, in this transaction (the confirmation
            # checks the file again before it writes): not a second time.
            created = services.create_commitments(meeting, [(row.data, row.new_status) for row in new_rows], by_user,
                                                   confirm_direction=confirm_direction, validated=True)
        except RowRefusedError as e:
            raise ImportCommitError(new_rows[e.index].line, report_field(e.field), e.message) from None
        outcome.created = len(created)

        def write(row: CommitmentRow):
            commitment = row.commitment
            if row.changes:
                outcome.updated += 1
                services.update_commitment(commitment, row.data, by_user, expected_version=row.version,
                                           reason=reason, confirm_direction=confirm_direction)
            if row.agree:
                outcome.agreed += 1
                services.change_status(commitment, CommitmentStatus.AGREED, by_user,
                                       expected_status=CommitmentStatus.SUBMITTED)
            if not (row.changes or row.agree):
                outcome.unchanged += 1
            return commitment

        existing = [row for row in report.rows if row.commitment is not None]
        if existing:
            tabular.commit_rows(_Rows(report, existing), write, report_field)
    return outcome


class _Rows:
    """The part of a valid report `commit_rows` should write."""

    def __init__(self, report, rows):
        self.rows, self.ok = rows, report.ok


def import_file(meeting: Meeting, content: bytes, by_user, *, filename=None, max_rows=5000,
                dry_run=False, confirm_direction=False) -> tuple[ImportReport, ImportOutcome | None]:
    """Preview and, when every row is valid and not `dry_run`, commit. Does not commit the
    transaction; raises ImportCommitError (the caller rolls back)."""
    report = preview(meeting, content, filename, max_rows, confirm_direction=confirm_direction)
    if not report.ok or dry_run:
        return report, None
    return report, commit(meeting, report, by_user, confirm_direction=confirm_direction)
