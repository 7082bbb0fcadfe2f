"""Marshmallow schemas of the API: they validate input (unknown fields refused, marshmallow's
default) and document output in the generated OpenAPI description.

Views pass input schemas to `blp.arguments` as instances (`schemas.CommitmentListArgs()`), not
classes: webargs builds a class's instance on every request (a marshmallow Schema's __init__
deep-copies its fields: about a tenth of a list request's Python calls); an instance is
stateless and reused. The OpenAPI description is the same either way."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from rakor.api.fields import DecimalString
from rakor.commitments.lifecycle import FUNDING_SOURCES
from rakor.commitments.models import COMMITMENT_STATUSES
from rakor.meetings.models import MEETING_KINDS

MAX_PAGE = 100


# marshmallow's validators with messages of this catalog (their own are formatted English).
def one_of(choices):
    return validate.OneOf(choices, error=_l("Must be one of: {choices}."))


def between(low, high):
    return validate.Range(low, high, error=_l("Must be between {min} and {max}."))


def length(min=None, max=None):
    if min:
        return validate.Length(min=min, max=max, error=_l("Must be between {min} and {max} characters long."))
    return validate.Length(max=max, error=_l("At most {max} characters."))


def pattern(regex):
    return validate.Regexp(regex, error=_l("Not in the expected format."))

DEFAULT_PAGE = 50
MEETING_STATUSES = ("draft", "scheduled", "held", "minutes_final", "cancelled")
UPDATE_STATUSES = ("on_track", "at_risk", "late", "done")
REVIEW_STATUSES = ("submitted", "verified", "returned")


class Strict(Schema):
    """Output schemas describe; input schemas (below) refuse unknown fields."""


# --- query arguments ------------------------------------------------------------------------

class PageArgs(Schema):
    cursor = fields.String(validate=length(max=40), metadata={
        "description": "`next_cursor` of the previous page."})
    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=between(1, MAX_PAGE))


class MeetingListArgs(PageArgs):
    year = fields.Integer(validate=between(2000, 2100))
    kind = fields.String(validate=one_of(MEETING_KINDS))
    organizer = fields.Integer(validate=between(1, 2**31 - 1),
                               metadata={"description": "Organizing agency id."})
    status = fields.String(validate=one_of(MEETING_STATUSES))


class CommitmentListArgs(PageArgs):
    meeting = fields.Integer(validate=between(1, 2**31 - 1))
    region = fields.String(validate=pattern(r"^[0-9]{2}(\.[0-9]{2}){0,3}$"), metadata={
        "description": "Kemendagri region code, e.g. 63.02 (Kotabaru)."})
    indicator = fields.String(validate=pattern(r"^[A-Z_]{1,40}$"),
                              metadata={"description": "Indicator code, e.g. KEMISKINAN."})
    programme_code = fields.String(validate=pattern(r"^[0-9A-Za-z.]{1,12}$"), metadata={
        "description": "A programme code or its prefix (1.02 = every programme of 1.02)."})
    status = fields.String(validate=one_of(COMMITMENT_STATUSES))
    year = fields.Integer(validate=between(2000, 2100),
                          metadata={"description": "The year of the meeting."})


class ProgressListArgs(PageArgs):
    period = fields.String(validate=pattern(r"^[0-9]{4}-Q[1-4]$"),
                           metadata={"description": "A quarter, e.g. 2024-Q3."})
    history = fields.Boolean(load_default=False,
                             metadata={"description": "Include corrected (earlier) revisions."})


class ReferenceListArgs(PageArgs):
    pass


# --- output ---------------------------------------------------------------------------------

class Ref(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class RegionOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Kemendagri code"})
    bps_code = fields.String(allow_none=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    parent_code = fields.String(allow_none=True)


class AgencyOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    region_code = fields.String(required=True)
    is_planning_agency = fields.Boolean(required=True)


class IndicatorOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(allow_none=True)
    direction = fields.String(allow_none=True)


class ProgrammeOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    urusan = fields.String(required=True)
    bidang = fields.String(required=True)


class MeetingOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    field = fields.String(allow_none=True)
    status = fields.String(required=True)
    organizer = fields.Nested(Ref, required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    timezone = fields.String(required=True)
    venue = fields.String(required=True)
    city = fields.String(allow_none=True)
    follow_up_of_id = fields.Integer(allow_none=True)
    url = fields.String(required=True)


class AgendaItemOut(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    title = fields.String(required=True)
    topic = fields.String(allow_none=True)
    presenter = fields.String(allow_none=True)
    description = fields.String(allow_none=True)


class CommitmentOut(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    version = fields.Integer(required=True)
    meeting_id = fields.Integer(required=True)
    agency = fields.Nested(Ref, required=True)
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    programme_code = fields.String(allow_none=True)
    programme_name = fields.String(allow_none=True)
    indicator = fields.String(allow_none=True, metadata={"description": "Indicator code"})
    baseline_value = DecimalString(allow_none=True)
    baseline_year = fields.Integer(allow_none=True)
    target_value = DecimalString(allow_none=True)
    target_date = fields.Date(allow_none=True)
    responsible_office = fields.String(allow_none=True)
    contact_person = fields.String(allow_none=True)
    budget = DecimalString(places=2, allow_none=True)
    funding_source = fields.String(allow_none=True)
    budget_year = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    review_note = fields.String(allow_none=True)
    agreed_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(required=True)


class ProgressOut(Schema):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    commitment_id = fields.Integer(required=True)
    period = fields.String(required=True)
    revision = fields.Integer(required=True)
    is_current = fields.Boolean(required=True)
    status = fields.String(required=True)
    realised_value = DecimalString(allow_none=True)
    percent_achieved = DecimalString(places=2, allow_none=True)
    budget_realised = DecimalString(places=2, allow_none=True)
    narrative = fields.String(allow_none=True)
    obstacles = fields.String(allow_none=True)
    next_steps = fields.String(allow_none=True)
    review_status = fields.String(required=True)
    review_note = fields.String(allow_none=True)
    reported_at = fields.DateTime(required=True)


def page_schema(item_schema, name):
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(allow_none=True, required=True),
    })


MeetingPage = page_schema(MeetingOut, "MeetingPage")
CommitmentPage = page_schema(CommitmentOut, "CommitmentPage")
ProgressPage = page_schema(ProgressOut, "ProgressPage")
RegionPage = page_schema(RegionOut, "RegionPage")
AgencyPage = page_schema(AgencyOut, "AgencyPage")
IndicatorPage = page_schema(IndicatorOut, "IndicatorPage")
ProgrammePage = page_schema(ProgrammeOut, "ProgrammePage")


class AgendaOut(Schema):
    items = fields.List(fields.Nested(AgendaItemOut), required=True)


# --- input ----------------------------------------------------------------------------------

def _text(n, **kw):
    return fields.String(validate=length(max=n), allow_none=True, **kw)


class CommitmentIn(Schema):
    """A commitment's content. On create a delegate's `agency_id` must be its own agency."""

    meeting_id = fields.Integer(required=True, validate=between(1, 2**31 - 1))
    agency_id = fields.Integer(validate=between(1, 2**31 - 1),
                               metadata={"description": "Default: the delegate's own agency."})
    title = fields.String(required=True, validate=length(min=1, max=300))
    description = _text(5000)
    programme_code = _text(12)
    indicator = fields.String(allow_none=True, validate=pattern(r"^[A-Z_]{1,40}$"),
                              metadata={"description": "Indicator code, e.g. KEMISKINAN."})
    baseline_value = DecimalString(allow_none=True)
    baseline_year = fields.Integer(allow_none=True, validate=between(2000, 2100))
    target_value = DecimalString(allow_none=True)
    target_date = fields.Date(allow_none=True)
    responsible_office = _text(200)
    contact_person = _text(200)
    budget = DecimalString(places=2, allow_none=True)
    funding_source = fields.String(allow_none=True, validate=one_of(FUNDING_SOURCES))
    budget_year = fields.Integer(allow_none=True, validate=between(2000, 2100))
    submit = fields.Boolean(load_default=False, metadata={"description": "Submit at once."})
    confirm_direction = fields.Boolean(load_default=False, metadata={
        "description": "Confirm a target on the worse side of the baseline."})


class CommitmentEdit(CommitmentIn):
    reason = _text(1000, metadata={"description": "Required when the committee amends an "
                                                  "agreed commitment."})

    class Meta:
        exclude = ("meeting_id", "agency_id", "submit")


class NoteIn(Schema):
    note = _text(2000)


class ProgressIn(Schema):
    period = fields.String(required=True, validate=length(min=1, max=40), metadata={
        "description": "A quarter (2024-Q3, Triwulan III 2024) or a date (2024-09-30)."})
    status = fields.String(required=True, validate=one_of(UPDATE_STATUSES))
    realised_value = DecimalString(allow_none=True)
    percent = DecimalString(places=2, allow_none=True, metadata={
        "description": "Percent achieved, only where none can be computed from the indicator."})
    budget_realised = DecimalString(places=2, allow_none=True)
    narrative = _text(5000)
    obstacles = _text(5000)
    next_steps = _text(5000)
    confirm_percent = fields.Boolean(load_default=False)


class ParticipantOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    position = fields.String(allow_none=True)
    agency = fields.Nested(Ref, required=True)
    role = fields.String(required=True)
    checked_in = fields.Boolean(required=True)


class AgencyCount(Schema):
    agency = fields.Nested(Ref, required=True)
    registered = fields.Integer(required=True)


class ParticipantsOut(Schema):
    counts = fields.List(fields.Nested(AgencyCount), required=True)
    participants = fields.List(fields.Nested(ParticipantOut), required=True)


class DashboardArgs(Schema):
    meeting = fields.Integer(validate=between(1, 2**31 - 1))
    period = fields.String(validate=pattern(r"^[0-9]{4}-Q[1-4]$"))
    region = fields.String(validate=pattern(r"^[0-9]{2}(\.[0-9]{2}){0,3}$"))
    topic = fields.String(validate=pattern(r"^[A-Z_]{1,40}$"), metadata={"description": "Topic code"})


class Cell(Schema):
    commitments = fields.Integer(required=True)
    reported = fields.Integer(required=True)
    measured = fields.Integer(required=True)
    average_percent = DecimalString(places=1, allow_none=True, required=True)


class RegionCell(Cell):
    code = fields.String(required=True)
    name = fields.String(required=True)


class TopicCell(Cell):
    name = fields.String(allow_none=True, required=True)


class DashboardOut(Schema):
    due_quarter = fields.String(allow_none=True, required=True)
    overdue = fields.Integer(allow_none=True, required=True)
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    total = fields.Nested(Cell, required=True)
    by_region = fields.List(fields.Nested(RegionCell), required=True)
    by_topic = fields.List(fields.Nested(TopicCell), required=True)


class MinutesRecordOut(Schema):
    meeting_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    finalised_at = fields.DateTime(required=True)
    sha256 = fields.String(allow_none=True, required=True, metadata={
        "description": "SHA-256 of the stored PDF; null until the PDF is first downloaded."})
    verification_code = fields.String(allow_none=True, required=True)
    verification_url = fields.String(allow_none=True, required=True)
