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
# pygal builds its tree with lxml whenever lxml is importable (pyHanko brings it); `render`
# serialises with the standard library's ElementTree, so pygal is told to use that one too.
pygal_etree.to_etree()

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
STYLE = Style(font_family=FONT, background="#ffffff", plot_background="#ffffff", foreground="#212529",
              foreground_strong="#212529", foreground_subtle="#adb5bd", colors=("#0d6efd", "#6c757d", "#1a7f37"),
              label_font_size=12, major_label_font_size=12, value_font_size=11, value_label_font_size=11,
              title_font_size=14, legend_font_size=12, tooltip_font_size=12)
SVG_NS = "{http://www.w3.org/2000/svg}"


def render(chart) -> bytes:
    """The chart's SVG without any script."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in (f"{SVG_NS}script", "script"):
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="utf-8", xml_declaration=False)


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _percent(value, locale):
    return "–" if value is None else f"{format_number(value, 1, locale)} %"


def _config(**options):
    base = {"js": [], "disable_xml_declaration": True, "style": STYLE, "show_legend": False,
            "print_values": True, "explicit_size": False, "margin": 8, "margin_right": 28}
    base.update(options)
    return base


def achievement_bars(items, title="", locale="id") -> bytes:
    """Horizontal bars of average achievement: `items` = [(label, percent or None, count)]."""
    return _achievement_bars(tuple(tuple(i) for i in items), title, locale)


# Drawing is a pure function of the figures and takes pygal 30-100 ms: the dashboard asks for
# the same pictures again and again until a report changes them.
@lru_cache(maxsize=256)
def _achievement_bars(items, title, locale) -> bytes:
    height = max(120, 34 * len(items) + 60)
    chart = pygal.HorizontalBar(**_config(width=720, height=height, range=(0, 100), title=title or None,
                                          show_y_guides=False, print_values_position="top"))
    # pygal draws the first label at the bottom; reversed, the chart reads top-down like the table.
    items = list(reversed(items))
    chart.x_labels = [label for label, _p, _n in items]
    chart.add("", [{
        "value": for_drawing(p),
        "color": band(p).colour if p is not None else NO_DATA_COLOUR,
        "formatter": (lambda _v, p=p: _percent(p, locale)),
    } for _label, p, _n in items])
    return render(chart)


def achievement_text(items, locale="id") -> str:
    return "; ".join(f"{label}: {_percent(p, locale)} ({n})" for label, p, n in items)


def status_bars(counts: dict, labels: dict, title="") -> bytes:
    """Commitments by their latest status (and those without a report): {key: n}."""
    return _status_bars(tuple(counts.items()), tuple((k, str(v)) for k, v in labels.items()), title)


@lru_cache(maxsize=256)
def _status_bars(count_items, label_items, title) -> bytes:
    counts, labels = dict(count_items), dict(label_items)
    keys = list(counts)
    chart = pygal.Bar(**_config(width=720, height=260, title=title or None, show_x_guides=False))
    chart.x_labels = [str(labels[k]) for k in keys]
    chart.add("", [{"value": counts[k],
                    "color": UpdateStatus(k).colour if k in UpdateStatus._value2member_map_ else NO_DATA_COLOUR}
                   for k in keys])
    return render(chart)


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
