"""Form helpers shared by every feature."""
from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import SelectChoice


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class _CatalogTranslations:
    """WTForms' own messages ("This field is required.") through our catalogs: WTForms ships
    no Indonesian, so the `core` catalog translates its msgids."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_TRANSLATIONS = _CatalogTranslations()


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text field; WTForms messages in the user's
    language."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip_filter not in filters and unbound_field.field_class.__name__ in {
                "StringField", "TextAreaField", "EmailField", "SearchField", "TelField",
            }:
                unbound_field.kwargs["filters"] = [strip_filter, *filters]
            return unbound_field.bind(form=form, **options)


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
