from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from rakor.core.forms import BaseForm, choices, coerce_optional_int
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    COMMITTEE: _l("Committee"),
    DELEGATE: _l("Delegate"),
    LEADERSHIP: _l("Leadership"),
}


# In the role select, least access first. A new account starts as a delegate: it sees only the
# meetings its agency is invited to and acts for that agency alone, and it cannot be saved
# without an agency, so an admin who skips the field gets a question, not an account that reads
# more than it should. Leadership reads every meeting and every agency's delegates, so it is
# not the least privileged, although it changes nothing.
ROLES_LEAST_FIRST = (DELEGATE, LEADERSHIP, COMMITTEE, ADMIN)


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254), Email()])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES_LEAST_FIRST),
                       default=DELEGATE)
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[Optional()])
    # Tenancy (issue 22): the agencies a committee user also organises for, or a leadership user
    # also oversees, beside its own (a provincial secretariat helping a regency).
    extra_agency_ids = SelectMultipleField(_l("Also acts for these agencies"), coerce=int,
                                           validators=[Optional()])


class AgencyForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=60)])
    region_id = SelectField(_l("Region"), coerce=coerce_optional_int, validators=[DataRequired()])
    address = StringField(_l("Address (for the letterhead)"), validators=[Length(max=300)])
    phone = StringField(_l("Office phone"), validators=[Length(max=40)])
    website = StringField(_l("Website"), validators=[Length(max=200)])
    email = StringField(_l("Office e-mail"), validators=[Length(max=254)])
    head_position = StringField(_l("Position (jabatan)"), validators=[Length(max=200)])
    head_name = StringField(_l("Name of the head of the agency"), validators=[Length(max=200)])
    head_rank = StringField(_l("Rank (pangkat/golongan)"), validators=[Length(max=100)])
    head_nip = StringField(_l("NIP"), validators=[Length(max=24)])
    logo = FileField(_l("Logo (PNG or JPEG, for the letterhead)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class RegionAbbreviationsForm(BaseForm):
    abbreviations = TextAreaField(_l("Abbreviations"), validators=[Length(max=600)])


class OfficeForm(BaseForm):
    """An office (OPD, dinas) under a planning agency (tenancy, issue 22)."""

    parent_id = SelectField(_l("Under"), coerce=coerce_optional_int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=60)])


class ContactForm(BaseForm):
    """A person in an agency's address book."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position (jabatan)"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    whatsapp = StringField(_l("WhatsApp number"), validators=[Optional(), Length(max=40)])
    is_primary = BooleanField(_l("Primary contact (invitations go to this person)"))
