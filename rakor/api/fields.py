"""Decimal values travel as JSON strings ("6.25"), never as floats.

Input: a string of digits with at most one point: no exponent, no thousands separator, no
comma. `1e309` as a JSON number and `"6,00"` are refused with a message naming the format;
NaN and Infinity cannot be written this way at all."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from marshmallow import fields

DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,4})?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)


class DecimalString(fields.Field):
    default_error_messages = {
        "invalid": _l('Send a decimal as a string with a point, e.g. "6.25" (no comma, no exponent).'),
        "not_string": _l('Send decimal values as JSON strings, e.g. "6.25", not as numbers.'),
    }

    def __init__(self, places=4, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.places))
        return format(value, "f")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("not_string")
        text = value.strip()
        if not _DECIMAL.match(text):
            raise self.make_error("invalid")
        try:
            return Decimal(text)
        except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
            raise self.make_error("invalid") from None


def decimal_field2property(self, field, **kwargs):
    """apispec: a DecimalString is a string with the pattern above."""
    if isinstance(field, DecimalString):
        kind = ["string", "null"] if field.allow_none else "string"
        return {"type": kind, "pattern": DECIMAL_PATTERN, "examples": ["6.25"]}
    return {}
