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


# Permendagri 86/2017: sangat tinggi 91-100, tinggi 76-90, sedang 66-75, rendah 51-65,
# sangat rendah <= 50. The regulation counts whole percents; a value between two bands
# (90,5) belongs to the lower one, and above 100 stays "very high".
BANDS = (
    Band("very_high", _l("Very high"), "Sangat tinggi", Decimal(91), "#1a7f37", "#ffffff"),
    Band("high", _l("High"), "Tinggi", Decimal(76), "#7cc47f", "#0b2e13"),
    Band("medium", _l("Medium"), "Sedang", Decimal(66), "#f2d15c", "#3d3000"),
    Band("low", _l("Low"), "Rendah", Decimal(51), "#f09a4a", "#3b1d00"),
    Band("very_low", _l("Very low"), "Sangat rendah", Decimal("-Infinity"), "#d1432f", "#ffffff"),
)
NO_DATA_COLOUR = "#e9ecef"


def band(percent) -> Band | None:
    if percent is None:
        return None
    value = Decimal(percent)
    return next(b for b in BANDS if value >= b.floor)


def band_range_text(b: Band) -> str:
    """'91–100 %' ... '≤ 50 %' (the regulation's wording of the ranges)."""
    ranges = {"very_high": "91–100 %", "high": "76–90 %", "medium": "66–75 %", "low": "51–65 %",
              "very_low": "≤ 50 %"}
    return ranges[b.key]
