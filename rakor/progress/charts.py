"""Charts as server-side SVG (pygal), the same pictures in the page and in the PDF.

pygal was measured against matplotlib's SVG backend for the same chart (bench/scale/charts.py):
about 30 ms against 450 ms a chart, 0,4 s against 3,7 s to import, text kept as text (readable
by screen readers and searchable in the PDF) and no numpy. pygal writes a <script> with its
tooltip configuration even with `js=[]`; it is taken out of the tree before serialising, so the
SVG carries no script at all. Pages show the SVG in <img src="data:..."> (the CSP allows data:
images; an SVG inside <img> runs nothing and its own <style> applies only to itself) and so
does the PDF. Every chart has a text alternative (`*_text`) for the alt attribute.

Bars are clamped to 0-100 for drawing only; their labels show the true value.
"""
import base64
import sys
from decimal import Decimal
from functools import lru_cache
from xml.etree import ElementTree

import pygal
from flask_babel import lazy_gettext as _l
from pygal.etree import etree as pygal_etree
from pygal.style import Style

from rakor.core.formatting import format_number
from rakor.progress.achievement import NO_DATA_COLOUR, band, for_drawing
from rakor.progress.lifecycle import UpdateStatus

# pygal appends a legacy import hook for its map plugins to sys.meta_path (find_module, no
# find_spec): every later import that reaches it warns (ImportWarning, an error in the test
# suite). Rakor draws no maps, so the hook goes.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
# pygal builds its tree with lxml whenever lxml is importable (pyHanko's dependencies bring it),
# and an lxml tree cannot be serialised by xml.etree below ("cannot serialize <cyfunction
# Comment>"). The standard library's tree is all the charts need, whatever else is installed.
pygal_etree.to_etree()

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
STYLE = Style(font_family=FONT, background="#ffffff", plot_background="#ffffff", foreground="#212529",
              foreground_strong="#212529", foreground_subtle="#adb5bd", colors=("#0d6efd", "#6c757d", "#1a7f37"),
              label_font_size=12, major_label_font_size=12, value_font_size=11, value_label_font_size=11,
              title_font_size=14, legend_font_size=12, tooltip_font_size=12)
SVG_NS = "{http://www.w3.org/2000/svg}"


def render(chart) -> bytes:
    """The chart's (or an already built tree's) SVG without any script."""
    tree = chart.render_tree() if hasattr(chart, "render_tree") else chart
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in (f"{SVG_NS}script", "script"):
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="utf-8", xml_declaration=False)


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _percent(value, locale):
    """'110,0%': no space before the sign, as Indonesian documents write it."""
    return "–" if value is None else f"{format_number(value, 1, locale)}%"


def _config(**options):
    base = {"js": [], "disable_xml_declaration": True, "style": STYLE, "show_legend": False,
            "print_values": True, "explicit_size": False, "margin": 8, "margin_right": 28}
    base.update(options)
    return base


def achievement_bars(items, title="", locale="id") -> bytes:
    """Horizontal bars of average achievement: `items` = [(label, percent or None, count)]."""
    return _achievement_bars(tuple(tuple(i) for i in items), title, locale)


# Full opacity: the band colours are chosen for their grey values, which pygal's default
# translucency would wash out.
BAR_STYLE = Style(**{**STYLE.to_dict(), "label_font_size": 13, "major_label_font_size": 13,
                     "value_font_size": 13, "value_label_font_size": 13, "opacity": "1", "opacity_hover": "1"})
# Room right of the 100 % mark for the value and its band ("110,0% · Sangat tinggi").
VALUE_ROOM = 180
HATCH = 7  # px between the lines of a band's hatching


def band_words(b, locale):
    """The band's name: the regulation's words in Indonesian (documents), else translated."""
    return b.label_id if locale == "id" else str(b.label)


def bar_value_text(percent, locale, no_data):
    if percent is None:
        return no_data
    return f"{_percent(percent, locale)} · {band_words(band(percent), locale)}"


# Drawing is a pure function of the figures and takes pygal 30-100 ms: the dashboard asks for
# the same pictures again and again until a report changes them.
@lru_cache(maxsize=256)
def _achievement_bars(items, title, locale) -> bytes:
    height = max(110, 28 * len(items) + 50)
    # No guide lines: they would cross the values printed beside the bars; the axis keeps its
    # 0-100 labels. Labels are never truncated (pygal's default cuts long region names).
    chart = pygal.HorizontalBar(**_config(width=800, height=height, range=(0, 100), title=title or None,
                                          show_x_guides=False, show_y_guides=False, truncate_label=-1,
                                          style=BAR_STYLE, margin_right=VALUE_ROOM))
    # pygal draws the first label at the bottom; reversed, the chart reads top-down like the table.
    items = list(reversed(items))
    no_data = "belum ada capaian" if locale == "id" else str(_l("no achievement yet"))
    chart.x_labels = [label for label, _p, _n in items]
    chart.add("", [{
        "value": for_drawing(p),
        "color": band(p).colour if p is not None else NO_DATA_COLOUR,
        "formatter": (lambda _v, p=p: bar_value_text(p, locale, no_data)),
    } for _label, p, _n in items])
    tree = chart.render_tree()
    _drop_guides(tree)
    _values_beside_bars(tree)
    _hatch_bars(tree, [band(p) if p is not None else None for _label, p, _n in items])
    return render(tree)


def _children(tree, cls):
    return [e for e in tree.iter() if cls in (e.get("class") or "").split()]


def _drop_guides(tree):
    """pygal draws the value axis' guide lines whatever show_*_guides say; they would cross the
    values, so they go (the axis keeps its labels)."""
    for parent in list(tree.iter()):
        for child in list(parent):
            classes = (child.get("class") or "").split()
            if "guide" in classes and "line" in classes:
                parent.remove(child)


def _values_beside_bars(tree):
    """Each bar's value starts just right of the bar's end, on white, instead of straddling it."""
    bars = [e for e in _children(tree, "bar") if e.tag in (f"{SVG_NS}g", "g")]
    overlay = _children(tree, "text-overlay")
    texts = [t for t in overlay[0].iter() if "value" in (t.get("class") or "").split()] if overlay else []
    for group, text in zip(bars, texts, strict=False):
        rect = next(iter(group))
        end = float(rect.get("x", 0)) + float(rect.get("width", 0) or 0)
        text.set("x", f"{end + 6:.1f}")
        text.set("text-anchor", "start")
        text.set("class", "value beside")
    if overlay:  # the value's colour: pygal's own CSS would give the bar's colour to some of them
        _style(tree).text += " .text-overlay .value.beside { fill: #212529; stroke: none; }"


def _style(tree):
    return next(e for e in tree.iter() if e.tag in (f"{SVG_NS}style", "style"))


def _hatch_bars(tree, bands):
    """Fill the bars of hatched bands with their pattern (defined once per picture)."""
    patterns = {b.key: b for b in bands if b is not None and b.pattern}
    if not patterns:
        return
    defs = next(e for e in tree.iter() if e.tag in (f"{SVG_NS}defs", "defs"))
    for b in patterns.values():
        defs.append(hatch_pattern(b))
    bars = [e for e in _children(tree, "bar") if e.tag in (f"{SVG_NS}g", "g")]
    for group, b in zip(bars, bands, strict=False):
        if b is not None and b.pattern:
            group.set("style", f"fill: url(#hatch-{b.key}); stroke: #000000; stroke-width: 0.6")


def hatch_pattern(b) -> ElementTree.Element:
    """<pattern id="hatch-<band>">: the band's colour with dark diagonal lines ('diagonal') or
    a diagonal grid ('cross'), drawn 45° by the pattern's transform."""
    pattern = ElementTree.Element(f"{SVG_NS}pattern", {
        "id": f"hatch-{b.key}", "patternUnits": "userSpaceOnUse", "width": str(HATCH), "height": str(HATCH),
        "patternTransform": "rotate(45)"})
    ElementTree.SubElement(pattern, f"{SVG_NS}rect", {"width": str(HATCH), "height": str(HATCH), "fill": b.colour})
    line = {"fill": "#000000", "fill-opacity": "0.45"}
    ElementTree.SubElement(pattern, f"{SVG_NS}rect", {"width": "2", "height": str(HATCH), **line})
    if b.pattern == "cross":
        ElementTree.SubElement(pattern, f"{SVG_NS}rect", {"width": str(HATCH), "height": "2", **line})
    return pattern


def achievement_text(items, locale="id") -> str:
    return "; ".join(f"{label}: {_percent(p, locale)} ({n})" for label, p, n in items)


def status_bars(counts: dict, labels: dict, title="") -> bytes:
    """Commitments by their latest status (and those without a report): {key: n}."""
    return _status_bars(tuple(counts.items()), tuple((k, str(v)) for k, v in labels.items()), title)


@lru_cache(maxsize=256)
def _status_bars(count_items, label_items, title) -> bytes:
    counts, labels = dict(count_items), dict(label_items)
    keys = list(counts)
    # Drawn at 480 wide: the report prints it 108 mm wide, so its labels stay 8 pt. Whole labels
    # ("Sesuai rencana", not "Sesuai renca…"), and no guide lines through the counts.
    chart = pygal.Bar(**_config(width=480, height=240, title=title or None, show_x_guides=False,
                                show_y_guides=False, truncate_label=-1, style=BAR_STYLE, margin_right=8,
                                print_values_position="top", show_y_labels=False, margin_top=22))
    chart.x_labels = [str(labels[k]) for k in keys]
    chart.add("", [{"value": counts[k],
                    "color": UpdateStatus(k).colour if k in UpdateStatus._value2member_map_ else NO_DATA_COLOUR}
                   for k in keys])
    tree = chart.render_tree()
    _drop_guides(tree)
    _values_above_bars(tree)
    return render(tree)


def _values_above_bars(tree):
    """A column's count sits above the column, in dark text, whatever the column's colour."""
    bars = [e for e in _children(tree, "bar") if e.tag in (f"{SVG_NS}g", "g")]
    overlay = _children(tree, "text-overlay")
    texts = [t for t in overlay[0].iter() if "value" in (t.get("class") or "").split()] if overlay else []
    for group, text in zip(bars, texts, strict=False):
        rect = next(iter(group))
        text.set("y", f"{float(rect.get('y', 0)) - 5:.1f}")
        text.set("class", "value beside")
    if overlay:
        _style(tree).text += " .text-overlay .value.beside { fill: #212529; stroke: none; }"


def status_text(counts: dict, labels: dict) -> str:
    return "; ".join(f"{labels[k]}: {n}" for k, n in counts.items())


def timeline_chart(commitment, updates, locale="id") -> bytes:
    """The indicator over the periods reported, with the baseline and the target as lines; for
    a commitment without a numeric indicator, the stated percent."""
    labels = [u.period for u in updates]
    numeric = commitment.indicator_id is not None and commitment.target_value is not None
    chart = pygal.Line(**_config(width=720, height=280, show_legend=True, legend_at_bottom=True,
                                 print_values=False, dots_size=4, x_label_rotation=0,
                                 range=None if numeric else (0, 100)))
    chart.x_labels = labels or ["–"]
    if numeric:
        decimals = commitment.indicator.decimals if commitment.indicator else 2
        chart.value_formatter = lambda v: format_number(Decimal(str(v)), decimals, locale)
        chart.add(str(_label("realised")), [float(u.realised_value) if u.realised_value is not None else None
                                             for u in updates] or [None])
        if commitment.baseline_value is not None:
            chart.add(str(_label("baseline")), [float(commitment.baseline_value)] * max(len(labels), 1),
                      show_dots=False, stroke_style={"dasharray": "4, 4"})
        chart.add(str(_label("target")), [float(commitment.target_value)] * max(len(labels), 1), show_dots=False,
                  stroke_style={"dasharray": "8, 4"})
    else:
        chart.value_formatter = lambda v: f"{format_number(Decimal(str(v)), 0, locale)} %"
        chart.add(str(_label("percent")), [for_drawing(u.percent_achieved) if u.percent_achieved is not None
                                            else None for u in updates] or [None])
    return render(chart)


def _label(key):
    return {"realised": _l("Realised"), "baseline": _l("Baseline"), "target": _l("Target"),
            "percent": _l("Percent achieved")}[key]


def timeline_text(commitment, updates, locale="id") -> str:
    parts = []
    if commitment.baseline_value is not None:
        parts.append(f"{_label('baseline')}: {format_number(commitment.baseline_value, 2, locale)}")
    for u in updates:
        value = format_number(u.realised_value, 2, locale) if u.realised_value is not None else ""
        parts.append(f"{u.period}: {value} ({_percent(u.percent_achieved, locale)})".replace(":  (", ": ("))
    if commitment.target_value is not None:
        parts.append(f"{_label('target')}: {format_number(commitment.target_value, 2, locale)}")
    return "; ".join(parts)
