"""Numbers as Indonesians type them: '6,25' and '6.25' (an indicator value), and Rupiah
amounts in every customary spelling: 'Rp 1.250.000.000', '1,250,000,000', '1.250.000.000,00',
'1,25 M', '750 jt', '1,5 miliar'. Ambiguity is refused rather than guessed."""
import re
from decimal import Decimal, InvalidOperation

# Magnitude words and abbreviations in Indonesian budget documents.
_SCALES = {
    "rb": 10**3, "ribu": 10**3, "k": 10**3,
    "jt": 10**6, "juta": 10**6,
    "m": 10**9, "miliar": 10**9, "milyar": 10**9, "mlyr": 10**9,
    "t": 10**12, "triliun": 10**12,
}
_RUPIAH = re.compile(r"^(?P<number>[0-9][0-9.,\s]*?)\s*(?P<scale>[a-z]+)?\.?$")


class NumberFormatError(ValueError):
    """The text is not a number we can read without guessing."""


class NumberTooLargeError(NumberFormatError):
    """The text is a number, but larger than any budget or indicator: beyond 10^20 Decimal's
    default context cannot even round it to cents (decimal.InvalidOperation, a 500)."""


# 10^20 Rupiah is a thousand times the world's GDP; every column is far below (Numeric(18, 2)),
# the services name the exact bound. Above this, parsing refuses before any arithmetic.
TOO_LARGE = Decimal(10) ** 20


def _bounded(value: Decimal, text) -> Decimal:
    if not value.is_finite() or abs(value) >= TOO_LARGE:
        raise NumberTooLargeError(text)
    return value


def parse_decimal(text) -> Decimal:
    """'6,25' / '6.25' / '1.234,5' / '1,234.5' / '-0,5' -> Decimal. A lone separator followed by
    exactly three digits ('1.250') is refused: it is a thousands group in Indonesian and a
    decimal point in English, and a wrong guess changes the value a thousandfold."""
    if isinstance(text, (int, Decimal)):
        return _bounded(Decimal(text), text)
    if isinstance(text, float):
        return _bounded(Decimal(str(text)), text)
    s = str(text or "").strip().replace("\u00a0", "").replace(" ", "")
    sign = ""
    if s and s[0] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    if not s or not re.fullmatch(r"[0-9.,]+", s) or not s[0].isdigit():
        raise NumberFormatError(text)
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _sep, frac = s.rpartition(decimal_sep)
        if s.count(decimal_sep) != 1 or not _grouped(whole, group_sep):
            raise NumberFormatError(text)
        s = whole.replace(group_sep, "") + "." + frac
    elif dots + commas == 1:
        sep = "." if dots else ","
        whole, frac = s.split(sep)
        if len(frac) == 3 and len(whole) <= 3 and whole != "0":
            raise NumberFormatError(text)
        s = f"{whole}.{frac}"
    elif dots > 1 or commas > 1:
        sep = "." if dots else ","
        if not _grouped(s, sep):
            raise NumberFormatError(text)
        s = s.replace(sep, "")
    try:
        return _bounded(Decimal(sign + s), text)
    except InvalidOperation as e:
        raise NumberFormatError(text) from e


def _grouped(whole, sep):
    parts = whole.split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def parse_rupiah(text) -> Decimal:
    """A Rupiah amount -> Decimal with two places. Thousands groups with '.' (Indonesian) or
    ',' (English) both read as groups, since an amount of Rupiah with three decimals does not
    exist: '1.250.000.000' == '1,250,000,000' == 'Rp 1.250.000.000' == '1,25 M'."""
    if isinstance(text, (int, Decimal)):
        return _bounded(Decimal(text), text).quantize(Decimal("0.01"))
    s = str(text or "").strip().lower().replace("\u00a0", " ")
    s = re.sub(r"^rp\.?\s*", "", s)
    negative = s.startswith("-")
    s = s.lstrip("-").strip()
    match = _RUPIAH.match(s)
    if not match:
        raise NumberFormatError(text)
    number = match.group("number").replace(" ", "")
    scale = match.group("scale")
    if scale is not None and scale not in _SCALES:
        raise NumberFormatError(text)
    if scale is None and re.fullmatch(r"[0-9]{1,3}([.,][0-9]{3})+", number):
        value = Decimal(re.sub(r"[.,]", "", number))  # groups only, either separator
    else:
        value = parse_decimal(number)  # '1,25' with a scale; '1.250' with one is refused
    if scale is not None:
        value *= _SCALES[scale]
    if negative:
        value = -value
    return _bounded(value, text).quantize(Decimal("0.01"))
