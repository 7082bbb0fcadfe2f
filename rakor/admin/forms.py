from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from rakor.core.forms import BaseForm, choices, coerce_optional_int
from rakor.policy import ADMIN, COMMITTEE, DELEGATE, LEADERSHIP

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    COMMITTEE: _l("Committee"),
    DELEGATE: _l("Delegate"),
    LEADERSHIP: _l("Leadership"),
}


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254), Email()])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    agency_id = SelectField(_l("Agency"), coerce=coerce_optional_int, validators=[Optional()])


class NewUserForm(UserForm):
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=128)])


class AgencyForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=60)])
    region_id = SelectField(_l("Region"), coerce=coerce_optional_int, validators=[DataRequired()])
    address = StringField(_l("Address (for the letterhead)"), validators=[Length(max=300)])
    phone = StringField(_l("Office phone"), validators=[Length(max=40)])
    website = StringField(_l("Website"), validators=[Length(max=200)])
    logo = FileField(_l("Logo (PNG or JPEG, for the letterhead)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class RegionAbbreviationsForm(BaseForm):
    abbreviations = TextAreaField(_l("Abbreviations"), validators=[Length(max=600)])
