"""`summarise`: the JSON contract, options, and the edge cases of the issue.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from stats_helpers import make_responses

from analysis.stats import StatsInputError, StatsWarning, summarise
from analysis.stats.narrative import format_report


def strict_json(summary: dict) -> dict:
    return json.loads(json.dumps(summary, allow_nan=False))


def test_contract_keys(definition, responses):
    out = summarise(
        definition,
        responses,
        crosstabs=[("sat", "city")],
        comparisons=[("age", "city"), ("attrs/price", "gender")],
        scales={"满意度": ["attrs"]},
        drivers=("sat", ["attrs"]),
        ipa=("imp", "attrs"),
    )
    strict_json(out)
    assert out["n"] == len(responses)
    q = out["questions"]
    assert {"counts", "percent", "ci"} <= set(q["city"])
    assert {"mean", "sd", "median", "ci"} <= set(q["age"])
    assert {"nps", "ci", "promoters", "passives", "detractors"} <= set(q["nps"])
    assert "intro" not in q  # a note has no answers
    t = out["crosstabs"][0]
    assert {"row", "col", "test", "chi2", "dof", "p", "cramers_v"} <= set(t)
    c = out["comparisons"][0]
    assert {"metric", "by", "test", "statistic", "p", "effect_size"} <= set(c)
    assert out["comparisons"][1]["test"] == "kruskal_wallis"  # a Likert row is ordinal
    assert "alpha" in out["scales"]["满意度"]
    assert out["multiple_testing"]["tests"] == 3
    assert all(0 <= x["p_adjusted"] <= 1 for x in out["crosstabs"] + out["comparisons"])
    assert set(out["ipa"]["attributes"]) == {"price", "speed", "service", "quality"}
    text = format_report(out)
    assert "样本量" in text and "交叉分析" in text and "Cronbach" in text


def test_nps_in_summary_matches_direct_count(definition, responses):
    out = summarise(definition, responses)["questions"]["nps"]
    x = responses["nps"]
    expected = ((x >= 9).mean() - (x <= 6).mean()) * 100
    assert out["nps"] == pytest.approx(expected)


def test_segment_filter_and_weights(definition, responses):
    only_t1 = summarise(definition, responses, where={"city": ["t1"]})
    assert only_t1["n"] == (responses["city"] == "t1").sum()
    assert only_t1["filtered_out"] == len(responses) - only_t1["n"]
    w = np.where(responses["gender"] == "1", 2.0, 1.0)
    weighted = summarise(definition, responses.assign(w=w), weights="w")
    share = (w * (responses["gender"] == "1")).sum() / w.sum() * 100
    assert weighted["questions"]["gender"]["percent"]["1"] == pytest.approx(share)
    assert weighted["weighted"] is True
    with pytest.raises(StatsInputError):
        summarise(definition, responses, weights=-w)


def test_bad_pairs_name_the_problem(definition, responses):
    with pytest.raises(StatsInputError, match="attrs"):
        summarise(definition, responses, crosstabs=[("attrs", "city")])
    with pytest.raises(StatsInputError, match="comment"):
        summarise(definition, responses, comparisons=[("comment", "city")])


def run_quietly(definition, frame, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        return strict_json(summarise(definition, frame, **kw))


def test_no_responses(definition, responses):
    out = run_quietly(
        definition,
        responses.iloc[:0],
        crosstabs=[("sat", "city")],
        comparisons=[("age", "city")],
        scales={"s": ["attrs"]},
    )
    assert out["n"] == 0
    assert out["questions"]["city"]["percent"]["t1"] is None
    assert out["questions"]["nps"]["nps"] is None
    assert out["crosstabs"][0]["p"] is None and out["comparisons"][0]["test"] is None


def test_one_response(definition, responses):
    out = run_quietly(definition, responses.iloc[:1])
    age = out["questions"]["age"]
    assert age["n"] == 1 and age["sd"] is None and age["ci"] == [None, None]


def test_all_same_answer(definition):
    frame = make_responses(20)
    frame["city"] = "t2"
    frame["age"] = 30.0
    out = run_quietly(definition, frame, crosstabs=[("sat", "city")], comparisons=[("age", "city")])
    assert out["questions"]["city"]["percent"]["t2"] == 100.0
    assert out["questions"]["age"]["sd"] == 0.0
    assert out["crosstabs"][0]["test"] is None
    assert out["comparisons"][0]["reason"] == "single_group"


def test_all_missing(definition):
    frame = make_responses(10)
    for col in frame.columns:
        if col not in ("response_id", "submitted_at", "duration_s"):
            frame[col] = None
    out = run_quietly(definition, frame)
    assert all(q["n"] == 0 for q in out["questions"].values())
    assert out["questions"]["age"]["mean"] is None
    assert out["questions"]["dark"]["category"] is None


def test_sus_question(responses):
    rows = [{"value": f"s{i}", "label": f"第{i}题"} for i in range(1, 11)]
    scale = [{"value": str(k), "label": str(k)} for k in range(1, 6)]
    definition = {
        "pages": [
            {
                "id": "p",
                "questions": [
                    {"id": "sus", "type": "matrix", "title": "SUS", "rows": rows, "options": scale}
                ],
            }
        ]
    }
    frame = pd.DataFrame({f"sus/s{i}": ["5" if i % 2 else "1", "3"] for i in range(1, 11)})
    out = summarise(definition, frame, sus_question="sus")
    assert out["sus"]["score"] == pytest.approx(75.0)  # (100 + 50) / 2


def test_correlations_choose_spearman_for_ordinal_answers(definition, responses):
    from scipy import stats

    out = summarise(definition, responses, correlations=[("age", "nps"), ("sat", "nps")])
    numeric, ordinal = out["correlations"]
    assert numeric["method"] == "pearson" and ordinal["method"] == "spearman"
    assert ordinal["r"] == pytest.approx(
        stats.spearmanr(responses["sat"], responses["nps"]).statistic
    )
    assert all("p_adjusted" in c for c in out["correlations"])
    assert "相关分析" in format_report(out)


def test_weighted_nps_equals_replicated_responses():
    from analysis.stats import nps

    weighted = nps([10, 5, 8], weights=[3.0, 1.0, 2.0])
    replicated = nps([10, 10, 10, 5, 8, 8])
    assert weighted["nps"] == pytest.approx(replicated["nps"])
    assert weighted["promoters"] == pytest.approx(50.0)


def test_report_says_in_chinese_when_a_number_is_not_to_be_trusted(definition, responses):
    data = responses.copy()
    data["attrs/speed"] = data["attrs/price"]  # two identical drivers
    data.loc[data["gender"] == data["gender"].iloc[0], "age"] = 30.0  # one group without variance
    with pytest.warns(StatsWarning):
        out = summarise(
            definition,
            data.head(2),
            scales={"满意度": ["attrs"]},
        )
        assert out["scales"]["满意度"]["caution"] == "too_few_respondents"
        text = format_report(out)
        assert "完整作答者少于 3 人，α 无法计算" in text
        out = summarise(
            definition,
            data,
            comparisons=[("age", "gender")],
            drivers=("sat", ["attrs"]),
        )
    strict_json(out)
    assert out["comparisons"][0]["caution"] == "zero_variance_group"
    assert out["comparisons"][0]["p"] is None
    assert out["drivers"]["drivers"]["attrs/speed"]["beta"] is None
    text = format_report(out)
    assert "组内所有答案都相同，方差为 0，均值比较无法计算" in text
    assert "标准化 β = 无法确定" in text and "高度重合（VIF > 10）" in text


def test_segments_nps_are_compared_as_a_difference_of_nps(definition, responses):
    out = summarise(definition, responses, comparisons=[("nps", "gender")])
    pairs = out["comparisons"][0]["nps_differences"]
    groups = sorted(set(responses["gender"].dropna().astype(str)))
    assert len(pairs) == len(groups) * (len(groups) - 1) // 2
    pair = pairs[0]

    # the difference in points, from the counts of each segment (Reichheld's definition)
    def score(g):
        x = responses.loc[responses["gender"].astype(str) == g, "nps"].dropna()
        return ((x >= 9).mean() - (x <= 6).mean()) * 100

    assert pair["difference"] == pytest.approx(score(pair["a"]) - score(pair["b"]))
    assert pair["ci_low"] < pair["ci_high"] and pair["ci_method"] == "adjusted_wald"
    text = format_report(out)
    assert "NPS 差" in text


def test_a_weighted_report_says_what_is_weighted_and_what_is_not(definition, responses):
    w = np.where(responses["gender"] == "1", 2.5, 0.8)
    out = summarise(
        definition,
        responses,
        weights=w,
        crosstabs=[("gender", "city")],
        correlations=[("age", "nps")],
        comparisons=[("age", "gender")],
        scales={"满意度": ["attrs"]},
    )
    strict_json(out)
    assert out["crosstabs"][0]["test"] == "rao_scott" and out["crosstabs"][0]["weighted"]
    assert out["correlations"][0]["weighted"] and out["correlations"][0]["p_method"] == "design_t"
    # Merged with the groups and tables branches, comparisons and α are weighted too.
    for result in (out["comparisons"][0], out["scales"]["满意度"]):
        assert result["weighted"] is True and "unweighted_note" not in result
    assert all(q["weighted"] for q in out["questions"].values() if q["type"] != "long_text")
    text = format_report(out)
    assert (
        "已加权（调查权重）：各题百分比、均值、NPS、CSAT、SUS 及其置信区间（线性化标准误）、"
        "交叉表（Rao–Scott 校正卡方检验）、相关分析、组间比较、量表信度（α）；"
        "频数为未加权的答卷数"
    ) in text
    assert "age 按 gender：加权 Wald F 检验" in text and "满意度：Cronbach's α" in text
    assert "（未加权）" not in text
    assert "Rao–Scott 校正卡方检验（加权），F = " in text
    assert "百分比与均值已加权；显著性检验基于未加权样本" not in text


def test_an_unweighted_report_has_no_weighting_sentence(definition, responses):
    out = summarise(definition, responses, crosstabs=[("gender", "city")])
    assert out["crosstabs"][0]["weighted"] is False and out["crosstabs"][0]["test"] == "chi2"
    text = format_report(out)
    assert "已加权" not in text and "未加权" not in text
