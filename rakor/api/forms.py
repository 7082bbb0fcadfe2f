from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from rakor.core.datetime_fields import DateTextField
from rakor.core.forms import BaseForm


class TokenForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("Access"), choices=[SelectChoice("read", _l("Read only")),
                                               SelectChoice("write", _l("Read and write"))],
                        default="read")  # the choices validate it; no `required` (vnu: a select
                        # that is required needs an empty first option)
    expires_on = DateTextField(_l("Expires on"), validators=[Optional()])


class WebhookForm(BaseForm):
    url = StringField(_l("URL"), validators=[DataRequired(), Length(max=500)])
    secret = StringField(_l("Secret"), validators=[DataRequired(), Length(min=16, max=200)])
    events = SelectMultipleField(_l("Events"), validators=[DataRequired()], choices=[
        SelectChoice("commitment.agreed", _l("Commitment agreed")),
        SelectChoice("progress.verified", _l("Progress update verified")),
        SelectChoice("minutes.final", _l("Minutes final"))])
    allow_internal = BooleanField(_l("Allow an internal address (loopback, private network)"))
