import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.text.corpus import document_terms, prepare
from analysis.text.keyness import keyness, log_likelihood, log_ratio


def test_g2_matches_a_hand_computation_and_scipy():
    # Rayson & Garside (2000): a=30 in 1000 words, b=10 in 2000 words.
    # E1 = 1000·40/3000 = 13.333, E2 = 26.667;
    # G² = 2(30 ln(30/13.333) + 10 ln(10/26.667)) = 2(24.328 − 9.808) = 29.04
    a, b, n1, n2 = 30, 10, 1000, 2000
    g2 = log_likelihood([a], [b], n1, n2)[0]
    assert g2 == pytest.approx(29.04, abs=0.005)
    expected = stats.power_divergence(
        [a, b], [n1 * 40 / 3000, n2 * 40 / 3000], lambda_="log-likelihood"
    ).statistic
    assert g2 == pytest.approx(expected)
    assert log_ratio([a], [b], n1, n2)[0] == pytest.approx(math.log2(0.03 / 0.005))


def test_zero_count_contributes_nothing_and_log_ratio_stays_finite():
    assert log_likelihood([5], [0], 100, 100)[0] == pytest.approx(2 * 5 * math.log(5 / 2.5))
    assert np.isfinite(log_ratio([5], [0], 100, 100)[0])


def test_keyness_on_two_known_groups_of_real_reviews(data_dir):
    reviews = pd.read_csv(data_dir / "reviews_slice.csv")
    docs = list(prepare(reviews["text"], meta=reviews[["label"]].to_dict("records")))
    negative = [document_terms(d) for d in docs if d.meta["label"] == 0]
    positive = [document_terms(d) for d in docs if d.meta["label"] == 1]
    table = keyness(negative, positive, min_count=3)
    top_negative = table[table["direction"] == "target"]["term"].head(15).tolist()
    top_positive = table[table["direction"] == "reference"]["term"].head(15).tolist()
    assert {"差", "退货"} & set(top_negative), top_negative
    assert {"不错", "喜欢", "满意"} & set(top_positive), top_positive
    row = table.iloc[0]
    assert row["p_value"] < 0.01
    assert (row["log_ratio"] > 0) == (row["direction"] == "target")


def test_keyness_needs_words_in_both_groups():
    with pytest.raises(ValueError):
        keyness([["价格"]], [[]])
