from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from rakor.core.datetime_fields import DateTextField
from rakor.core.forms import BaseForm


class TokenForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("Access"), choices=[SelectChoice("read", _l("Read only")),
                                               SelectChoice("write", _l("Read and write"))],
                        default="read", validators=[DataRequired()])
    expires_on = DateTextField(_l("Expires on"), validators=[Optional()])
