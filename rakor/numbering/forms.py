from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from rakor.core.forms import BaseForm


class SchemeForm(BaseForm):
    template = StringField(_l("Number template"), validators=[DataRequired(), Length(max=90)])
    invitation_template = StringField(_l("Invitation letter"), validators=[Length(max=90)])
    agreement_template = StringField(_l("Agreement record (berita acara)"), validators=[Length(max=90)])
    minutes_template = StringField(_l("Minutes (notulen)"), validators=[Length(max=90)])
    monitoring_template = StringField(_l("Monitoring report"), validators=[Length(max=90)])


class ManualNumberForm(BaseForm):
    number = StringField(_l("Number from the central mail office"), validators=[DataRequired(), Length(max=100)])
