"""The commitment form: numbers and Rupiah typed the Indonesian way, a searchable programme
code, and the two confirmations the workflow can ask for (a target in the worse direction, a
reason for amending an agreed commitment)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from rakor.commitments.lifecycle import FUNDING_SOURCES
from rakor.core.datetime_fields import DateTextField
from rakor.core.forms import BaseForm, choices, coerce_optional_int
from rakor.core.numbers import NumberFormatError, NumberTooLargeError, parse_decimal, parse_rupiah


class _ParsedField(StringField):
    """A text box whose value is parsed on submit; what was typed stays in the box when it
    cannot be read, with a message saying how to write it."""

    parse = staticmethod(parse_decimal)
    message = _l("Write a number, e.g. 6,25.")
    too_large = _l("This value is too large.")

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw and self.raw.strip():
            try:
                self.data = self.parse(self.raw)
            except NumberTooLargeError:
                self.data = None
                raise ValueError(self.too_large) from None
            except NumberFormatError:
                self.data = None
                raise ValueError(self.message) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.format(self.data) if self.data is not None else ""

    @staticmethod
    def format(value):
        text = format(value.normalize(), "f")
        return text.replace(".", ",")


class DecimalTextField(_ParsedField):
    pass


class RupiahField(_ParsedField):
    parse = staticmethod(parse_rupiah)
    message = _l("Write an amount in Rupiah, e.g. 1.250.000.000 or 1,25 M.")
    too_large = _l("This amount is too large.")

    @staticmethod
    def format(value):
        return f"{int(value):,}".replace(",", ".")


class CommitmentForm(BaseForm):
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[Optional()])
    agenda_item_id = SelectField(_l("Agenda item"), coerce=coerce_optional_int, validators=[Optional()])
    topic_id = SelectField(_l("Topic"), coerce=coerce_optional_int, validators=[Optional()])
    title = StringField(_l("Programme or activity"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    programme_code = StringField(_l("Programme code (national nomenclature)"),
                                 validators=[Optional(), Length(max=200)])
    indicator_id = SelectField(_l("Indicator"), coerce=coerce_optional_int, validators=[Optional()])
    baseline_value = DecimalTextField(_l("Baseline"), validators=[Optional()])
    baseline_year = IntegerField(_l("Baseline year"), validators=[Optional(), NumberRange(2000, 2100)])
    target_value = DecimalTextField(_l("Target"), validators=[Optional()])
    target_date = DateTextField(_l("Target date"), validators=[Optional()])
    responsible_office = StringField(_l("Responsible office (OPD)"), validators=[Optional(), Length(max=200)])
    contact_person = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    budget = RupiahField(_l("Budget (Rp)"), validators=[Optional()])
    funding_source = SelectField(_l("Funding source"), validators=[Optional()],
                                 choices=choices([("", "—"), *FUNDING_SOURCES.items()]))
    budget_year = IntegerField(_l("Budget year"), validators=[Optional(), NumberRange(2000, 2100)])
    confirm_direction = BooleanField(_l("Yes, the target is meant to be on this side of the baseline"))
    reason = TextAreaField(_l("Reason for the amendment"), validators=[Optional(), Length(max=1000)])
    version = HiddenField()

    def expected_version(self):
        """The version the user edited, or None when the form carries none (a blank, crafted
        or cut-off submission): such an edit is refused, never saved without the check."""
        value = str(self.version.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() else None


MISSING_VERSION = _l("This form does not say which version of the commitment you edited, so it "
                     "cannot be checked against changes made meanwhile. Open the commitment again "
                     "and make your change there.")


class DecisionForm(BaseForm):
    """Submit, agree, return (with a comment) or withdraw; `expected` is the status the user saw."""

    note = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    expected = HiddenField()


class SignatoryForm(BaseForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=18)])
    rank = StringField(_l("Rank/grade (pangkat/golongan)"), validators=[Optional(), Length(max=100)])


DIRECTIONS = {"": _l("— no numeric measure —"), "lower": _l("Lower is better"), "higher": _l("Higher is better")}


class IndicatorForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name (Indonesian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    is_indicator = BooleanField(_l("Measured by a number (an indicator)"))
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    direction = SelectField(_l("Direction"), choices=choices(DIRECTIONS.items()), validators=[Optional()])
    decimals = IntegerField(_l("Decimals"), default=2, validators=[Optional(), NumberRange(0, 4)])
    default_source = StringField(_l("Usual source of official values"), validators=[Optional(), Length(max=200)])


class BulkDecisionForm(BaseForm):
    """Agree or return the ticked commitments (`item` = "<id>:<version>", read by the view)."""

    action = SelectField(choices=choices([("agree", "agree"), ("return", "return")]),
                         validators=[DataRequired()])
    note = TextAreaField(_l("Reason for returning (sent to each delegate)"),
                         validators=[Optional(), Length(max=1000)])


class BaselineForm(BaseForm):
    """One official baseline value (the region, indicator and year stay as loaded)."""

    value = DecimalTextField(_l("Value"), validators=[InputRequired(_l("The value is required."))])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=200)])
