"""Banner tables and multiple-response sets: counts, column %, significance letters.

References: statsmodels `proportions_ztest` (pooled two-proportion z-test, the SPSS column
proportions test) and `ttest_ind` (pooled two-sample t), `multipletests` for Holm; the
Bonferroni adjustment min(1, m·p) over the m pairs of one row of one column question (SPSS
CTABLES "Adjust p-values for multiple comparisons: Bonferroni"); weighted shares and their
linearised variance written out by hand (Lumley 2010, *Complex Surveys*, §2.4: for a domain
mean, var = n/(n−1) · Σ_{i∈d} w_i²(y_i − ȳ_d)² / (Σ_{i∈d} w_i)²). Tolerance: relative 1e-6.
"""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import ttest_ind

from analysis.stats import json_ready
from analysis.stats.banner import banner_table, column_letter, multiple_response_table
from analysis.stats.errors import StatsInputError, UnknownColumnError
from analysis.stats.table import prepare_frame

SCALE = [
    {"value": str(k), "label": lab} for k, lab in enumerate(["差", "较差", "一般", "好", "很好"], 1)
]
DEFINITION = {
    "schema_version": 1,
    "title": "横幅表测试",
    "pages": [
        {
            "id": "p1",
            "questions": [
                {
                    "id": "city",
                    "type": "dropdown",
                    "title": "城市级别",
                    "options": [
                        {"value": "t1", "label": "一线"},
                        {"value": "t2", "label": "二线"},
                        {"value": "t3", "label": "三线"},
                    ],
                },
                {
                    "id": "gender",
                    "type": "single_choice",
                    "title": "性别",
                    "options": [{"value": "m", "label": "男"}, {"value": "f", "label": "女"}],
                },
                {"id": "sat", "type": "rating", "title": "满意度", "max": 5},
                {
                    "id": "channels",
                    "type": "multiple_choice",
                    "title": "了解渠道",
                    "options": [
                        {"value": "wx", "label": "微信"},
                        {"value": "dy", "label": "抖音"},
                        {"value": "xhs", "label": "小红书"},
                    ],
                },
                {
                    "id": "attrs",
                    "type": "matrix",
                    "title": "各方面满意度",
                    "rows": [{"value": "price", "label": "价格"}],
                    "options": [*SCALE, {"value": "na", "label": "不适用", "scored": False}],
                },
                {"id": "note", "type": "long_text", "title": "建议"},
            ],
        }
    ],
}


@pytest.fixture
def frame():
    rng = np.random.default_rng(31)
    n = 400
    city = rng.choice(["t1", "t2", "t3"], n, p=[0.3, 0.4, 0.3])
    lift = np.select([city == "t1", city == "t2"], [1.0, 0.0], -0.8)
    sat = np.clip(np.round(3 + lift + rng.normal(size=n)), 1, 5)
    raw = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "city": city,
            "gender": rng.choice(["m", "f"], n),
            "sat": sat,
            "attrs/price": np.where(rng.random(n) < 0.1, "na", sat.astype(int).astype(str)),
            "note": None,
        }
    )
    for v, p in (("wx", 0.6), ("dy", 0.3), ("xhs", 0.2)):
        raw[f"channels/{v}"] = (rng.random(n) < p + 0.25 * (city == "t1")).astype(float)
    silent = rng.random(n) < 0.1  # did not answer the multiple choice at all
    raw.loc[silent, ["channels/wx", "channels/dy", "channels/xhs"]] = np.nan
    raw.loc[rng.random(n) < 0.05, "city"] = None
    return prepare_frame(DEFINITION, raw)


def _letters_expected(pairs, estimates, alpha=0.05):
    letters = {i: set() for i in range(len(estimates))}
    for (i, j), p in pairs.items():
        if p < alpha:
            hi, lo = (i, j) if estimates[i] > estimates[j] else (j, i)
            letters[hi].add(column_letter(lo - 1))
    return [sorted(letters[i]) for i in range(len(estimates))]


def test_column_proportions_are_spss_z_tests_with_bonferroni_per_row(frame):
    out = banner_table(frame, DEFINITION, "sat", ["city", "gender"])
    assert [c["letter"] for c in out["columns"]] == [None, "A", "B", "C", "D", "E"]
    assert out["tests"] == {
        "proportions": "z_pooled",
        "means": "t_pooled",
        "correction": "bonferroni",
        "family": "each row within each column question",
    }
    assert out["weighted"] is False
    answered = frame["sat"].notna()
    city = frame["city"].astype(object)
    columns = [answered] + [answered & (city == v) for v in ("t1", "t2", "t3")]
    columns += [answered & (frame["gender"].astype(object) == v) for v in ("m", "f")]
    any_letter = False
    for row in out["rows"]:
        hit = frame["sat"] == float(row["value"])
        counts = [int((hit & c).sum()) for c in columns]
        bases = [int(c.sum()) for c in columns]
        assert row["counts"] == counts
        assert row["percent"] == pytest.approx(
            [100 * x / n for x, n in zip(counts, bases, strict=True)]
        )
        estimates = [x / n for x, n in zip(counts, bases, strict=True)]
        raw = {}
        for pair in row["pairs"]:
            i, j = pair["a"], pair["b"]
            if not (0 < estimates[i] < 1 and 0 < estimates[j] < 1):  # SPSS leaves them out
                assert math.isnan(pair["p"]) and math.isnan(pair["p_adjusted"])
                continue
            z, p = proportions_ztest([counts[i], counts[j]], [bases[i], bases[j]])
            assert pair["statistic"] == pytest.approx(z) and pair["p"] == pytest.approx(p)
            raw[(i, j)] = p
        family = {}
        for (i, j), p in raw.items():  # Bonferroni within the cities, within the genders
            m = sum(1 for a, _ in raw if (a <= 3) == (i <= 3))
            family[(i, j)] = min(1.0, m * p)
            pair = next(x for x in row["pairs"] if (x["a"], x["b"]) == (i, j))
            assert pair["p_adjusted"] == pytest.approx(family[(i, j)])
        estimates = [x / n for x, n in zip(counts, bases, strict=True)]
        assert row["letters"] == _letters_expected(family, estimates)
        any_letter |= any(row["letters"])
    assert any_letter  # t1 is happier: the test can fail
    assert out["rows"][4]["label"] == "5"


def test_column_means_are_pooled_t_tests(frame):
    out = banner_table(frame, DEFINITION, "sat", ["city"])
    city = frame["city"].astype(object)
    groups = [frame["sat"].dropna()] + [
        frame["sat"][city == v].dropna() for v in ("t1", "t2", "t3")
    ]
    assert out["mean"]["mean"] == pytest.approx([g.mean() for g in groups])
    assert out["mean"]["sd"] == pytest.approx([g.std() for g in groups])
    family = {}
    for pair in out["mean"]["pairs"]:
        t, p, _ = ttest_ind(groups[pair["a"]], groups[pair["b"]], usevar="pooled")
        assert pair["statistic"] == pytest.approx(t) and pair["p"] == pytest.approx(p)
        family[(pair["a"], pair["b"])] = min(1.0, 3 * p)
    assert out["mean"]["letters"] == _letters_expected(family, [g.mean() for g in groups])
    assert out["mean"]["letters"][1] == ["B", "C"]  # 一线 above both others


def test_holm_correction_matches_statsmodels(frame):
    out = banner_table(frame, DEFINITION, "sat", ["city"], correction="holm")
    p = [pair["p"] for pair in out["mean"]["pairs"]]
    assert [pair["p_adjusted"] for pair in out["mean"]["pairs"]] == pytest.approx(
        multipletests(p, method="holm")[1]
    )
    assert out["tests"]["correction"] == "holm"


def test_weighted_banner_uses_weighted_shares_and_linearised_standard_errors(frame):
    w = np.random.default_rng(2).gamma(2.0, 1.0, len(frame))
    out = banner_table(frame, DEFINITION, "sat", ["city"], weights=w)
    assert out["weighted"] is True and out["tests"]["proportions"] == "z_linearised"
    n = len(frame)
    city = frame["city"].astype(object).to_numpy()
    answered = frame["sat"].notna().to_numpy()
    row = out["rows"][3]  # "4"
    y = (frame["sat"] == 4.0).to_numpy(dtype=float)
    share, var = [], []
    for domain in [answered] + [answered & (city == v) for v in ("t1", "t2", "t3")]:
        wd, yd = w[domain], y[domain]
        p = (wd * yd).sum() / wd.sum()
        share.append(p)
        var.append(n / (n - 1) * (wd**2 * (yd - p) ** 2).sum() / wd.sum() ** 2)
    assert row["percent"] == pytest.approx([100 * p for p in share])
    for pair in row["pairs"]:
        i, j = pair["a"], pair["b"]
        z = (share[i] - share[j]) / math.sqrt(var[i] + var[j])
        assert pair["statistic"] == pytest.approx(z)
    scaled = banner_table(frame, DEFINITION, "sat", ["city"], weights=w * 250)
    assert [p["statistic"] for p in scaled["rows"][3]["pairs"]] == pytest.approx(
        [p["statistic"] for p in row["pairs"]]
    )
    assert scaled["mean"]["se"] == pytest.approx(out["mean"]["se"])


def test_multiple_choice_as_a_set_cases_and_responses(frame):
    out = multiple_response_table(frame, DEFINITION, "channels", "city")
    assert out["row_kind"] == "multiple"
    block = frame[["channels/wx", "channels/dy", "channels/xhs"]]
    answered = block.notna().any(axis=1)
    city = frame["city"].astype(object)
    columns = [answered] + [answered & (city == v) for v in ("t1", "t2", "t3")]
    ticks = [block[c].sum() for c in columns]  # per option, per column
    for r, row in enumerate(out["rows"]):
        option = block.columns[r]
        counts = [int(block.loc[c, option].sum()) for c in columns]
        bases = [int(c.sum()) for c in columns]
        assert row["counts"] == counts
        assert row["percent"] == pytest.approx(
            [100 * x / b for x, b in zip(counts, bases, strict=True)]
        )
        assert row["percent_of_responses"] == pytest.approx(
            [100 * x / t.sum() for x, t in zip(counts, ticks, strict=True)]
        )
        for pair in row["pairs"]:
            i, j = pair["a"], pair["b"]
            _, p = proportions_ztest([counts[i], counts[j]], [bases[i], bases[j]])
            assert pair["p_adjusted"] == pytest.approx(min(1.0, 3 * p))
    assert out["columns"][0]["n"] == int(answered.sum()) < len(frame)
    assert out["columns"][0]["mentions"] == int(block.sum().sum())
    assert any(out["rows"][0]["letters"][1])  # 一线 ticks more


def test_matrix_row_with_not_scored_option(frame):
    out = banner_table(frame, DEFINITION, "attrs/price", ["gender"])
    assert [r["value"] for r in out["rows"]] == ["1", "2", "3", "4", "5", "na"]
    assert out["not_scored"] == ["na"]
    scored = frame["attrs/price"].astype(object).replace("na", None).dropna().astype(float)
    assert out["mean"]["n"][0] == len(scored)
    assert out["mean"]["mean"][0] == pytest.approx(scored.mean())


def test_columns_that_spss_leaves_out_of_comparisons_carry_no_letter():
    # 三线 has nobody at "5" (share 0) and one respondent only: SPSS does not compare a column
    # whose proportion is 0 or 1; a weighted cell of one respondent has a design SE of 0
    raw = pd.DataFrame(
        {
            "city": ["t1"] * 6 + ["t2"] * 6 + ["t3"],
            "sat": [5.0, 5, 5, 5, 4, 4, 1, 2, 2, 1, 5, 2, 3],
        }
    )
    with pytest.warns(UserWarning, match="missing from the response table"):
        frame = prepare_frame(DEFINITION, raw)
    out = banner_table(frame, DEFINITION, "sat", ["city"])
    five = out["rows"][4]
    assert five["percent"][3] == 0
    tested = {(p["a"], p["b"]): p["p"] for p in five["pairs"]}
    assert math.isnan(tested[(1, 3)]) and math.isnan(tested[(2, 3)])
    assert tested[(1, 2)] == pytest.approx(proportions_ztest([4, 1], [6, 6])[1])
    assert five["pairs"][0]["p_adjusted"] == pytest.approx(tested[(1, 2)])  # a family of 1
    weighted = banner_table(frame, DEFINITION, "sat", ["city"], weights=np.ones(13))
    assert all(math.isnan(p["p"]) for p in weighted["mean"]["pairs"] if 3 in (p["a"], p["b"]))
    assert weighted["mean"]["letters"][3] == []


def test_unscored_choice_has_no_mean_row(frame):
    out = banner_table(frame, DEFINITION, "city", ["gender"])
    assert out["mean"] is None and out["tests"]["means"] is None
    assert [r["label"] for r in out["rows"]] == ["一线", "二线", "三线"]


def test_result_is_strict_json(frame):
    import json

    out = json_ready(banner_table(frame, DEFINITION, "channels", ["city", "gender"]))
    json.dumps(out, allow_nan=False)


def test_column_letters_run_past_z():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


@pytest.mark.parametrize(
    ("row", "columns", "options", "error", "match"),
    [
        ("没有", ["city"], {}, UnknownColumnError, "没有"),
        ("sat", ["没有"], {}, UnknownColumnError, "没有"),
        ("sat", [], {}, StatsInputError, "at least one column"),
        ("sat", ["channels"], {}, StatsInputError, "cannot be a banner column"),
        ("attrs", ["city"], {}, StatsInputError, "one row at a time"),
        ("sat", ["attrs"], {}, StatsInputError, "qid/row"),
        ("note", ["city"], {}, StatsInputError, "cannot be the rows"),
        ("channels/wx", ["city"], {}, StatsInputError, "as a set"),
        ("city", ["city"], {}, StatsInputError, "its own banner column"),
        ("sat", ["city"], {"correction": "sidak"}, StatsInputError, "bonferroni"),
        ("sat", ["city"], {"alpha": 5}, StatsInputError, "alpha"),
        ("sat", ["city"], {"weights": [1.0, 2.0]}, StatsInputError, "weights"),
    ],
)
def test_bad_banner_inputs_get_the_engines_errors(frame, row, columns, options, error, match):
    with pytest.raises(error, match=match):
        banner_table(frame, DEFINITION, row, columns, **options)
