from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, Optional, Regexp

from rakor.core.datetime_fields import DateTimeTextField, TimeTextField
from rakor.core.forms import BaseForm, choices, coerce_optional_int
from rakor.meetings.lifecycle import KIND_LABELS, MeetingStatus

# Time zones offered in the form (any IANA name is accepted).
COMMON_TIMEZONES = ("Asia/Makassar", "Asia/Jakarta", "Asia/Jayapura", "Asia/Pontianak")
# The three zones of Indonesia as people name them; "other" takes any IANA name.
INDONESIAN_ZONES = (("Asia/Jakarta", _l("WIB (Western Indonesia, UTC+7)")),
                    ("Asia/Makassar", _l("WITA (Central Indonesia, UTC+8)")),
                    ("Asia/Jayapura", _l("WIT (Eastern Indonesia, UTC+9)")))
OTHER_ZONE = "other"


class ZoneField(StringField):
    """The meeting's time zone, chosen as WIB / WITA / WIT in a select, or "other" with an IANA
    name typed in the `<name>_other` box beside it. A zone name posted directly (scripts, tests,
    the old free-text form) is taken as it is; the view checks it is a real zone."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data=data, extra_filters=extra_filters)
        if formdata is not None and self.data == OTHER_ZONE:
            self.data = (formdata.get(f"{self.name}_other") or "").strip()

    zones = INDONESIAN_ZONES  # for the template's select

    @property
    def is_listed(self):
        return self.data in dict(INDONESIAN_ZONES)
NIP_HELP = _l("18 digits, optional.")


def _nip(label):
    return StringField(label, validators=[Optional(), Regexp(r"^\s*[0-9]{18}\s*$",
                                                             message=_l("A NIP has exactly 18 digits."))])


class MeetingForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()), default="rakor")
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    field = StringField(_l("Field (bidang)"), validators=[Optional(), Length(max=200)])
    organizer_agency_id = SelectField(_l("Organizer"), coerce=coerce_optional_int,
                                      validators=[DataRequired()])
    timezone = ZoneField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                         default="Asia/Makassar")
    starts_at = DateTimeTextField(_l("Starts"), validators=[DataRequired()])
    ends_at = DateTimeTextField(_l("Ends"), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    chair_name = StringField(_l("Chair (name)"), validators=[Optional(), Length(max=200)])
    chair_position = StringField(_l("Chair (position)"), validators=[Optional(), Length(max=200)])
    chair_nip = _nip(_l("Chair (NIP)"))
    chair_rank = StringField(_l("Chair (rank/grade)"), validators=[Optional(), Length(max=100)])
    minute_taker_name = StringField(_l("Minute-taker (name)"), validators=[Optional(), Length(max=200)])
    minute_taker_position = StringField(_l("Minute-taker (position)"), validators=[Optional(), Length(max=200)])
    minute_taker_nip = _nip(_l("Minute-taker (NIP)"))
    minute_taker_rank = StringField(_l("Minute-taker (rank/grade)"), validators=[Optional(), Length(max=100)])
    signing_place = StringField(_l("Place of signing"), validators=[Optional(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    registration_opens_at = DateTimeTextField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = DateTimeTextField(_l("Registration closes"), validators=[Optional()])
    follow_up_of_id = SelectField(_l("Follow-up of"), coerce=coerce_optional_int,
                                  validators=[Optional()])
    open_end = BooleanField(_l("Open end (until done, \u201cs.d. selesai\u201d)"))
    contact_name = StringField(_l("Committee contact (name)"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("Committee contact (WhatsApp number)"), validators=[Optional(), Length(max=40)])
    dress_code = StringField(_l("Dress code (pakaian)"), validators=[Optional(), Length(max=200)])
    letter_number = StringField(_l("Invitation letter number (nomor surat)"),
                                validators=[Optional(), Length(max=100)])
    online_url = StringField(_l("Online meeting link (hybrid)"), validators=[Optional(), Length(max=500)])


class AgendaItemForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    day = SelectField(_l("Day"))  # one of the meeting's days (SelectField refuses anything else, blank too)
    start_time = TimeTextField(_l("From"), validators=[Optional()])
    end_time = TimeTextField(_l("Until"), validators=[Optional()])
    topic_id = SelectField(_l("Topic"), coerce=coerce_optional_int, validators=[Optional()])
    free_topic = StringField(_l("Other topic"), validators=[Optional(), Length(max=200)])
    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    conclusions = TextAreaField(_l("Conclusions"), validators=[Optional(), Length(max=5000)])


class MaterialForm(BaseForm):
    file = FileField(_l("File"))
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])
    agenda_item_id = SelectField(_l("Belongs to"), coerce=coerce_optional_int, validators=[Optional()])


class TransitionForm(BaseForm):
    to_status = SelectField(_l("New status"),
                            choices=choices((s.value, s.value) for s in MeetingStatus), validators=[DataRequired()])
    expected = HiddenField()
    note = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class RescheduleForm(BaseForm):
    """Moving the meeting: the new start and end (local, in the meeting's zone), whether the
    registration window moves too, and why (kept in the history and told to the agencies)."""

    starts_at = DateTimeTextField(_l("New start"), validators=[DataRequired()])
    ends_at = DateTimeTextField(_l("New end"), validators=[DataRequired()])
    shift_registration = BooleanField(_l("Move the registration window by the same amount"),
                                      default=True)
    reason = TextAreaField(_l("Reason (told to the invited agencies)"),
                           validators=[Optional(), Length(max=1000)])
    # The start the plan was shown for: a move by someone else meanwhile makes the plan stale.
    expected = HiddenField()
    confirm = HiddenField()


class CalendarFeedForm(BaseForm):
    """Make (or replace) the private calendar address, or revoke it (`revoke` set)."""

    revoke = HiddenField()
