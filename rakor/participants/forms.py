from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from rakor.auth.passwords import MAX_LENGTH as PASSWORD_MAX
from rakor.core.datetime_fields import DateTextField
from rakor.core.forms import BaseForm, choices, coerce_optional_int
from rakor.participants.models import LETTER_NATURES

ROLE_LABELS = {
    "peserta": _l("Participant"),
    "narasumber": _l("Speaker"),
    "pimpinan": _l("Chair"),
    "panitia": _l("Committee"),
    "notulis": _l("Minute-taker"),
}
GENDER_LABELS = {"L": _l("Male"), "P": _l("Female")}
STATUS_LABELS = {"registered": _l("Registered"), "cancelled": _l("Cancelled")}


class DelegateForm(BaseForm):
    """What an agency fills in for one of its delegates (invitation link, delegate account)."""

    name = StringField(_l("Name (with titles)"), validators=[DataRequired(), Length(max=200)])
    nip = StringField(_l("NIP"), validators=[Length(max=40)])
    position = StringField(_l("Position"), validators=[Length(max=200)])
    rank = StringField(_l("Rank/grade (pangkat/golongan)"), validators=[Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    gender = SelectField(_l("Gender"), choices=choices([("", "—"), *GENDER_LABELS.items()]),
                         validators=[Optional()])


class ParticipantForm(DelegateForm):
    """The committee's form: any agency, any role, and a quota override with a reason."""

    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[Optional()])
    meeting_role = SelectField(_l("Role in the meeting"), choices=choices(ROLE_LABELS.items()),
                               default="peserta")
    override = BooleanField(_l("Register beyond the agency's quota"))
    override_reason = TextAreaField(_l("Reason for exceeding the quota"), validators=[Length(max=500)])


class SeatsForm(BaseForm):
    seats = StringField(_l("Seats"), validators=[DataRequired(), Length(max=10)])


class QuotaForm(SeatsForm):
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[DataRequired()])


class InvitationForm(BaseForm):
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[DataRequired()])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = StringField(_l("Contact email"), validators=[Length(max=254)])
    expires_on = DateTextField(_l("Link valid until (date)"), validators=[Optional()])


class ClaimAccountForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ImportUploadForm(BaseForm):
    file = FileField(_l("Participant list (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


class ImportConfirmForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])
    # One override for the whole file: rows beyond their agency's quota are imported with this
    # reason recorded on each of those participants.
    override = BooleanField(_l("Import the delegates beyond their agency's quota"))
    # Sent (hidden) by the override form only: the person was asked. Without it a file that
    # became over quota after its preview is a conflict, not a missing tick.
    override_offered = BooleanField()
    override_reason = TextAreaField(_l("Reason for exceeding the quota"), validators=[Length(max=500)])


class WalkInForm(BaseForm):
    """A guest who came without registering, added at the check-in desk."""

    name = StringField(_l("Name (with titles)"), validators=[DataRequired(), Length(max=200)])
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[Optional()])
    position = StringField(_l("Position"), validators=[Length(max=200)])
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=40)])


class InvitationLetterForm(BaseForm):
    nature = SelectField(_l("Nature (sifat)"), choices=choices((n, n) for n in LETTER_NATURES))
    place = StringField(_l("Place of the letter"), validators=[Length(max=100)])
    copies = TextAreaField(_l("Copies to (tembusan), one per line"), validators=[Length(max=3000)])


class LetterNumberForm(BaseForm):
    number = StringField(_l("Number from the central mail office"), validators=[Length(max=100)])
