"""Raking to target margins, checked by hand (closed-form 2×2 cases) and against `ipfn`
(Forthomme's independent N-dimensional IPF, PyPI `ipfn` 1.4.4), plus every refusal."""

import numpy as np
import pandas as pd
import pytest
from ipfn import ipfn

from analysis.stats.errors import StatsInputError, StatsWarning, UnknownColumnError
from analysis.stats.raking import rake


def two_by_two() -> pd.DataFrame:
    """100 respondents: (男, 一线) 40, (男, 二线) 10, (女, 一线) 20, (女, 二线) 30."""
    cells = [("男", "一线", 40), ("男", "二线", 10), ("女", "一线", 20), ("女", "二线", 30)]
    rows = [(g, t) for g, t, k in cells for _ in range(k)]
    return pd.DataFrame(rows, columns=["gender", "tier"])


TWO_BY_TWO_TARGETS = {"gender": {"男": 0.5, "女": 0.5}, "tier": {"一线": 0.4, "二线": 0.6}}


def cell_weights(frame, weights, columns=("gender", "tier")) -> dict:
    found = pd.Series(weights).groupby([frame[c] for c in columns]).agg(["min", "max"])
    assert np.allclose(found["min"], found["max"])  # raking gives one weight per cell
    return found["min"].to_dict()


def test_a_two_by_two_converges_to_the_closed_form_that_keeps_the_odds_ratio():
    # IPF keeps the sample's odds ratio (Deming & Stephan 1940; Bishop, Fienberg & Holland
    # 1975 §3.5): OR = 40·30 / (10·20) = 6. With p11 = x the margins give p12 = .5 − x,
    # p21 = .4 − x, p22 = .1 + x, and x(.1 + x) = 6(.5 − x)(.4 − x) ⇔ 5x² − 5.5x + 1.2 = 0,
    # x = (5.5 − 2.5)/10 = 0.3. Raked shares .3 .2 .1 .4 over counts 40 10 20 30 (n = 100)
    # are weights .75, 2, .5, 4/3 (mean 1).
    frame = two_by_two()
    result = rake(frame, TWO_BY_TWO_TARGETS, tolerance=1e-12)
    assert cell_weights(frame, result.weights) == pytest.approx(
        {("男", "一线"): 0.75, ("男", "二线"): 2.0, ("女", "一线"): 0.5, ("女", "二线"): 4 / 3}
    )
    assert result.converged and result.max_error < 1e-12
    # Kish: n·Σw²/(Σw)² = (40·.5625 + 10·4 + 20·.25 + 30·16/9) / 100 = 120.8333/100.
    assert result.design_effect == pytest.approx(1.2083333333, rel=1e-9)
    assert result.effective_n == pytest.approx(100 / 1.2083333333, rel=1e-9)
    assert (result.min_weight, result.max_weight, result.weight_ratio) == pytest.approx((0.5, 2, 4))
    assert result.trimmed == 0


def test_the_achieved_margins_are_reported_beside_targets_and_the_unweighted_sample():
    frame = two_by_two()
    fits = {(f.variable, f.value): f for f in rake(frame, TWO_BY_TWO_TARGETS).margins}
    # Unweighted: 男 50/100, 一线 60/100; raked to the targets.
    assert fits["gender", "男"].unweighted == pytest.approx(0.5)
    assert fits["tier", "一线"].unweighted == pytest.approx(0.6)
    assert fits["tier", "一线"].n == 60
    assert fits["tier", "一线"].target == pytest.approx(0.4)
    assert fits["tier", "一线"].achieved == pytest.approx(0.4, abs=1e-6)


def test_one_margin_is_reached_in_one_pass_with_weight_target_over_sample_share():
    # 一线 60 % of the sample against a target of 40 %: weight .4/.6 = 2/3; 二线 .6/.4 = 1.5.
    frame = two_by_two()
    result = rake(frame, {"tier": {"一线": 0.4, "二线": 0.6}})
    assert result.iterations == 1
    assert cell_weights(frame, result.weights, ("tier",)) == pytest.approx(
        {"一线": 2 / 3, "二线": 1.5}
    )


def test_count_targets_give_weights_summing_to_the_population_total():
    frame = two_by_two()
    counts = {"gender": {"男": 5000, "女": 5000}, "tier": {"一线": 4000, "二线": 6000}}
    result = rake(frame, counts)
    assert result.weights.sum() == pytest.approx(10_000)
    assert cell_weights(frame, result.weights)[("男", "二线")] == pytest.approx(200)


def test_three_margins_agree_with_the_independent_ipfn_implementation():
    rng = np.random.default_rng(20)
    n = 5000
    frame = pd.DataFrame(
        {
            "tier": rng.choice(["一线", "二线", "三线"], n, p=[0.5, 0.3, 0.2]),
            "gender": rng.choice(["男", "女"], n, p=[0.6, 0.4]),
            "age": rng.choice(["18-29", "30-44", "45+"], n, p=[0.5, 0.35, 0.15]),
        }
    )
    targets = {
        "tier": {"一线": 0.2, "二线": 0.35, "三线": 0.45},
        "gender": {"男": 0.49, "女": 0.51},
        "age": {"18-29": 0.25, "30-44": 0.35, "45+": 0.40},
    }
    result = rake(frame, targets, tolerance=1e-10)

    # ipfn fits the 3-way table of sample counts to the target counts; a respondent's weight
    # is fitted / sampled count of their cell.
    levels = [list(targets[c]) for c in targets]
    seed = pd.crosstab([frame["tier"], frame["gender"]], frame["age"]).reindex(
        index=pd.MultiIndex.from_product(levels[:2]), columns=levels[2]
    )
    seed = seed.to_numpy(dtype=float).reshape(3, 2, 3)
    aggregates = [np.array([targets[c][v] * n for v in targets[c]]) for c in targets]
    fitted = ipfn.ipfn(
        seed.copy(), aggregates, [[0], [1], [2]], convergence_rate=1e-12, max_iteration=10_000
    ).iteration()
    reference = fitted / seed
    mine = cell_weights(frame, result.weights, ("tier", "gender", "age"))
    for (t, g, a), weight in mine.items():
        i, j, k = levels[0].index(t), levels[1].index(g), levels[2].index(a)
        assert weight == pytest.approx(reference[i, j, k], rel=1e-6)


def test_base_weights_are_the_starting_point():
    # Doubling the design weight of everyone in 男 leaves the one-margin answer unchanged
    # (raking to gender undoes it) but moves the tier-only answer: 一线 holds 40·2 + 20 = 100
    # of 120 weight units; targets .4/.6 → 一线 weights ×(.4·120/100)… scaled to mean 1.
    frame = two_by_two()
    base = np.where(frame["gender"] == "男", 2.0, 1.0)
    result = rake(frame, {"tier": {"一线": 0.4, "二线": 0.6}}, base_weights=base)
    # Weighted 一线 total 100, 二线 total 10·2 + 30 = 50, sum 150; factors .4·150/100 = .6 and
    # .6·150/50 = 1.8; then scaled by 100/150: (男,一线) 2·.6·2/3 = .8, (女,一线) .4,
    # (男,二线) 2·1.8·2/3 = 2.4, (女,二线) 1.2.
    assert cell_weights(frame, result.weights) == pytest.approx(
        {("男", "一线"): 0.8, ("女", "一线"): 0.4, ("男", "二线"): 2.4, ("女", "二线"): 1.2}
    )


def test_trimming_caps_the_weights_and_re_raking_still_meets_the_margins():
    # Untrimmed, (男, 二线) gets 2.0 (the closed form above). Capped at 1.8 × the mean (1),
    # the margins fix the rest: 男: 40·w11 + 10·1.8 = 50 → w11 = .8; 一线: 40·.8 + 20·w21 = 40
    # → w21 = .4; 女: 20·.4 + 30·w22 = 50 → w22 = 1.4; 二线: 18 + 42 = 60 ✓.
    frame = two_by_two()
    result = rake(frame, TWO_BY_TWO_TARGETS, trim=(0.3, 1.8), tolerance=1e-9, max_iter=5000)
    assert cell_weights(frame, result.weights) == pytest.approx(
        {("男", "一线"): 0.8, ("男", "二线"): 1.8, ("女", "一线"): 0.4, ("女", "二线"): 1.4},
        rel=1e-6,
    )
    assert result.trimmed == 10
    assert result.max_weight <= 1.8 * result.weights.mean() * (1 + 1e-6)


def test_trimming_bounds_that_the_margins_cannot_meet_are_refused_or_warned():
    frame = two_by_two()
    with pytest.raises(StatsInputError, match="trimming bounds are too tight"):
        rake(frame, {"tier": {"一线": 0.4, "二线": 0.6}}, trim=(0.9, 1.1))
    with pytest.warns(StatsWarning, match="did not reach"):
        result = rake(frame, {"tier": {"一线": 0.4, "二线": 0.6}}, trim=(0.9, 1.1), strict=False)
    assert not result.converged
    assert result.weight_ratio == pytest.approx(1.1 / 0.9)  # the last pass held both bounds


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({"tier": {"一线": 0.5, "二线": 0.3}}, r"sum to 0\.8, not 1 \(±0\.01 allowed\)"),
        ({"tier": {"一线": 0.4, "二线": 0.5, "三线": 0.1}}, "nobody answered '三线'"),
        ({"tier": {"一线": 1.0}}, "answers without a target: 二线"),
        ({"tier": {"一线": 1.0, "二线": 0}}, "'二线' has a target of 0 but 40 respondents"),
        ({"tier": {"一线": -0.2, "二线": 1.2}}, "must be a number ≥ 0"),
        ({"tier": {"一线": "四成", "二线": 0.6}}, "is not a number"),
        (
            {"tier": {"一线": 400, "二线": 600}, "gender": {"男": 50, "女": 60}},
            "same population total",
        ),
        ({"tier": {"一线": 400, "二线": 600}, "gender": {"男": 0.5, "女": 0.5}}, "all shares"),
        ({}, "no raking variables"),
    ],
)
def test_bad_targets_are_refused_with_the_variable_named(margins, message):
    with pytest.raises(StatsInputError, match=message):
        rake(two_by_two(), margins)


def test_shares_off_by_rounding_are_accepted_and_rescaled():
    result = rake(two_by_two(), {"gender": {"男": 0.333, "女": 0.664}})  # 99.7 %
    fits = {f.value: f for f in result.margins}
    assert fits["男"].target == pytest.approx(0.333 / 0.997)
    assert fits["男"].achieved == pytest.approx(0.333 / 0.997, abs=1e-6)


def test_missing_answers_on_a_raking_variable_are_refused():
    frame = two_by_two()
    frame.loc[:4, "tier"] = np.nan
    with pytest.raises(StatsInputError, match="5 responses have no answer") as caught:
        rake(frame, TWO_BY_TWO_TARGETS)
    assert caught.value.location == "tier"


def test_other_bad_calls():
    frame = two_by_two()
    with pytest.raises(StatsInputError, match="no responses"):
        rake(frame.iloc[:0], TWO_BY_TWO_TARGETS)
    with pytest.raises(UnknownColumnError):
        rake(frame, {"city": {"北京": 1.0}})
    with pytest.raises(StatsInputError, match="0 < low ≤ 1 ≤ high"):
        rake(frame, TWO_BY_TWO_TARGETS, trim=(2, 3))
    with pytest.raises(StatsInputError, match="base weights must be positive"):
        rake(frame, TWO_BY_TWO_TARGETS, base_weights=np.zeros(100))
    with pytest.raises(StatsInputError, match="3 base weights for 100 rows"):
        rake(frame, TWO_BY_TWO_TARGETS, base_weights=[1, 2, 3])
