import math

import numpy as np
import pytest

from analysis.text.calibration import (
    Bin,
    expected_calibration_error,
    neutral_band,
    reliability,
)


def test_reliability_bins_by_hand():
    probs = np.array([0.05, 0.15, 0.18, 0.5, 0.95, 1.0])
    labels = np.array([0, 0, 1, 1, 1, 1])
    table = reliability(probs, labels, bins=10)
    assert [b.n for b in table] == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2]  # 0.5 goes up, 1.0 in the last
    assert table[1].predicted == pytest.approx(0.165) and table[1].observed == 0.5
    assert math.isnan(table[2].predicted)
    # ECE by hand: (1·0.05 + 2·|0.165 − 0.5| + 1·0.5 + 2·|0.975 − 1|) / 6
    expected = (0.05 + 2 * 0.335 + 0.5 + 2 * 0.025) / 6
    assert expected_calibration_error(table) == pytest.approx(expected)


def test_perfectly_calibrated_bins_have_no_error():
    table = [Bin(0.0, 0.5, 4, 0.25, 0.25), Bin(0.5, 1.0, 4, 0.75, 0.75)]
    assert expected_calibration_error(table) == 0.0


def test_neutral_band_covers_the_unsure_bins_symmetrically():
    table = [
        Bin(0.3, 0.4, 10, 0.35, 0.30),  # 2:1 for negative: outside
        Bin(0.4, 0.5, 10, 0.45, 0.40),
        Bin(0.5, 0.6, 10, 0.55, 0.55),
        Bin(0.6, 0.7, 10, 0.65, 0.66),  # just under 2/3: inside
        Bin(0.7, 0.8, 10, 0.75, 0.80),
    ]
    assert neutral_band(table) == pytest.approx((0.3, 0.7))
    assert neutral_band([Bin(0.9, 1.0, 5, 0.95, 1.0)]) == (0.4, 0.6)
