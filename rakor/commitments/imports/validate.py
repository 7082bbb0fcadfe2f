"""Checking a commitment file against the meeting, row by row, without writing anything.

Names and codes become ids from lists loaded once (agencies and regions, topics, the meeting's
agenda and commitments); every row's content then goes through `services.validate`, the rules
the form obeys (an agency not invited, an unknown programme code, a target equal to the
baseline...), so an import can neither do more nor less than the form.

A row with a `reference` of this meeting updates that commitment: columns the file does not
have keep their values, an empty cell clears one, and a row that changes nothing is left alone
(exporting and importing the same file writes nothing). A reference of another meeting, or one
that does not exist, is refused: importing into the wrong meeting must not duplicate or move
commitments; clearing the cell adds the row as a new commitment.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.commitments import services
from rakor.commitments.imports.columns import SPEC
from rakor.commitments.imports.values import (
    parse_date,
    parse_funding_source,
    parse_status,
    parse_year,
)
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment, IndicatorBaseline
from rakor.commitments.services import CONTENT_FIELDS, CommitmentData, UnconfirmedDirectionError
from rakor.core import tabular
from rakor.core.errors import DomainError
from rakor.core.numbers import NumberFormatError, parse_decimal, parse_rupiah
from rakor.core.tabular import Directory, ImportReport, Lookup, RowResult, Table, norm_code, norm_name
from rakor.extensions import db
from rakor.meetings.models import AgendaItem, Meeting, Topic
from rakor.regions.models import Agency, Programme, Region

S = CommitmentStatus
# A service's field -> the column it is reported under.
REPORT_FIELDS = {"agency_id": "agency", "agenda_item_id": "agenda_item", "topic_id": "topic",
                 "indicator_id": "indicator", "reason": "row", "note": "row", None: "row"}
TEXT_FIELDS = ("title", "description", "responsible_office", "contact_person")
NUMBER_MESSAGE = _l("Write a number, e.g. 6,25.")
RUPIAH_MESSAGE = _l("Write an amount in Rupiah, e.g. 1.250.000.000 or 1,25 M.")


def report_field(service_field):
    return REPORT_FIELDS.get(service_field, service_field)


@dataclass
class CommitmentRow(RowResult):
    """A row and what the import will do with it: add a commitment (`commitment` is None),
    change the one its reference names (`changes`: the fields that differ), agree it (`agree`),
    or nothing."""

    agency: Agency | None = None
    commitment: Commitment | None = None
    version: int | None = None  # of `commitment` when the file was checked
    new_status: S | None = None  # of a new commitment: submitted, or agreed when the file says so
    changes: list = field(default_factory=list)
    agree: bool = False
    direction: bool = False  # refused only for a target in the worse direction, until confirmed

    @property
    def action(self):
        if self.commitment is None:
            return "create"
        return "update" if self.changes or self.agree else "unchanged"


class _Context:
    """What every row is checked against, loaded once (eight queries). `services.validate` then
    finds agencies, topics, agenda items and programmes in the session's identity map (the
    lists here keep them alive) and asks one query per row, does the agency take part, and a
    second for an indicator the region has no official value of."""

    def __init__(self, meeting: Meeting, confirm_direction: bool):
        self.meeting, self.confirm_direction = meeting, confirm_direction
        agencies = db.session.scalars(select(Agency)).all()
        self.agencies = {a.id: a for a in agencies}
        self.directory = Directory(agencies, db.session.scalars(select(Region)).all())
        topics = db.session.scalars(select(Topic)).all()
        self.topics = Lookup(topics, names=lambda t: (t.name, t.name_en), codes=lambda t: [t.code])
        self.indicators = Lookup([t for t in topics if t.is_indicator], names=lambda t: (t.name, t.name_en),
                                 codes=lambda t: [t.code])
        items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
        self.items = Lookup(items, names=lambda i: [i.title], codes=lambda i: [str(i.position)])
        commitments = db.session.scalars(select(Commitment).where(Commitment.meeting_id == meeting.id)).all()
        self.by_reference = {norm_code(c.reference): c for c in commitments}
        self.programmes = db.session.scalars(select(Programme)).all()
        self.baselines = {}
        for b in db.session.scalars(select(IndicatorBaseline).order_by(IndicatorBaseline.year)):
            self.baselines[(b.region_id, b.topic_id)] = b  # the latest year wins
        self.titles = {(c.agency_id, norm_name(c.title)): c.reference for c in commitments
                       if c.status != S.WITHDRAWN}
        self.file_references, self.file_titles = {}, {}

    def other_meeting(self, reference):
        """The meeting of another meeting's commitment with this reference, or None."""
        return db.session.scalar(select(Meeting).join(Commitment, Commitment.meeting_id == Meeting.id)
                                 .where(Commitment.reference == reference.strip().upper()))


def validate(meeting: Meeting, table: Table, filename=None, *, confirm_direction=False) -> ImportReport:
    report = tabular.new_report(SPEC, table, filename=filename, meeting_id=meeting.id)
    keys = report.positions
    if not {"agency", "region_code", "region_name", "reference"} & set(keys):
        report.file_errors.append(_l("The file needs an agency column (Instansi) or a region column "
                                     "(Kode Wilayah or Kabupaten/Kota)."))
    try:
        services.check_meeting_open(meeting, amendment=True)
    except DomainError as e:
        report.file_errors.append(e.message)
    if report.file_errors:
        return report
    context = _Context(meeting, confirm_direction)
    for row in tabular.data_rows(report, table, CommitmentRow):
        _validate_row(row, set(keys), context)
    return report


def _validate_row(row: CommitmentRow, present: set, context: _Context):
    existing = _existing(row, context)
    data = CommitmentData.of(existing) if existing else CommitmentData(title="")
    _read_agency(row, data, present, context)
    _read_names(row, data, present, context)
    _read_values(row, data, present)
    wanted = _read_status(row, present)
    if row.errors:
        return
    _official_baseline(data, context)
    try:
        services.validate(context.meeting, data, confirm_direction=context.confirm_direction)
    except UnconfirmedDirectionError as e:
        row.direction = True
        row.errors[report_field(e.field)] = e.message
        return
    except DomainError as e:
        row.errors[report_field(e.field)] = e.message
        return
    if existing is None:
        _check_new(row, data, wanted, context)
    else:
        _check_update(row, data, wanted, existing, context)
    if not row.errors:
        row.data = data


def _official_baseline(data, context):
    """The latest official value as the baseline when none is typed, as `services.validate`
    would fill it, from the values loaded once."""
    agency = context.agencies.get(data.agency_id)
    if data.indicator_id is None or data.baseline_value is not None or agency is None:
        return
    official = context.baselines.get((agency.region_id, data.indicator_id))
    if official is not None:
        data.baseline_value, data.baseline_year = official.value, official.year


def _existing(row, context):
    reference = row.values.get("reference")
    if not reference:
        return None
    key = norm_code(reference)
    if key in context.file_references:
        row.errors["reference"] = _l("The same reference is already on line %(line)d of this file.",
                                     line=context.file_references[key])
        return None
    context.file_references[key] = row.line
    existing = context.by_reference.get(key)
    if existing is not None:
        row.commitment, row.version = existing, existing.version
        return existing
    other = context.other_meeting(reference)
    if other is not None:
        row.errors["reference"] = _l(
            "%(ref)s is a commitment of another meeting (%(meeting)s). Clear the reference to add "
            "this row as a new commitment of this meeting.", ref=reference, meeting=other.title)
    else:
        row.errors["reference"] = _l(
            "No commitment of this meeting has the reference %(ref)s. Clear the reference to add "
            "this row as a new commitment.", ref=reference)
    return None


def _read_agency(row, data, present, context):
    values = row.values
    agency_text = values.get("agency", "")
    region_text = values.get("region_code") or values.get("region_name") or ""
    if row.commitment is not None and not (agency_text or region_text):
        row.agency = context.agencies.get(data.agency_id)
        return  # an update without an agency keeps the commitment's
    agency, fieldname, error, warning = context.directory.find_agency(agency_text, region_text)
    if error:
        row.errors[fieldname] = error
        return
    if warning:
        row.warnings.append(("agency", warning))
    row.agency = agency
    if row.commitment is not None and agency.id != row.commitment.agency_id:
        row.errors["agency"] = _l("A commitment stays with its agency; withdraw it and add a new one for "
                                  "the other agency.")
        return
    data.agency_id = agency.id


def _find(row, key, lookup, text, *, none, many):
    """The one item `text` names in `lookup`, else None with an error on `key`."""
    found, loose = lookup.find(text)
    if len(found) == 1:
        if loose:
            row.warnings.append((key, _l("\"%(text)s\" read as %(name)s.", text=text, name=_name(found[0]))))
        return found[0]
    if found:
        row.errors[key] = many
    else:
        row.errors[key] = none
    return None


def _name(item):
    return getattr(item, "name", None) or getattr(item, "title", "")


def _read_names(row, data, present, context):
    values = row.values
    if "agenda_item" in present:
        text = values.get("agenda_item")
        item = text and _find(row, "agenda_item", context.items, text,
                              none=_l("No agenda item of this meeting is called \"%(text)s\"; write its "
                                      "title or its number in the agenda.", text=text),
                              many=_l("\"%(text)s\" matches several agenda items; write the number of "
                                      "the item in the agenda.", text=text))
        data.agenda_item_id = item.id if item else None
    if "topic" in present:
        text = values.get("topic")
        topic = text and _find(row, "topic", context.topics, text,
                               none=_l("No topic is called \"%(text)s\".", text=text),
                               many=_l("\"%(text)s\" matches several topics; write the topic's code.",
                                       text=text))
        data.topic_id = topic.id if topic else None
    if "indicator" in present:
        text = values.get("indicator")
        indicator = None
        if text:
            if context.indicators.find(text)[0] or not context.topics.exact(text):
                indicator = _find(row, "indicator", context.indicators, text,
                                  none=_l("No indicator is called \"%(text)s\".", text=text),
                                  many=_l("\"%(text)s\" matches several indicators; write the "
                                          "indicator's code.", text=text))
            else:
                row.errors["indicator"] = _l("Choose an indicator with a numeric measure.")
        data.indicator_id = indicator.id if indicator else None
    if "programme_code" in present:
        data.programme_code = (values.get("programme_code") or "").replace(" ", "").upper() or None


def _read_values(row, data, present):
    values = row.values
    for name in TEXT_FIELDS:
        if name in present:
            setattr(data, name, values.get(name) or None)
    for name in ("baseline_value", "target_value"):
        if name in present:
            setattr(data, name, _parsed(row, name, parse_decimal, NumberFormatError, NUMBER_MESSAGE))
    for name in ("baseline_year", "budget_year"):
        if name in present:
            setattr(data, name, _parsed(row, name, parse_year, ValueError, _l("Write a year, e.g. 2024.")))
    if "target_date" in present:
        data.target_date = _parsed(row, "target_date", parse_date, ValueError,
                                   _l("Write a date, e.g. 2024-12-31 or 31/12/2024."))
    if "budget" in present:
        if "budget" in row.inexact:  # Excel keeps 15 digits: the amount was already rounded
            row.errors["budget"] = _l("This amount is too large.")
        else:
            data.budget = _parsed(row, "budget", parse_rupiah, NumberFormatError, RUPIAH_MESSAGE)
    if "funding_source" in present:
        text = row.values.get("funding_source")
        data.funding_source = parse_funding_source(text) if text else None
        if text and data.funding_source is None:
            row.errors["funding_source"] = _l("Unknown funding source \"%(text)s\"; write APBD, APBN/DAK, "
                                              "APBDes, CSR or Lainnya.", text=text)


def _parsed(row, name, parse, error_class, message):
    text = row.values.get(name)
    if not text:
        return None
    try:
        return parse(text)
    except error_class:
        row.errors[name] = message
        return None


def _read_status(row, present):
    text = row.values.get("status") if "status" in present else ""
    if not text:
        return None
    status = parse_status(text)
    if status is None:
        row.errors["status"] = _l("Unknown status \"%(text)s\"; write Disepakati (agreed) or Diajukan "
                                  "(submitted).", text=text)
    return status


def _check_new(row, data, wanted, context):
    try:
        services.check_meeting_open(context.meeting)
    except DomainError as e:
        row.errors["row"] = e.message
        return
    if wanted == S.WITHDRAWN:
        row.errors["status"] = _l("A withdrawn commitment is not imported as a new one; remove the row.")
        return
    # The file's status is taken over (an export re-imported elsewhere keeps its drafts and the
    # commitments the committee sent back); a row without one is submitted.
    row.new_status = wanted or S.SUBMITTED
    key = (data.agency_id, norm_name(data.title))
    if key in context.titles:
        row.warnings.append(("title", _l("This agency already has a commitment with this title (%(ref)s); "
                                         "check this is not a double entry.", ref=context.titles[key])))
    elif key in context.file_titles:
        row.warnings.append(("title", _l("The same agency and title are already on line %(line)d.",
                                         line=context.file_titles[key])))
    context.file_titles.setdefault(key, row.line)


def _check_update(row, data, wanted, existing, context):
    before = CommitmentData.of(existing)
    row.changes = [report_field(name) for name in CONTENT_FIELDS if getattr(before, name) != getattr(data, name)]
    current = S(existing.status)
    if wanted is not None and wanted != current:
        if wanted == S.AGREED and current == S.SUBMITTED:
            row.agree = True
        else:
            row.warnings.append(("status", _l("An import does not change the status (now %(status)s); "
                                              "decide on the commitment's page.", status=current.label)))
    if not (row.changes or row.agree):
        return
    if current == S.WITHDRAWN:
        row.errors["row"] = _l("A withdrawn commitment no longer changes.")
        return
    try:
        services.check_meeting_open(context.meeting, amendment=current == S.AGREED)
    except DomainError as e:
        row.errors["row"] = e.message
