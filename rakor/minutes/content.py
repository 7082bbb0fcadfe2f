"""The text of the minutes: its sections, how a revision stores them, and how they are shown.

A body is one JSON document:

    {"opening": "...", "conclusions": "...", "closing": "...",
     "items": {"<agenda item id>": {"discussion": "...", "conclusions": "..."}}}

Texts are Markdown as typed (after the app's text cleaning). `normalise` makes two bodies that
say the same thing equal (trailing blanks, empty items), so a save that changes nothing is
recognised. `to_html` renders Markdown with `markdown` and sanitises the result with `nh3`: the
page and the PDF show the same safe HTML, and a <script> typed into the notes is dropped."""
import difflib
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup

# Meeting-level sections in document order; per item: discussion, then conclusions.
MEETING_SECTIONS = ("opening", "conclusions", "closing")
ITEM_SECTIONS = ("discussion", "conclusions")
# One section at most this long (about 25 printed pages): a paste of a whole report is refused
# with a message instead of producing a 300-page PDF.
MAX_SECTION_CHARS = 50_000


def thousands(n):
    """50000 -> '50.000' (Indonesian grouping, also fine in English messages)."""
    return f"{n:,}".replace(",", ".")

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "sup", "sub", "ul", "ol",
                "li", "blockquote", "code", "pre", "hr", "h3", "h4", "h5", "h6", "table", "thead",
                "tbody", "tr", "th", "td", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
_MARKDOWN_EXTENSIONS = ("sane_lists", "nl2br", "tables")


def _text(value):
    return (value or "").strip()


def normalise(body) -> dict:
    """The canonical form of a body: every section present, texts stripped, item keys as
    strings, items with no text left out."""
    body = body or {}
    out = {name: _text(body.get(name)) for name in MEETING_SECTIONS}
    items = {}
    for key, notes in (body.get("items") or {}).items():
        notes = {name: _text((notes or {}).get(name)) for name in ITEM_SECTIONS}
        if any(notes.values()):
            items[str(key)] = notes
    out["items"] = dict(sorted(items.items(), key=lambda kv: int(kv[0])))
    return out


def item_notes(body, item_id) -> dict:
    return (body or {}).get("items", {}).get(str(item_id)) or {name: "" for name in ITEM_SECTIONS}


def is_empty(body) -> bool:
    body = normalise(body)
    return not any(body[name] for name in MEETING_SECTIONS) and not body["items"]


def to_html(text) -> Markup:
    """Markdown -> sanitised HTML (empty text -> empty markup)."""
    text = _text(text)
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=list(_MARKDOWN_EXTENSIONS), output_format="html")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"))


# --- comparing two versions ----------------------------------------------------------------------

@dataclass
class SectionDiff:
    key: str            # 'opening', 'item:12:discussion', ...
    title: str          # what the reader sees
    lines: list         # [(op, text)], op in ' ', '-', '+'

    @property
    def changed(self):
        return any(op != " " for op, _t in self.lines)


def section_texts(body, items):
    """[(key, title, text)] of a body in document order; `items` is [(id, title)] of the
    agenda (items the body has notes for but the agenda no longer lists come last)."""
    body = normalise(body)
    labels = section_labels()
    out = [("opening", labels["opening"], body["opening"])]
    known = set()
    for item_id, title in items:
        known.add(str(item_id))
        notes = item_notes(body, item_id)
        for name in ITEM_SECTIONS:
            out.append((f"item:{item_id}:{name}", f"{title} · {labels[name]}", notes[name]))
    for key, notes in body["items"].items():
        if key not in known:
            for name in ITEM_SECTIONS:
                out.append((f"item:{key}:{name}", f"#{key} · {labels[name]}", notes[name]))
    out.append(("conclusions", labels["overall"], body["conclusions"]))
    out.append(("closing", labels["closing"], body["closing"]))
    return out


def section_labels():
    from flask_babel import gettext as _

    return {"opening": _("Opening"), "discussion": _("Discussion"), "conclusions": _("Conclusions"),
            "overall": _("Overall conclusions"), "closing": _("Closing")}


def diff_bodies(old, new, items) -> list[SectionDiff]:
    """Line by line, section by section (difflib), every section of either body."""
    old_texts = {key: text for key, _title, text in section_texts(old, items)}
    out = []
    for key, title, text in section_texts(new, items):
        before = old_texts.pop(key, "")
        out.append(SectionDiff(key, title, _line_ops(before, text)))
    for key, text in old_texts.items():  # sections of an agenda item the new body dropped
        out.append(SectionDiff(key, key, _line_ops(text, "")))
    return out


def _line_ops(before, after):
    ops = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith(("? ",)):
            continue
        ops.append((line[0], line[2:]))
    return ops
