"""Form helpers shared by every feature.

Every form derives from BaseForm, which is where typed input is made safe once for all of
them: text fields are cleaned (`core.text.clean_text`) and stripped, date fields accept only
the supported range (`core.dates`), and a field that is sent something other than text (a file
in a multipart request, a number or list in JSON) gets a validation error instead of reaching
code that expects a string.
"""
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField as FlaskFileField
from flask_wtf.file import MultipleFileField as FlaskMultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateTimeField,
    FieldList,
    FileField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from rakor.core import dates
from rakor.core.text import clean_text

WRONG_TYPE = _l("Invalid value.")
# Control, bidi and zero-width characters are removed silently rather than refused: nobody
# types them on purpose (they come from copy-paste or from a probe), Indonesian names need
# none of them, and refusing would leave the user staring at an error about a character
# they cannot see. A password is a secret compared as typed; a hidden field is not typed.
_NOT_CLEANED = (PasswordField, HiddenField)


def single_line_filter(value):
    return clean_text(value).strip() if isinstance(value, str) else value


def multi_line_filter(value):
    return clean_text(value, multiline=True).strip() if isinstance(value, str) else value


def text_filter_for(field_class):
    """The cleaning filter of a field class, or None for fields that do not hold typed text.
    By class (subclasses included), so a project-specific text field is cleaned too."""
    if not issubclass(field_class, StringField) or issubclass(field_class, _NOT_CLEANED):
        return None
    return multi_line_filter if issubclass(field_class, TextAreaField) else single_line_filter


class SupportedDates:
    """Validator: the field's date lies in the supported range (`core.dates`). BaseForm gives
    every date field this validator with the default range; a field that needs another range
    (a date of birth, say) declares its own `SupportedDates(first, last)`."""

    def __init__(self, first=dates.FIRST_DAY, last=dates.LAST_DAY):
        self.first, self.last = first, last

    def __call__(self, form, field):
        if not dates.is_supported(field.data, self.first, self.last):
            raise ValidationError(dates.out_of_range_message(self.first, self.last))


def _with_date_range(unbound_field, options):
    validators = unbound_field.kwargs.get("validators") or ()
    if any(isinstance(v, SupportedDates) for v in validators):
        return options
    return {**options, "validators": [*validators, SupportedDates()]}


class _CatalogTranslations:
    """WTForms' own messages ("This field is required.") through our catalogs: WTForms ships
    no Indonesian, so the `core` catalog translates its msgids."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _CatalogTranslations()


class _HiddenInputWithoutId(HiddenInput):
    """The CSRF token's input without id="csrf_token": a page with two forms (or a form per
    row) would repeat the id, which HTML forbids; nothing refers to the token by id."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)  # html_params leaves out attributes whose value is False
        return super().__call__(field, **kwargs)


def _takes_one_value(field):
    return not isinstance(field, (SelectMultipleField, MultipleFileField, FlaskMultipleFileField, FieldList))


def _text_only(form, formdata):
    """`formdata` with only strings for non-file fields, and only the first value of a field
    that takes one: a field sent twice (a crafted request) reads as the first, as
    `request.form.get` does, instead of reaching a field's parser as two values (WTForms'
    Optional() looks only at the first: ['', 'x'] passed as blank while the field held 'x').
    The names that were sent anything else are remembered on the form (`_wrong_type`) and
    reported by `validate`."""
    file_names = {f.name for f in form if isinstance(f, (FileField, FlaskFileField))}
    single = {f.name for f in form if _takes_one_value(f)}
    kept, wrong = MultiDict(), set()
    for key in formdata:
        values = formdata.getlist(key)
        for value in values[:1] if key in single else values:
            if key in file_names or isinstance(value, str):
                kept.add(key, value)
            else:
                wrong.add(key)
    form._wrong_type = wrong
    return kept


class BaseForm(FlaskForm):
    """Cleans and strips every text field, bounds every date field, refuses non-text values
    for non-file fields, and shows WTForms messages in the user's language."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, CSRFTokenField):
                options = {**options, "widget": _HiddenInputWithoutId()}
            text_filter = text_filter_for(unbound_field.field_class)
            if text_filter is not None:
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": [text_filter, *filters]}
            if issubclass(unbound_field.field_class, DateTimeField):
                options = _with_date_range(unbound_field, options)
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            try:
                formdata = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):
                # Flask-WTF turns a JSON body into form data and fails on one that is not an
                # object ([1, 2], "x", 5): that is a form sent nothing.
                formdata = MultiDict()
            return None if formdata is None else _text_only(form, formdata)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        wrong = [f for f in self if f.name in getattr(self, "_wrong_type", ())]
        for field in wrong:
            if WRONG_TYPE not in field.errors:
                field.errors = [*field.errors, WRONG_TYPE]
        return valid and not wrong


def add_errors(form, errors: dict):
    """{field name: message} onto the form's fields; unknown names go on the form itself."""
    for name, message in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


def add_domain_error(form, error):
    """Put a service's DomainError on its field (or the form) so the page shows it in place."""
    add_errors(form, {error.field: error.message})


def coerce_optional_int(value):
    """SelectField coerce for an optional id: '' / None -> None. A non-number raises
    ValueError, which WTForms reports as an invalid choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def choices(pairs):
    """[(value, label), ...] -> WTForms SelectChoice list (tuples are deprecated in 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]
