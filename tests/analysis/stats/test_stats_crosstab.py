"""Crosstabs against Agresti's worked example, Fisher's tea-tasting table and scipy.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import association
from stats_helpers import DATA

from analysis.stats import StatsWarning, adjusted_residuals, crosstab, independence_test


def expand(table: pd.DataFrame, row: str, col: str) -> pd.DataFrame:
    return table.loc[table.index.repeat(table["count"]), [row, col]].reset_index(drop=True)


def test_chi_square_and_residuals_match_agresti_table_2_5():
    # Agresti (2007) Table 2.5 and 2.6: X² = 30.07, df = 2; adjusted residuals to 2 decimals
    frame = expand(pd.read_csv(DATA / "agresti_party_gender.csv"), "gender", "party")
    out = crosstab(frame, "gender", "party")
    assert out["test"] == "chi2" and out["dof"] == 2
    assert out["chi2"] == pytest.approx(30.07, abs=0.005)
    assert out["p"] < 1e-6
    assert np.array(out["residuals"]) == pytest.approx(
        np.array([[4.50, 0.70, -5.32], [-4.50, -0.70, 5.32]]), abs=0.005
    )
    assert out["counts"] == [[762, 327, 468], [484, 239, 477]]
    assert out["row_percent"][0][0] == pytest.approx(762 / 1557 * 100)
    assert out["col_percent"][0][0] == pytest.approx(762 / 1246 * 100)
    counts = np.array(out["counts"])
    assert out["cramers_v"] == pytest.approx(association(counts, method="cramer"))


def test_fisher_exact_on_small_two_by_two_tea_tasting():
    # Fisher (1935) lady tasting tea: [[3, 1], [1, 3]], two-sided P = 0.486 (Agresti 2007 §2.6.2)
    out = independence_test(np.array([[3, 1], [1, 3]]))
    assert out["test"] == "fisher"
    assert out["p"] == pytest.approx(0.4857, abs=5e-5)


def test_adjusted_residual_formula_by_hand():
    # 2×2 [[10, 20], [30, 40]]: n = 100, μ11 = 30·40/100 = 12
    # r11 = (10 − 12) / √(12 · (1 − 0.3) · (1 − 0.4))
    r = adjusted_residuals(np.array([[10, 20], [30, 40]]))
    assert r[0, 0] == pytest.approx(-2 / math.sqrt(12 * 0.7 * 0.6))


def test_single_level_table_has_no_test():
    frame = pd.DataFrame({"a": ["x", "x", "x"], "b": ["1", "2", "1"]})
    out = crosstab(frame, "a", "b")
    assert out["test"] is None and math.isnan(out["p"])
    assert out["counts"] == [[2, 1]]


def test_sparse_table_warns_about_expected_counts():
    frame = pd.DataFrame({"a": list("xxyyzz"), "b": list("121212")})
    with pytest.warns(StatsWarning, match="expected counts"):
        crosstab(frame, "a", "b")


def test_weighted_percentages_keep_raw_counts():
    frame = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["1", "2", "1", "2"]})
    out = crosstab(frame, "a", "b", weights=np.array([3.0, 1.0, 1.0, 1.0]))
    assert out["counts"] == [[1, 1], [1, 1]]
    assert out["row_percent"][0] == pytest.approx([75.0, 25.0])
