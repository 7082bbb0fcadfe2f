"""Date and time fields written the app's way, "dd-mm-yyyy hh.mm" (24-hour), whatever the
browser's language.

A browser draws `type=datetime-local`, `date` and `time` inputs in its operating system's
locale: an English Windows shows "03/05/2030, 08:30 AM" where the committee reads
"05-03-2030 08.30". These fields are plain text inputs with a placeholder and a pattern hint
instead (no script, nothing for the Content-Security-Policy to allow). The server reads the
app's format, with "/" or "-" and "." or ":", and still ISO ("2030-03-05T08:30", what
`datetime-local` sent) so older pages, scripts and tests keep working.
"""
import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

# In the reader's language: Indonesian forms say "hh-bb-tttt" (hari-bulan-tahun), "jj.mm" (jam).
DATE_PLACEHOLDER = _l("dd-mm-yyyy")
DATETIME_PLACEHOLDER = _l("dd-mm-yyyy hh.mm")
TIME_PLACEHOLDER = _l("hh.mm")

_D = r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"
_ISO_D = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_T = r"(?P<H>\d{1,2})[.:](?P<M>\d{2})(?:[.:](?P<S>\d{2}))?"
DATETIME_RES = [re.compile(rf"^{_D}\s+{_T}$"), re.compile(rf"^{_ISO_D}[T\s]{_T}$")]
DATE_RES = [re.compile(rf"^{_D}$"), re.compile(rf"^{_ISO_D}$")]
TIME_RE = re.compile(rf"^{_T}$")
# Browser-side hint only (the forms are `novalidate`; the server decides).
DATETIME_PATTERN = r"\s*\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4}\s+\d{1,2}[.:]\d{2}\s*|\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?\s*"
TIME_PATTERN = r"\s*\d{1,2}[.:]\d{2}\s*"
DATE_PATTERN = r"\s*\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4}\s*|\s*\d{4}-\d{2}-\d{2}\s*"


# The app's own long format, as pages and documents write dates ("Jumat, 31 Desember 2027",
# "31 Des 2027"), in Indonesian or English, so a date copied from a page reads back.
MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb", "pebruari"), ("maret", "march", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("agustus", "august", "agu", "agt", "ags", "aug"), ("september", "sep", "sept"),
    ("oktober", "october", "okt", "oct"), ("november", "nopember", "nov"),
    ("desember", "december", "des", "dec")), start=1) for name in names}
_LONG_D = r"(?:[^\W\d_]+,?\s+)?(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4})"
LONG_DATE_RE = re.compile(rf"^{_LONG_D}$")
LONG_DATETIME_RE = re.compile(rf"^{_LONG_D},?\s+(?:(?:pukul|jam|at)\s+)?{_T}(?:\s+(?:WIB|WITA|WIT))?$", re.IGNORECASE)


def _long(match, with_time=False):
    month = MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    try:
        if with_time:
            return datetime(int(match["y"]), month, int(match["d"]), int(match["H"]), int(match["M"]),
                            int(match["S"] or 0))
        return date(int(match["y"]), month, int(match["d"]))
    except ValueError:
        return None


def parse_datetime(text):
    """"05-03-2030 08.30", "5/3/2030 8:30" or ISO "2030-03-05T08:30" -> naive datetime;
    None when it is none of them or not a real date."""
    text = " ".join((text or "").split())
    for pattern in DATETIME_RES:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            try:
                return datetime(int(parts["y"]), int(parts["m"]), int(parts["d"]),
                                int(parts["H"]), int(parts["M"]), int(parts["S"] or 0))
            except ValueError:
                return None
    match = LONG_DATETIME_RE.match(text)
    return _long(match, with_time=True) if match else None


def parse_date(text):
    """"05-03-2030", "5/3/2030" or ISO "2030-03-05" -> date; None when it is none of them."""
    text = (text or "").strip()
    for pattern in DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    match = LONG_DATE_RE.match(" ".join(text.split()))
    return _long(match) if match else None


def format_date(value):
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def format_datetime(value):
    """The app's way: "05-03-2030 08.30" (zero-padded years, so year 1 reads back too)."""
    return (f"{value.day:02d}-{value.month:02d}-{value.year:04d} "
            f"{value.hour:02d}.{value.minute:02d}")


class _TypedInAppFormat:
    """A text input read and written the app's way (`parse`, `show`), whatever the browser's
    language; empty is None, anything unreadable is `message` and stays in the box."""

    widget = TextInput()
    placeholder = pattern = inputmode = message = None

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": self.placeholder, "pattern": self.pattern, "inputmode": self.inputmode,
                     "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.show(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        if not text:
            self.data = None
            return
        self.data = self.parse(text)
        if self.data is None:
            raise ValueError(self.message)


class DateTimeTextField(_TypedInAppFormat, DateTimeField):
    """A naive local datetime typed as "dd-mm-yyyy hh.mm"; ISO accepted too."""

    placeholder, pattern, inputmode = DATETIME_PLACEHOLDER, DATETIME_PATTERN, "text"
    message = _l("Write the date and time as dd-mm-yyyy hh.mm, e.g. 05-03-2030 08.30.")
    parse, show = staticmethod(parse_datetime), staticmethod(format_datetime)


class DateTextField(_TypedInAppFormat, DateField):
    """A date typed as "dd-mm-yyyy" instead of a `type=date` input drawn in the browser's
    locale; ISO "2030-03-05" (what `type=date` sent) is read too."""

    placeholder, pattern, inputmode = DATE_PLACEHOLDER, DATE_PATTERN, "numeric"
    message = _l("Write the date as dd-mm-yyyy, e.g. 05-03-2030.")
    parse, show = staticmethod(parse_date), staticmethod(format_date)


class TimeTextField(StringField):
    """A time of day typed as "hh.mm" (24-hour; "08:30" too) instead of a `type=time` input
    that shows AM/PM in an English browser. `data` is a `datetime.time` or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": TIME_PLACEHOLDER, "pattern": TIME_PATTERN, "inputmode": "decimal",
                     "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return f"{self.data.hour:02d}.{self.data.minute:02d}" if self.data else ""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or ()).strip()
        if not text:
            self.data = None
            return
        match = TIME_RE.match(text)
        try:
            self.data = datetime(2000, 1, 1, int(match["H"]), int(match["M"])).time() if match else None
        except ValueError:
            self.data = None
        if self.data is None:
            self.data = text  # what was typed stays in the box
            raise ValidationError(_l("Write the time as hh.mm (24-hour), e.g. 13.30."))
