"""The minutes form: the meeting's opening, overall conclusions and closing, and for each
agenda item its discussion and conclusions. Its fields depend on the agenda, so the class is
built per meeting (`minutes_form(agenda)`); names are `item_<id>_discussion` and
`item_<id>_conclusions`."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from rakor.core.forms import BaseForm, coerce_optional_int
from rakor.minutes.content import ITEM_SECTIONS, MAX_SECTION_CHARS, MEETING_SECTIONS, item_notes, normalise
from rakor.minutes.services import REASON_MAX

_TOO_LONG = _l("At most %(max)d characters per section; shorten this text.")


def _text_area(label):
    return TextAreaField(label, validators=[Optional(), Length(max=MAX_SECTION_CHARS, message=_TOO_LONG)])


class _MinutesForm(BaseForm):
    expected_revision_id = HiddenField()
    reason = StringField(_l("Reason for the new version"), validators=[Optional(), Length(max=REASON_MAX)])
    opening = _text_area(_l("Opening"))
    conclusions = _text_area(_l("Overall conclusions"))
    closing = _text_area(_l("Closing"))

    def expected_revision(self):
        try:
            return coerce_optional_int(self.expected_revision_id.data)
        except ValueError:
            return -1  # a mangled value is a conflict, never "no revision"


def field_name(item_id, section):
    return f"item_{item_id}_{section}"


def minutes_form(agenda):
    """A form class with the sections of `agenda`."""
    fields = {}
    for item in agenda:
        fields[field_name(item.id, "discussion")] = _text_area(_l("Discussion"))
        fields[field_name(item.id, "conclusions")] = _text_area(_l("Conclusions"))
    return type("MinutesForm", (_MinutesForm,), fields)


def body_from_form(form, agenda):
    return {
        **{name: form[name].data or "" for name in MEETING_SECTIONS},
        "items": {str(item.id): {s: form[field_name(item.id, s)].data or "" for s in ITEM_SECTIONS}
                  for item in agenda},
    }


def form_data_from_body(body, agenda, expected_revision_id):
    body = normalise(body)
    data = {name: body[name] for name in MEETING_SECTIONS}
    for item in agenda:
        notes = item_notes(body, item.id)
        for s in ITEM_SECTIONS:
            data[field_name(item.id, s)] = notes[s]
    data["expected_revision_id"] = "" if expected_revision_id is None else str(expected_revision_id)
    return data


class FinaliseForm(BaseForm):
    expected_revision_id = HiddenField()
