"""Number templates: `000.1.5/{seq}/Bappeda/{year}`.

Placeholders: `{seq}` (required, once; `{seq:3}` pads to 3 digits: 007), `{year}` (2024),
`{month}` (02) and `{month_roman}` (II, as some offices write the month). Everything else is
printed as typed: the classification code and the unit code are part of the template."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l

from rakor.core.errors import DomainError

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
SEQ = re.compile(r"^seq(?::([1-6]))?$")
OTHER_PLACEHOLDERS = ("year", "month", "month_roman")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MAX_LENGTH = 100
# What a number may contain besides letters and digits: the separators offices use.
ALLOWED_TEXT = re.compile(r"^[0-9A-Za-z./\-_ ()&,:]*$")


def check_template(template: str, field="template") -> str:
    """The template, stripped; DomainError naming what is wrong with it."""
    template = (template or "").strip()
    if not template:
        raise DomainError(_l("Enter a template."), field=field)
    if len(template) > MAX_LENGTH - 10:
        raise DomainError(_l("The template is too long (at most %(n)d characters).", n=MAX_LENGTH - 10),
                          field=field)
    names = PLACEHOLDER.findall(template)
    if sum(1 for n in names if SEQ.match(n)) != 1:
        raise DomainError(_l("The template must contain {seq} (the sequence number) exactly once."),
                          field=field)
    unknown = [n for n in names if not SEQ.match(n) and n not in OTHER_PLACEHOLDERS]
    if unknown:
        raise DomainError(_l("Unknown placeholder {%(name)s}: use {seq}, {year}, {month} or {month_roman}.",
                             name=unknown[0]), field=field)
    if not ALLOWED_TEXT.match(PLACEHOLDER.sub("", template)) or "{" in PLACEHOLDER.sub("", template) \
            or "}" in PLACEHOLDER.sub("", template):
        raise DomainError(_l("The template may contain letters, digits, spaces and . / - _ ( ) & , : "
                             "besides the placeholders."), field=field)
    return template


def format_number(template: str, seq: int, day: date) -> str:
    """The number `template` gives sequence `seq` on `day`."""
    def fill(match):
        name = match.group(1)
        seq_match = SEQ.match(name)
        if seq_match:
            width = int(seq_match.group(1) or 0)
            return str(seq).zfill(width)
        return {"year": str(day.year), "month": f"{day.month:02d}",
                "month_roman": ROMAN_MONTHS[day.month - 1]}[name]

    return PLACEHOLDER.sub(fill, template)


def clean_number(number: str) -> str:
    """A number typed by hand, as it will be stored: spaces collapsed; DomainError when empty,
    too long or holding characters no letter number has."""
    number = " ".join((number or "").split())
    if not number:
        raise DomainError(_l("Enter the number."), field="number")
    if len(number) > MAX_LENGTH:
        raise DomainError(_l("The number is too long (at most %(n)d characters).", n=MAX_LENGTH), field="number")
    if not ALLOWED_TEXT.match(number) or not re.search(r"\d", number):
        raise DomainError(_l("A letter number holds digits, letters and . / - only, e.g. 000.1.5/123/Bappeda/2024."),
                          field="number")
    return number
