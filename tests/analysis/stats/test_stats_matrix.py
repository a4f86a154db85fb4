"""Correlation matrix: r, n, p per pair with pairwise deletion, BH over the matrix.

References: pandas `DataFrame.corr` (pairwise complete, Pearson and Spearman), statsmodels
`multipletests(method="fdr_bh")` for the adjustment, statsmodels OLS t-test of the slope for
Pearson's p (the same t with n − 2 df as R `cor.test`). Tolerance: relative 1e-6.
"""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

from analysis.stats.errors import StatsInputError, UnknownColumnError
from analysis.stats.matrix import UNWEIGHTED_NOTE, correlation_matrix, correlation_takes_weights


@pytest.fixture
def scores():
    rng = np.random.default_rng(12)
    n = 90
    trait = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "满意": np.clip((3 + trait + rng.normal(size=n)).round(), 1, 5),
            "推荐": np.clip((6 + 2 * trait + rng.normal(scale=2, size=n)).round(), 0, 10),
            "价格": rng.integers(1, 6, n).astype(float),
            "年龄": rng.normal(30, 6, n).round(),
        }
    )
    frame.loc[[1, 5, 9], "推荐"] = np.nan
    frame.loc[[2, 5], "价格"] = np.nan
    return frame


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_matrix_matches_pandas_pairwise_and_bh_over_the_pairs(scores, method):
    cols = list(scores.columns)
    out = correlation_matrix(scores, cols, method=method)
    ref = scores.corr(method=method)
    k = len(cols)
    for i in range(k):
        for j in range(k):
            assert out["r"][i][j] == pytest.approx(ref.iloc[i, j])
            both = scores[[cols[i], cols[j]]].dropna()
            assert out["n"][i][j] == len(both)
    upper = [(i, j) for i in range(k) for j in range(i + 1, k)]
    adjusted = multipletests([out["p"][i][j] for i, j in upper], method="fdr_bh")[1]
    for (i, j), p in zip(upper, adjusted, strict=True):
        assert out["p_adjusted"][i][j] == pytest.approx(p)
        assert out["p_adjusted"][j][i] == pytest.approx(p)
    assert out["tests"] == 6 and out["correction"] == "benjamini_hochberg"
    assert math.isnan(out["p"][0][0])


def test_pearson_p_is_the_t_test_of_the_slope(scores):
    out = correlation_matrix(scores, ["满意", "推荐"])
    both = scores[["满意", "推荐"]].dropna()
    fit = sm.OLS(both["推荐"], sm.add_constant(both["满意"])).fit()
    assert out["p"][0][1] == pytest.approx(fit.pvalues["满意"])
    assert out["n"][0][1] == 87


def test_weights_are_used_or_said_not_to_be(scores):
    out = correlation_matrix(scores, ["满意", "推荐"], weights=np.ones(len(scores)))
    if correlation_takes_weights():
        assert out["weighted"] is True and out["note"] is None
    else:
        assert out["weighted"] is False and out["note"] == UNWEIGHTED_NOTE
    assert correlation_matrix(scores, ["满意", "推荐"])["note"] is None


def test_bad_matrix_inputs(scores):
    with pytest.raises(UnknownColumnError):
        correlation_matrix(scores, ["满意", "没有"])
    with pytest.raises(StatsInputError, match="two or more"):
        correlation_matrix(scores, ["满意"])
    with pytest.raises(StatsInputError, match="pearson or spearman"):
        correlation_matrix(scores, ["满意", "推荐"], method="kendall")
