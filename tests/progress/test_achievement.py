"""Percent achieved, budget absorption and the achievement bands."""
from decimal import Decimal

import pytest

from rakor.progress.achievement import absorption, band, for_drawing, percent_achieved


@pytest.mark.parametrize(("baseline", "target", "realised", "expected"), [
    # Lower is better: poverty 6,25 -> 5,75.
    ("6.25", "5.75", "6.00", "50.00"),
    ("6.25", "5.75", "5.75", "100.00"),
    ("6.25", "5.75", "5.50", "150.00"),   # beaten: the true value, above 100
    ("6.25", "5.75", "6.50", "-50.00"),   # got worse: below 0
    ("6.25", "5.75", "6.25", "0.00"),
    # Higher is better: IPM 70 -> 72.
    ("70", "72", "71", "50.00"),
    ("70", "72", "73", "150.00"),
    ("70", "72", "69", "-50.00"),
    ("70", "72", "71.333", "66.65"),
])
def test_percent_achieved_is_right_for_both_directions(baseline, target, realised, expected):
    assert percent_achieved(Decimal(baseline), Decimal(target), Decimal(realised)) == Decimal(expected)


def test_a_zero_width_target_has_no_percent_instead_of_dividing_by_zero():
    assert percent_achieved(Decimal("5"), Decimal("5"), Decimal("5")) is None
    assert percent_achieved(Decimal("5"), Decimal("5.0000"), Decimal("6")) is None


@pytest.mark.parametrize("missing", ["baseline", "target", "realised"])
def test_a_missing_value_gives_no_percent(missing):
    values = {"baseline": Decimal("6.25"), "target": Decimal("5.75"), "realised": Decimal("6")}
    values[missing] = None
    assert percent_achieved(values["baseline"], values["target"], values["realised"]) is None


def test_budget_absorption():
    assert absorption(Decimal("625000000"), Decimal("1250000000")) == Decimal("50.00")
    assert absorption(Decimal("1500000000"), Decimal("1250000000")) == Decimal("120.00")
    assert absorption(None, Decimal("1")) is None
    assert absorption(Decimal("1"), None) is None
    assert absorption(Decimal("1"), Decimal("0")) is None


@pytest.mark.parametrize(("percent", "key"), [
    ("100", "very_high"), ("150", "very_high"), ("91", "very_high"), ("90.99", "high"), ("76", "high"),
    ("75.5", "medium"), ("66", "medium"), ("65", "low"), ("51", "low"), ("50.5", "very_low"),
    ("50", "very_low"), ("0", "very_low"), ("-40", "very_low"),
])
def test_the_five_bands_of_the_regulation(percent, key):
    assert band(Decimal(percent)).key == key


def test_no_band_without_a_percent_and_drawing_clamps_only_the_bar():
    assert band(None) is None
    assert for_drawing(Decimal("150")) == 100.0
    assert for_drawing(Decimal("-50")) == 0.0
    assert for_drawing(Decimal("42.5")) == 42.5
    assert for_drawing(None) == 0.0
