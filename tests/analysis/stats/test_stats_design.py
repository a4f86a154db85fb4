"""Linearised (design-based) variances of weighted estimates, checked by hand."""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.stats.design import kish_design_effect, linearised_variance, weighted_mean_se


def test_weighted_mean_se_matches_the_hand_computation_of_svymean():
    # y = 1,2,3,4 with weights 1,1,2,4: ȳ = 25/8; z_i = w_i(y_i − ȳ)/8 =
    # −0.265625, −0.140625, −0.03125, 0.4375; Σz² = 0.28271484375; var = 4/3 · Σz².
    mean, se = weighted_mean_se(np.array([1, 2, 3, 4]), np.array([1, 1, 2, 4]))
    assert mean == pytest.approx(3.125)
    assert se == pytest.approx(math.sqrt(0.376953125), rel=1e-12)


def test_equal_weights_give_the_standard_error_of_the_mean():
    y = np.array([3.0, 5, 4, 4, 2, 5, 1, 4])
    assert weighted_mean_se(y)[1] == pytest.approx(stats.sem(y), rel=1e-12)
    assert weighted_mean_se(y, np.full(y.size, 7.0))[1] == pytest.approx(stats.sem(y), rel=1e-12)


def test_scaling_the_weights_changes_nothing():
    rng = np.random.default_rng(3)
    y, w = rng.normal(size=50), rng.uniform(0.2, 3, size=50)
    domain = rng.random(50) < 0.4
    assert weighted_mean_se(y, w, domain) == pytest.approx(weighted_mean_se(y, w / w.sum(), domain))


def test_a_domain_keeps_the_full_sample_size_as_r_subset_does():
    # Domain {y: 1, 2} of four units, equal weights: ȳ_d = 1.5, z = −0.25, 0.25, 0, 0;
    # var = 4/3 · 0.125 (n = 4, not the 2 units inside the domain).
    y = np.array([1.0, 2, 9, 9])
    mean, se = weighted_mean_se(y, None, np.array([True, True, False, False]))
    assert mean == 1.5
    assert se == pytest.approx(math.sqrt(4 / 3 * 0.125))


def test_one_unit_has_no_variance_and_kish_deff_is_n_over_effective_n():
    assert math.isnan(linearised_variance(np.array([0.3])))
    assert kish_design_effect(np.array([1.0, 1, 1, 1])) == 1.0
    # w = 1, 3: n Σw²/(Σw)² = 2 · 10 / 16
    assert kish_design_effect(np.array([1.0, 3])) == pytest.approx(1.25)
