"""Checking a progress file row by row against the commitments it names, without writing.

Each row names its commitment by its stable reference (RK-2024-0001-63.02-03, any case and
spacing) and a period; its figures then go through `services.validate`, the rules the form
obeys (a period before the meeting or beyond the current quarter, a stated percent outside
0-100 without confirmation, '6,00' and '6.00' alike...). A delegate's file may only name its
own agency's commitments. A row equal to the period's current update changes nothing; a
different one becomes a new revision."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.auth import tenancy
from rakor.commitments.models import Commitment
from rakor.core import tabular
from rakor.core.errors import DomainError
from rakor.core.numbers import NumberFormatError, parse_decimal, parse_rupiah
from rakor.core.rows import among
from rakor.core.tabular import ImportReport, RowResult, Table, norm_code, norm_name
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.policy import COMMITTEE, DELEGATE
from rakor.progress import services, workdays
from rakor.progress.imports.columns import SPEC
from rakor.progress.lifecycle import UpdateStatus
from rakor.progress.models import ProgressUpdate
from rakor.progress.services import UnconfirmedPercentError, UpdateData

REPORT_FIELDS = {None: "row", "realised_value": "realised_value", "percent": "percent",
                 "physical_percent": "physical_percent"}
STATUS_WORDS = {
    UpdateStatus.ON_TRACK: {"on track", "on_track", "sesuai rencana", "sesuai jadwal", "lancar", "on schedule"},
    UpdateStatus.AT_RISK: {"at risk", "at_risk", "berisiko", "beresiko", "risiko"},
    UpdateStatus.LATE: {"late", "terlambat", "tertunda", "behind"},
    UpdateStatus.DONE: {"done", "selesai", "tuntas", "complete", "completed"},
}
_STATUS_BY_WORD = {norm_name(word): status for status, words in STATUS_WORDS.items() for word in words}


def report_field(service_field):
    return REPORT_FIELDS.get(service_field, service_field)


@dataclass
class UpdateRow(RowResult):
    commitment: object = None  # the columns of services.REPORTER_CHECKED (a row, not the object)
    period_key: str | None = None
    current_revision: int = 0  # of the period's update when the file was checked
    expected_revision: int | None = None  # from the file's Revisi column, if any
    action: str = "create"  # create | revise | unchanged
    confirm: bool = False  # refused only for a stated percent outside 0-100, until confirmed


def parse_status(text):
    return _STATUS_BY_WORD.get(norm_name(text.replace("_", " "))) or _STATUS_BY_WORD.get(norm_name(text))


def validate(table: Table, by_user, filename=None, *, confirm_percent=False, today=None) -> ImportReport:
    """Four queries whatever the file's length: the commitments named, their meetings, the
    periods' current updates, then nothing per row."""
    report = tabular.new_report(SPEC, table, filename=filename)
    if report.file_errors:
        return report
    rows = list(tabular.data_rows(report, table, UpdateRow))
    references = {norm_code(r.values.get("reference")) for r in rows if r.values.get("reference")}
    commitments = {c.reference: c for c in db.session.execute(
        select(*services.REPORTER_CHECKED).where(among(db.session, Commitment.reference, references)))}
    meetings = {m.id: m for m in db.session.scalars(select(Meeting).where(
        among(db.session, Meeting.id, {c.meeting_id for c in commitments.values()})))}
    current = {}
    if commitments:
        for u in db.session.scalars(select(ProgressUpdate).where(
                among(db.session, ProgressUpdate.commitment_id, [c.id for c in commitments.values()]),
                ProgressUpdate.is_current)):
            current[(u.commitment_id, u.period)] = u
    user = getattr(by_user, "_get_current_object", lambda: by_user)()  # current_user: one lookup, not one a row
    today = today or workdays.today()  # one day for the whole file, not a clock reading a row
    context = _Context(user, commitments, meetings, current, confirm_percent, today)
    for row in rows:
        _validate_row(row, context)
    return report


@dataclass
class _Context:
    user: object
    commitments: dict
    meetings: dict
    current: dict
    confirm_percent: bool
    today: object
    seen: dict = None

    def __post_init__(self):
        self.seen = {}
        self.managed = {}  # meeting id -> whether the user is of its organizer's committee

    def may_know_of(self, commitment) -> bool:
        """`_may_know_of`, asking tenancy once per meeting of the file."""
        if getattr(self.user, "role", None) != COMMITTEE:
            return _may_know_of(commitment, self.user)
        if commitment.meeting_id not in self.managed:
            self.managed[commitment.meeting_id] = _may_know_of(commitment, self.user,
                                                               self.meetings.get(commitment.meeting_id))
        return self.managed[commitment.meeting_id]


def _parsed(row, name, parse, message):
    text = row.values.get(name)
    if not text:
        return None
    try:
        return parse(text)
    except NumberFormatError:
        row.errors[name] = message
        return None


def _as_stored(commitment, meeting, data, context):
    """The checked row when it equals the period's stored report, else None. A percent outside
    0-100 was confirmed when that report was made; an export re-imported as it was needs no
    confirmation again (it changes nothing)."""
    try:
        checked = services.validate(commitment, meeting, data, confirm_percent=True, today=context.today)
    except DomainError:
        return None
    existing = context.current.get((commitment.id, checked.period.key))
    return checked if existing is not None and services.same_as(existing, checked) else None


def _may_know_of(commitment, user, meeting=None) -> bool:
    """Whether the importing user may learn that `commitment` exists: the committee of the
    meeting's organizer (rakor/auth/tenancy.py; any meeting without a user to ask about), a
    delegate of its own agency's only. Otherwise the file could probe references and confirm
    other agencies' draft commitments by the different answer."""
    role = getattr(user, "role", None)
    if role == COMMITTEE:
        return meeting is not None and tenancy.manages(user, meeting)
    return role == DELEGATE and commitment.agency_id == user.agency_id


def _validate_row(row: UpdateRow, context: _Context):
    reference = norm_code(row.values.get("reference"))
    commitment = context.commitments.get(reference)
    if commitment is not None and not context.may_know_of(commitment):
        commitment = None  # another agency's commitment reads exactly as an unknown reference
    if commitment is None:
        row.errors["reference"] = _l("No commitment you may report on has the reference %(ref)s.",
                                     ref=row.values.get("reference"))
        return
    row.commitment = commitment
    try:
        services.check_reporter(commitment, context.user)
    except DomainError as e:
        row.errors["reference"] = e.message
        return
    data = UpdateData(period=row.values.get("period", ""), narrative=row.values.get("narrative") or None,
                      obstacles=row.values.get("obstacles") or None, next_steps=row.values.get("next_steps") or None)
    status_text = row.values.get("status") or ""
    data.status = parse_status(status_text) if status_text else None
    if status_text and data.status is None:
        row.errors["status"] = _l("Unknown status \"%(text)s\"; write Sesuai rencana, Berisiko, Terlambat or "
                                  "Selesai.", text=status_text)
    number = _l("Write a number, e.g. 6,25.")
    data.realised_value = _parsed(row, "realised_value", parse_decimal, number)
    data.percent = _parsed(row, "percent", lambda t: parse_decimal(t.replace("%", "").strip()), number)
    data.physical_percent = _parsed(row, "physical_percent", lambda t: parse_decimal(t.replace("%", "").strip()),
                                    number)
    if "budget_realised" in row.inexact:
        row.errors["budget_realised"] = _l("This amount is too large.")
    else:
        data.budget_realised = _parsed(row, "budget_realised", parse_rupiah,
                                       _l("Write an amount in Rupiah, e.g. 1.250.000.000 or 1,25 M."))
    revision = row.values.get("revision") or ""
    if revision:
        if revision.split(".")[0].isdigit():
            row.expected_revision = int(revision.split(".")[0])
        else:
            row.errors["revision"] = _l("Write the revision as a number, or leave it empty.")
    if services.measurable(commitment) and data.percent is not None and data.realised_value is not None:
        row.warnings.append(("percent", _l("The percent is computed from the realised value; the file's "
                                           "percent is not used.")))
        data.percent = None
    if row.errors:
        return
    meeting = context.meetings[commitment.meeting_id]
    try:
        checked = services.validate(commitment, meeting, data, confirm_percent=context.confirm_percent,
                                    today=context.today)
    except UnconfirmedPercentError as e:
        checked = _as_stored(commitment, meeting, data, context)
        if checked is None:
            row.confirm = True
            row.errors[report_field(e.field)] = e.message
            return
    except DomainError as e:
        row.errors[report_field(e.field)] = e.message
        return
    key = (commitment.id, checked.period.key)
    if key in context.seen:
        row.errors["period"] = _l("The same commitment and period are already on line %(line)d.",
                                  line=context.seen[key])
        return
    context.seen[key] = row.line
    row.period_key = checked.period.key
    existing = context.current.get(key)
    row.current_revision = existing.revision if existing else 0
    if row.expected_revision is not None and row.expected_revision != row.current_revision:
        row.errors["revision"] = _l("The report was changed since this file was made (now revision %(n)d); "
                                    "export it again.", n=row.current_revision)
        return
    if existing is None:
        row.action = "create"
    else:
        row.action = "unchanged" if services.same_as(existing, checked) else "revise"
    row.data = data
