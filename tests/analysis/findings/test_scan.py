"""The insight scan: a planted difference is found with the right numbers, a null data set
yields nothing after Benjamini–Hochberg, small cells are flagged not claimed, and the fast
path equals the plain one cell for cell (unweighted and weighted)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from analysis.findings.scan import MIN_NPS_POINTS, raw_cells, scan, scan_items
from analysis.stats.table import prepare_frame
from tests import definitions as d

AGES = [("18-24", "18–24 岁"), ("25-34", "25–34 岁"), ("35-44", "35–44 岁"), ("45+", "45 岁以上")]
PLANS = [("free", "免费版"), ("pro", "专业版"), ("team", "团队版")]
DEFINITION = d.definition(
    d.page(
        "p1",
        d.nps(),
        d.rating("stars"),
        d.rating("ease", title="易用性"),
        d.single_choice("age", title="年龄", choices=AGES),
        d.single_choice("gender", title="性别", choices=[("m", "男"), ("f", "女")]),
        d.single_choice("plan", title="套餐", choices=PLANS),
    )
)
KEY = [{"kind": "nps", "question": "nps"}, {"kind": "csat", "question": "stars"}]


def _frame(n, seed, *, planted=False):
    rng = np.random.default_rng(seed)
    age = rng.choice([a for a, _ in AGES], n)
    nps = rng.choice(11, n, p=[0.02] * 5 + [0.05, 0.1, 0.15, 0.2, 0.2, 0.2])
    if planted:  # 25–34: a third of their promoters become detractors
        young = (age == "25-34") & (nps >= 9) & (rng.random(n) < 0.35)
        nps = np.where(young, rng.integers(0, 7, n), nps)
    raw = pd.DataFrame(
        {
            "nps": nps,
            "stars": rng.integers(1, 6, n),
            "ease": rng.integers(1, 6, n),
            "age": age,
            "gender": rng.choice(["m", "f"], n),
            "plan": rng.choice([p for p, _ in PLANS], n),
        }
    )
    return prepare_frame(DEFINITION, raw)


def _adjusted_wald(x):
    """Rocks (2016): p̃ = (count + ¾)/(n + 3); Var = p̃P + p̃D − (p̃P − p̃D)²."""
    n = len(x)
    pro, det = ((x >= 9).sum() + 0.75) / (n + 3), ((x <= 6).sum() + 0.75) / (n + 3)
    return pro - det, (pro + det - (pro - det) ** 2) / (n + 3)


def test_items_are_the_key_metrics_then_the_uncovered_ratings_and_choices():
    items = [(i.kind, i.question) for i in scan_items(DEFINITION, KEY)]
    assert items == [
        ("nps", "nps"), ("csat", "stars"), ("mean", "ease"),
        ("choice", "age"), ("choice", "gender"), ("choice", "plan"),
    ]  # fmt: skip


def test_a_planted_nps_gap_is_found_with_the_hand_computed_numbers():
    frame = _frame(3000, 1, planted=True)
    result = scan(DEFINITION, frame, key_metrics=KEY)
    top = result["claims"][0]
    assert (top["family"], top["segment"]["value"]) == ("nps", "25-34")
    assert top["segment"]["label"] == "25–34 岁"
    x = frame["nps"].to_numpy(dtype=float)
    young = frame["age"].to_numpy() == "25-34"
    nps_of = lambda v: ((v >= 9).mean() - (v <= 6).mean()) * 100  # noqa: E731
    assert top["difference"] == pytest.approx(nps_of(x[young]) - nps_of(x[~young]))
    assert top["difference"] <= -MIN_NPS_POINTS
    (ca, va), (cb, vb) = _adjusted_wald(x[young]), _adjusted_wald(x[~young])
    half = stats.norm.ppf(0.975) * math.sqrt(va + vb)
    assert top["ci"] == pytest.approx([(ca - cb - half) * 100, (ca - cb + half) * 100])
    assert top["p"] == pytest.approx(2 * stats.norm.sf(abs(ca - cb) / math.sqrt(va + vb)))
    assert top["n"] == {"segment": int(young.sum()), "rest": int((~young).sum())}
    assert top["groups"]["segment"]["value"] == pytest.approx(nps_of(x[young]))
    assert top["p_adjusted"] < 0.05 and top["effect"]["name"] == "nps_points"


def test_a_null_data_set_claims_nothing_after_the_correction():
    for seed in (2, 3, 4):
        result = scan(DEFINITION, _frame(3000, seed), key_metrics=KEY)
        assert result["tested"] >= 40
        assert result["claims"] == []


def test_cells_under_min_n_are_flagged_not_claimed():
    frame = _frame(3000, 5, planted=True)
    result = scan(DEFINITION, frame, key_metrics=KEY, min_n=2000)
    assert result["claims"] == [] and result["tested"] == 0
    assert any(s["segment"]["value"] == "25-34" and s["family"] == "nps" for s in result["small"])


def _cell(cells, metric, segment, level):
    return next(
        c
        for c in cells
        if c["item"].question == metric and c["segment"] == segment and c["level"] == level
    )


def test_each_test_matches_scipy_and_statsmodels():
    frame = _frame(600, 6)
    cells = raw_cells(DEFINITION, frame, key_metrics=KEY)
    young = (frame["age"] == "25-34").to_numpy()
    ease = frame["ease"].to_numpy(dtype=float)
    welch = stats.ttest_ind(ease[young], ease[~young], equal_var=False)
    mean = _cell(cells, "ease", "age", "25-34")
    assert mean["p"] == pytest.approx(welch.pvalue)
    sa, sb = ease[young].std(ddof=1), ease[~young].std(ddof=1)
    na, nb = young.sum(), (~young).sum()
    pooled = math.sqrt(((na - 1) * sa**2 + (nb - 1) * sb**2) / (na + nb - 2))
    assert mean["effect"] == pytest.approx((ease[young].mean() - ease[~young].mean()) / pooled)
    top2 = frame["stars"].to_numpy(dtype=float) >= 4
    share = _cell(cells, "stars", "age", "25-34")
    _, p = proportions_ztest([top2[young].sum(), top2[~young].sum()], [na, nb])
    assert share["p"] == pytest.approx(p)
    pa, pb = top2[young].mean(), top2[~young].mean()
    assert share["effect"] == pytest.approx(2 * math.asin(pa**0.5) - 2 * math.asin(pb**0.5))
    plan = _cell(cells, "plan", "age", "25-34")
    table = pd.crosstab(young, frame["plan"]).to_numpy()
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert plan["p"] == pytest.approx(p)
    assert plan["effect"] == pytest.approx(math.sqrt(chi2 / table.sum()))


@pytest.mark.parametrize("weighted", [False, True])
def test_the_fast_path_equals_the_plain_one_on_every_cell(weighted):
    frame = _frame(900, 7, planted=True)
    frame.loc[::17, "ease"] = np.nan  # blanks are left out of each cell alike
    frame.loc[::23, "age"] = np.nan
    weights = np.random.default_rng(8).uniform(0.3, 3.0, len(frame)) if weighted else None
    if weighted:
        weights[::31] = 0.0  # outside the sample
    fast = raw_cells(DEFINITION, frame, weights=weights, key_metrics=KEY)
    plain = raw_cells(DEFINITION, frame, weights=weights, key_metrics=KEY, method="plain")
    assert len(fast) == len(plain) > 30
    for a, b in zip(fast, plain, strict=True):
        assert (a["item"], a["segment"], a["level"]) == (b["item"], b["segment"], b["level"])
        for name in ("n_a", "n_b", "difference", "ci_low", "ci_high", "p", "effect"):
            if name in b:
                assert a[name] == pytest.approx(b[name], rel=1e-7, abs=1e-9, nan_ok=True), (
                    a["item"],
                    a["segment"],
                    a["level"],
                    name,
                )


def test_weighted_scan_claims_the_planted_gap_too():
    frame = _frame(3000, 9, planted=True)
    weights = np.random.default_rng(10).uniform(0.5, 2.0, len(frame))
    result = scan(DEFINITION, frame, weights=weights, key_metrics=KEY)
    assert result["weighted"] and result["claims"][0]["segment"]["value"] == "25-34"
    assert result["claims"][0]["weighted"] is True


def test_a_planted_choice_difference_is_claimed_with_cramers_v():
    frame = _frame(3000, 11)
    women = (frame["gender"] == "f").to_numpy()
    rng = np.random.default_rng(12)
    plan = np.where(women & (rng.random(len(frame)) < 0.4), "team", frame["plan"].to_numpy())
    frame["plan"] = pd.Series(plan, index=frame.index).astype(frame["plan"].dtype)
    result = scan(DEFINITION, frame, key_metrics=KEY)
    claim = next(c for c in result["claims"] if c["family"] == "choice")
    assert claim["metric"]["question"] == "plan" and claim["segment"]["question"] == "gender"
    table = pd.crosstab(frame["gender"] == claim["segment"]["value"], frame["plan"]).to_numpy()
    chi2, _, _, _ = stats.chi2_contingency(table, correction=False)
    assert claim["effect"]["value"] == pytest.approx(math.sqrt(chi2 / table.sum()))
    assert claim["option"]["value"] == "team"
    inside = (frame["gender"] == claim["segment"]["value"]).to_numpy()
    assert claim["option"]["segment"]["value"] == pytest.approx(
        (plan[inside] == "team").mean() * 100
    )
    assert claim["option"]["rest"]["value"] == pytest.approx((plan[~inside] == "team").mean() * 100)


def test_no_responses_and_an_unanswered_question_scan_to_nothing():
    empty = _frame(0, 13)
    assert scan(DEFINITION, empty, key_metrics=KEY)["claims"] == []
    frame = _frame(200, 14)
    frame["plan"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    assert scan(DEFINITION, frame, key_metrics=KEY)["tested"] > 0


def test_a_weighted_null_data_set_claims_nothing_either():
    frame = _frame(3000, 15)
    weights = np.random.default_rng(16).uniform(0.3, 3.0, len(frame))
    assert scan(DEFINITION, frame, weights=weights, key_metrics=KEY)["claims"] == []


SUS_ROWS = [(f"i{k}", f"第 {k} 题") for k in range(1, 11)]
SUS_DEFINITION = d.definition(
    d.page(
        "p1",
        d.matrix("sus", title="系统可用性", rows=SUS_ROWS),
        d.matrix("grid", title="各方面体验", rows=(("speed", "速度"), ("price", "价格"))),
        d.single_choice("age", title="年龄", choices=AGES),
    )
)


@pytest.mark.parametrize("weighted", [False, True])
def test_sus_and_a_matrix_rows_top_two_agree_on_both_paths(weighted):
    rng = np.random.default_rng(17)
    n = 800
    raw = {f"sus/i{k}": rng.integers(1, 6, n).astype(str) for k in range(1, 11)}
    raw |= {f"grid/{r}": rng.integers(1, 6, n).astype(str) for r in ("speed", "price")}
    raw["age"] = rng.choice([a for a, _ in AGES], n)
    frame = prepare_frame(SUS_DEFINITION, pd.DataFrame(raw))
    key = [{"kind": "sus", "question": "sus"}, {"kind": "top2", "question": "grid/speed"}]
    assert [(i.kind, i.question) for i in scan_items(SUS_DEFINITION, key)] == [
        ("sus", "sus"), ("top2", "grid/speed"), ("choice", "age"),
    ]  # fmt: skip
    weights = rng.uniform(0.5, 2.0, n) if weighted else None
    fast = raw_cells(SUS_DEFINITION, frame, weights=weights, key_metrics=key)
    plain = raw_cells(SUS_DEFINITION, frame, weights=weights, key_metrics=key, method="plain")
    assert len(fast) == len(plain) == 8
    for a, b in zip(fast, plain, strict=True):
        for name in ("n_a", "difference", "ci_low", "ci_high", "p", "effect"):
            assert a[name] == pytest.approx(b[name], rel=1e-7, abs=1e-9), name
