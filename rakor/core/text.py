"""One rule for text typed or imported by users, applied by every form (BaseForm) and every
import: NFC-normalised; C0/C1 control characters, bidi overrides/isolates and zero-width
characters removed. Tab and newline survive only where multi-line text is allowed."""
import re
import unicodedata

# C0 controls except \t \n \r, DEL, C1 controls; bidi embeddings/overrides/isolates and marks;
# zero-width space/joiners, word joiner, BOM; line/paragraph separators.
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff"
_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\r\n]")
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")


def clean_text(value, *, multiline=False):
    """The text as Rakor stores it. Non-strings pass through unchanged. In single-line text a
    tab or line break (\\r\\n counts as one) becomes a space; in multi-line text '\\r\\n' becomes '\\n'."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    if multiline:
        return _MULTI_LINE.sub("", value.replace("\r", "\n"))
    return _SINGLE_LINE.sub(lambda m: " " if m.group() in "\t\r\n" else "", value)
