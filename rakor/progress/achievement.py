"""How far a commitment got: percent achieved, budget absorption, and the five achievement
bands of Permendagri 86/2017's RKPD evaluation that dashboards and the monitoring report use.

Percent achieved for a numeric indicator is (realised - baseline) / (target - baseline) * 100,
which is right for both directions: poverty 6,25 -> target 5,75, realised 6,00 is 50 %; IPM
70 -> 72, realised 71 is 50 %. The true value is kept, below 0 (worse than the baseline) and
above 100 (the target was beaten); only drawing clamps it (`for_drawing`).
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent_achieved(baseline, target, realised) -> Decimal | None:
    """None when a value is missing or the target equals the baseline (no change to measure:
    commitments refuse it, but old or imported data might hold one)."""
    if baseline is None or target is None or realised is None:
        return None
    baseline, target, realised = Decimal(baseline), Decimal(target), Decimal(realised)
    width = target - baseline
    if width == 0:
        return None
    return ((realised - baseline) / width * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def absorption(budget_realised, budget) -> Decimal | None:
    """Realised budget as percent of the committed budget (penyerapan anggaran); None without
    both, or for a budget of zero."""
    if budget_realised is None or budget is None or Decimal(budget) == 0:
        return None
    return (Decimal(budget_realised) / Decimal(budget) * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def for_drawing(percent) -> float:
    """0..100 for a bar's length; the label next to it shows the true value."""
    if percent is None:
        return 0.0
    return float(min(max(Decimal(percent), Decimal(0)), HUNDRED))


@dataclass(frozen=True)
class Band:
    key: str
    label: object  # lazy, translated
    label_id: str  # the words of the regulation, for documents
    floor: Decimal  # lowest percent in the band
    colour: str  # fill for charts and matrix cells
    text_colour: str
    pattern: str | None = None  # 'diagonal' or 'cross': hatching, so print in black and white tells it apart


# Permendagri 86/2017: sangat tinggi 91-100, tinggi 76-90, sedang 66-75, rendah 51-65,
# sangat rendah <= 50. The regulation counts whole percents; a value between two bands
# (90,5) belongs to the lower one. The top band is open upwards (110 % is a beaten target:
# "sangat tinggi") and the bottom one downwards (below 0 %: worse than the baseline).
#
# Government offices print in black and white: the fills have five clearly different grey
# values (luminance about 61, 189, 225, 141 and 96 of 255, so no two bands print alike), the two
# low bands are hatched as well, and every cell and bar also says its band in words.
BANDS = (
    Band("very_high", _l("Very high"), "Sangat tinggi", Decimal(91), "#0e5a26", "#ffffff"),
    Band("high", _l("High"), "Tinggi", Decimal(76), "#9ed39f", "#0b2e13"),
    Band("medium", _l("Medium"), "Sedang", Decimal(66), "#fbe58b", "#3d3000"),
    Band("low", _l("Low"), "Rendah", Decimal(51), "#d97a2b", "#000000", "diagonal"),
    Band("very_low", _l("Very low"), "Sangat rendah", Decimal("-Infinity"), "#c0392b", "#ffffff", "cross"),
)
NO_DATA_COLOUR = "#e9ecef"
BY_KEY = {b.key: b for b in BANDS}


def band(percent) -> Band | None:
    if percent is None:
        return None
    value = Decimal(percent)
    return next(b for b in BANDS if value >= b.floor)


RANGES = {"very_high": "≥ 91 %", "high": "76–90 %", "medium": "66–75 %", "low": "51–65 %", "very_low": "≤ 50 %"}


def band_range_text(b: Band) -> str:
    """'≥ 91 %' ... '≤ 50 %': the regulation's ranges, the top one open upwards (a beaten target,
    110 %, is very high) and the bottom one downwards (below 0 %)."""
    return RANGES[b.key]
