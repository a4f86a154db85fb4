"""`analysis.stats.analyses`: the analysis builder's specs checked, run, and the same through
`python -m analysis stats --analysis` (exit 0 / 1 for the data / 2 for the spec)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.oneway import anova_oneway
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.tools import add_constant

from analysis.stats.analyses import SpecError, run_analysis, validate_spec
from analysis.stats.cli import main
from analysis.stats.errors import StatsWarning, UnknownColumnError

pytestmark = pytest.mark.filterwarnings("ignore::analysis.stats.errors.StatsWarning")

DEFINITION = {
    "schema_version": 1,
    "title": "外卖满意度",
    "pages": [
        {
            "id": "p1",
            "questions": [
                {
                    "id": "tier",
                    "type": "single_choice",
                    "title": "城市等级",
                    "options": [
                        {"value": "a", "label": "一线"},
                        {"value": "b", "label": "二线"},
                        {"value": "c", "label": "三线"},
                    ],
                },
                {
                    "id": "buy",
                    "type": "single_choice",
                    "title": "是否复购",
                    "options": [{"value": "y", "label": "是"}, {"value": "n", "label": "否"}],
                },
                {"id": "score", "type": "number", "title": "花费"},
                {"id": "stars", "type": "rating", "title": "评分", "max": 5},
                {"id": "why", "type": "short_text", "title": "原因"},
                {
                    "id": "grid",
                    "type": "matrix",
                    "title": "各方面",
                    "rows": [
                        {"value": "speed", "label": "速度"},
                        {"value": "taste", "label": "口味"},
                    ],
                    "options": [{"value": str(k)} for k in range(1, 6)],
                },
                {
                    "id": "uses",
                    "type": "multiple_choice",
                    "title": "用途",
                    "options": [{"value": "x"}, {"value": "z"}],
                },
            ],
        }
    ],
}

# Repurchase by tier: a 40 of 50, b 25 of 50, c 20 of 50 say yes.
YES = {"a": 40, "b": 25, "c": 20}


def make_frame(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for tier, yes in YES.items():
        for i in range(50):
            shift = {"a": 1.0, "b": 0.0, "c": -0.5}[tier]
            speed = int(rng.integers(1, 6))
            rows.append(
                {
                    "tier": tier,
                    "buy": "y" if i < yes else "n",
                    "score": round(float(rng.normal(50 + 10 * shift, 5 + 5 * (tier == "c"))), 2),
                    "stars": int(np.clip(round(3 + shift + rng.normal(0, 1)), 1, 5)),
                    "why": "送得快",
                    "grid/speed": str(speed),
                    "grid/taste": str(int(rng.integers(1, 6))),
                    "uses/x": 1,
                    "uses/z": 0,
                }
            )
    frame = pd.DataFrame(rows)
    frame.insert(0, "response_id", range(1, len(frame) + 1))
    frame["duration_s"] = 120.0
    return frame


@pytest.fixture
def frame():
    return make_frame()


BAD = [
    ({"kind": "pie"}, "unknown_kind", "kind"),
    ({"kind": "banner", "row": "buy", "columns": ["tier"], "colour": 1}, "unknown_key", "colour"),
    ({"kind": "banner", "row": "buy", "columns": []}, "missing", "columns"),
    ({"kind": "banner", "row": "buy"}, "missing", "columns"),
    ({"kind": "banner", "row": "nope", "columns": ["tier"]}, "unknown_question", "row"),
    ({"kind": "compare", "metric": "why", "by": "tier"}, "wrong_type", "metric"),
    ({"kind": "compare", "metric": "score", "by": "score"}, "wrong_type", "by"),
    ({"kind": "banner", "row": "buy", "columns": ["uses"]}, "wrong_type", "columns"),
    ({"kind": "banner", "row": "buy", "columns": ["grid"]}, "wrong_type", "columns"),
    ({"kind": "banner", "row": "tier", "columns": ["tier"]}, "same_question", "columns"),
    ({"kind": "drivers", "outcome": "stars", "drivers": ["stars"]}, "same_question", "drivers"),
    ({"kind": "compare", "metric": "stars", "by": "tier", "where": []}, "bad_filter", "where"),
    ({"kind": "compare", "metric": "stars", "by": "tier", "where": {"zz": ["a"]}},
     "unknown_question", "where"),
    ({"kind": "compare", "metric": "stars", "by": "tier", "where": {"tier": []}},
     "bad_filter", "where"),
    ({"kind": "compare", "metric": "stars", "by": "tier", "weighted": "yes"},
     "not_boolean", "weighted"),
    ({"kind": "compare", "metric": "stars", "by": "tier", "alpha": 0}, "bad_alpha", "alpha"),
    (["banner"], "not_an_object", None),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "code", "field"), BAD)
def test_a_bad_spec_names_its_problem_and_field(spec, code, field):
    with pytest.raises(SpecError) as caught:
        validate_spec(DEFINITION, spec)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_an_unknown_question_is_a_usage_error():
    with pytest.raises(UnknownColumnError):
        validate_spec(DEFINITION, {"kind": "banner", "row": "nope", "columns": ["tier"]})


def test_defaults_are_filled_in():
    spec = validate_spec(DEFINITION, {"kind": "compare", "metric": "stars", "by": "tier"})
    assert spec == {
        "kind": "compare",
        "metric": "stars",
        "by": "tier",
        "where": {},
        "exclude_flagged": False,
        "weighted": False,
        "alpha": 0.05,
    }


def test_data_problems_are_refused_with_their_code(frame):
    banner = {"kind": "banner", "row": "buy", "columns": ["tier"]}
    cases = [
        (frame.iloc[:0], banner, "no_responses"),
        (frame, {**banner, "where": {"tier": ["d"]}}, "empty_filter"),
        (frame.assign(buy=None), banner, "all_missing"),
        (frame.assign(score=np.nan), {"kind": "compare", "metric": "score", "by": "tier"},
         "all_missing"),
        (frame, {**banner, "weighted": True}, "no_weights"),
        (frame, {"kind": "correlation_matrix", "questions": ["score"]}, "too_few"),
    ]  # fmt: skip
    for data, spec, code in cases:
        with pytest.raises(SpecError) as caught:
            run_analysis(DEFINITION, data, spec)
        assert caught.value.code == code


def test_banner_letters_follow_the_pairwise_z_tests_with_bonferroni(frame):
    result = run_analysis(DEFINITION, frame, {"kind": "banner", "row": "buy", "columns": ["tier"]})
    table = result["result"]
    assert table["tests"] == {
        "proportions": "z_pooled",
        "means": None,
        "correction": "bonferroni",
        "family": "each row within each column question",
    }
    letters = {c["value"]: c["letter"] for c in table["columns"][1:]}
    yes = next(r for r in table["rows"] if r["value"] == "y")
    # Reference: statsmodels' pooled two-proportion z-test, p × 3 pairs (Bonferroni).
    expected = {t: [] for t in YES}
    for a, b in (("a", "b"), ("a", "c"), ("b", "c")):
        _z, p = proportions_ztest([YES[a], YES[b]], [50, 50])
        if min(1.0, 3 * p) < 0.05:
            expected[a if YES[a] > YES[b] else b].append(letters[b if YES[a] > YES[b] else a])
    got = {c["value"]: yes["letters"][i + 1] for i, c in enumerate(table["columns"][1:])}
    assert got == {t: sorted(v) for t, v in expected.items()}
    assert got["a"] == ["B", "C"]  # 80 % against 50 % and 40 %
    assert result["n"] == 150 and table["title"] == "是否复购"
    assert table["titles"] == {"tier": "城市等级"}


def test_compare_is_welch_anova_as_statsmodels(frame):
    result = run_analysis(DEFINITION, frame, {"kind": "compare", "metric": "score", "by": "tier"})
    res = result["result"]
    groups = [frame.loc[frame["tier"] == t, "score"].to_numpy() for t in ("a", "b", "c")]
    reference = anova_oneway(groups, use_var="unequal")
    assert res["test"] == "welch_anova"
    assert res["statistic"] == pytest.approx(reference.statistic, rel=1e-9)
    assert res["p"] == pytest.approx(reference.pvalue, rel=1e-6)
    assert res["group_labels"] == {"a": "一线", "b": "二线", "c": "三线"}
    assert res["metric_title"] == "花费"


def test_correlation_matrix_uses_spearman_when_an_answer_is_ordinal(frame):
    spec = {"kind": "correlation_matrix", "questions": ["score", "stars", "grid"]}
    res = run_analysis(DEFINITION, frame, spec)["result"]
    assert res["method"] == "spearman"
    assert res["columns"] == ["score", "stars", "grid/speed", "grid/taste"]
    assert res["titles"][2] == "各方面 · 速度"
    numbers = frame[["score", "stars", "grid/speed", "grid/taste"]].astype(float)
    reference = numbers.corr(method="spearman").to_numpy()  # pandas' own rank correlation
    assert np.allclose(np.array(res["r"], dtype=float), reference, atol=1e-12)


def test_drivers_betas_match_statsmodels_ols_on_z_scores(frame):
    spec = {"kind": "drivers", "outcome": "score", "drivers": ["stars", "grid"]}
    res = run_analysis(DEFINITION, frame, spec)["result"]
    data = frame[["score", "stars", "grid/speed", "grid/taste"]].astype(float)
    z = (data - data.mean()) / data.std(ddof=1)
    fit = OLS(z["score"], add_constant(z[["stars", "grid/speed", "grid/taste"]])).fit()
    for name in ("stars", "grid/speed", "grid/taste"):
        assert res["drivers"][name]["beta"] == pytest.approx(fit.params[name], abs=1e-10)
        assert res["drivers"][name]["beta_se"] == pytest.approx(fit.bse[name], rel=1e-6)
    assert res["r_squared"] == pytest.approx(fit.rsquared, abs=1e-10)


def test_filter_and_flagged_exclusion_are_counted(frame):
    spec = {"kind": "compare", "metric": "score", "by": "tier", "where": {"buy": ["y"]}}
    result = run_analysis(DEFINITION, frame, spec)
    assert result["n"] == sum(YES.values()) and result["filtered_out"] == 150 - 85
    speeders = frame.assign(duration_s=[1.0] * 10 + [120.0] * 140)
    flagged = run_analysis(DEFINITION, speeders, {**spec, "where": {}, "exclude_flagged": True})
    assert flagged["n"] + flagged["excluded"] == 150 and flagged["excluded"] >= 10


def test_weighted_analyses_say_so(frame):
    w = np.where(frame["tier"] == "a", 0.5, 2.0)
    spec = {"kind": "banner", "row": "buy", "columns": ["tier"], "weighted": True}
    result = run_analysis(DEFINITION, frame, spec, weights=w)
    assert result["weighted"] and result["result"]["tests"]["proportions"] == "z_linearised"
    unweighted = run_analysis(DEFINITION, frame, {**spec, "weighted": False}, weights=w)
    assert not unweighted["weighted"]  # weights given but not asked for: not used


def write(tmp_path, frame, spec):
    (tmp_path / "d.json").write_text(json.dumps(DEFINITION, ensure_ascii=False), encoding="utf-8")
    frame.to_csv(tmp_path / "r.csv", index=False)
    (tmp_path / "s.json").write_text(json.dumps(spec), encoding="utf-8")
    return ["--definition", str(tmp_path / "d.json"), "--responses", str(tmp_path / "r.csv")]


def test_the_cli_prints_the_same_dict(tmp_path, frame, capsys):
    spec = {"kind": "banner", "row": "buy", "columns": ["tier"], "where": {"stars": ["3", "4"]}}
    args = write(tmp_path, frame, spec)
    assert main([*args, "--analysis", str(tmp_path / "s.json")]) == 0
    printed = json.loads(capsys.readouterr().out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        from analysis.stats.table import read_responses

        expected = run_analysis(DEFINITION, read_responses(tmp_path / "r.csv"), spec)
    assert printed == expected


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ({"kind": "banner", "row": "nope", "columns": ["tier"]}, 2),  # unknown question
        ({"kind": "compare", "metric": "why", "by": "tier"}, 2),  # text as a metric
        ({"kind": "banner", "row": "buy", "columns": ["tier"], "where": {"tier": ["d"]}}, 1),
        ({"kind": "banner", "row": "buy", "columns": ["tier"], "weighted": True}, 2),
    ],
)
def test_the_cli_exit_codes(tmp_path, frame, capsys, spec, code):
    args = write(tmp_path, frame, spec)
    assert main([*args, "--analysis", str(tmp_path / "s.json")]) == code
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err


def test_an_unreadable_spec_is_a_usage_error(tmp_path, frame, capsys):
    args = write(tmp_path, frame, {})
    (tmp_path / "s.json").write_text("{", encoding="utf-8")
    assert main([*args, "--analysis", str(tmp_path / "s.json")]) == 2
    assert "cannot read the analysis spec" in capsys.readouterr().err
