"""Group, paired and one-sample tests through `summarise`, the Chinese report and the CLI.

The statistics themselves are checked against their references in test_stats_groups*.py and
test_stats_paired.py; here: the options reach them, the JSON is strict, the text says them.
"""

import json
import shutil
import warnings

import numpy as np
import pytest
from stats_helpers import DATA

from analysis.__main__ import main as analysis_main
from analysis.stats import StatsInputError, summarise
from analysis.stats.narrative import format_report
from analysis.stats.paired import paired_test


def quiet_summary(definition, responses, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarise(definition, responses, **options)


def test_paired_and_one_sample_tests_in_the_summary(definition, responses):
    out = quiet_summary(
        definition,
        responses,
        paired=[("attrs/price", "attrs/speed"), ("age", "nps")],
        one_sample=[("age", 30)],
        comparisons=[("age", "city")],
    )
    json.dumps(out, allow_nan=False)
    ordinal, numeric = out["paired_tests"]
    assert ordinal["test"] == "wilcoxon_signed_rank"  # Likert rows are ordinal
    assert (ordinal["first"], ordinal["second"]) == ("attrs/price", "attrs/speed")
    direct = paired_test(responses.assign(age=responses["age"]), "age", "nps")
    assert numeric["test"] == "paired_t" and numeric["p"] == pytest.approx(direct["p"])
    single = out["one_sample_tests"][0]
    assert single["test"] == "one_sample_t" and single["column"] == "age"
    assert out["multiple_testing"]["tests"] == 4  # all run together enter the BH family
    text = format_report(out)
    assert "配对与单样本检验" in text and "Wilcoxon 符号秩检验" in text
    assert "age 对比 30.00" in text and "单样本 t 检验" in text


def test_equal_var_option_gives_fisher_anova_and_tukey(definition, responses):
    welch = quiet_summary(definition, responses, comparisons=[("age", "city")])
    fisher = quiet_summary(definition, responses, comparisons=[("age", "city")], equal_var=True)
    assert welch["comparisons"][0]["test"] == "welch_anova"
    assert {p["method"] for p in welch["comparisons"][0]["posthoc"]} == {"games_howell"}
    assert fisher["comparisons"][0]["test"] == "anova"
    assert fisher["comparisons"][0]["reason"] == "equal_var_requested_several_groups"
    assert {p["method"] for p in fisher["comparisons"][0]["posthoc"]} == {"tukey_hsd"}
    assert "Games–Howell" in format_report(welch) and "Tukey HSD" in format_report(fisher)


def test_report_says_the_difference_interval_and_newcombe_for_a_share(definition, responses):
    out = quiet_summary(
        definition, responses, comparisons=[("age", "check"), ("channels/wx", "check")]
    )
    means, share = out["comparisons"]
    assert means["difference"]["ci_low"] < means["difference"]["difference"]
    assert share["proportion_difference"]["method"] == "newcombe_hybrid_score"
    text = format_report(out)
    assert "均值差（" in text and "Newcombe 区间" in text and "Cohen's d" in text


def test_weighted_report_names_the_design_based_test(definition, responses):
    responses = responses.assign(w=np.linspace(0.5, 2.0, len(responses)))
    out = quiet_summary(
        definition, responses, weights="w", comparisons=[("age", "check"), ("sat", "city")]
    )
    two, ranks = out["comparisons"]
    assert two["test"] == "weighted_t" and ranks["test"] == "weighted_rank_f"
    assert "proportion_difference" not in two
    text = format_report(out)
    assert "加权均值的 t 检验（设计标准误，同 R svyttest）" in text
    assert "加权秩分的 Wald F 检验" in text


@pytest.mark.parametrize("one_sample", [[("age", "三十")], [("age", float("inf"))], [("age",)]])
def test_bad_one_sample_value_is_a_stats_input_error(definition, responses, one_sample):
    with pytest.raises(StatsInputError):
        quiet_summary(definition, responses, one_sample=one_sample)


@pytest.fixture
def files(tmp_path, responses):
    definition = tmp_path / "def.json"
    shutil.copy(DATA / "demo_definition.json", definition)
    table = tmp_path / "r.csv"
    responses.to_csv(table, index=False, encoding="utf-8-sig")
    return ["--definition", str(definition), "--responses", str(table)]


def test_cli_paired_one_sample_and_equal_var(files, capsys):
    extra = ["--equal-var", "--compare", "age", "city", "--paired", "age", "nps"]
    code = analysis_main(["stats", *files, "--json", *extra, "--one-sample", "age=30"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["comparisons"][0]["test"] == "anova"
    assert out["paired_tests"][0]["test"] == "paired_t"
    assert out["one_sample_tests"][0]["value"] == 30


@pytest.mark.parametrize("value", ["age", "age=很多", "age=inf"])
def test_cli_bad_one_sample_is_a_usage_error(files, capsys, value):
    with pytest.raises(SystemExit) as caught:
        analysis_main(["stats", *files, "--one-sample", value])
    assert caught.value.code == 2
    assert "--one-sample takes COLUMN=NUMBER" in capsys.readouterr().err


def test_cli_paired_with_an_unknown_column_is_a_usage_error(files, capsys):
    assert analysis_main(["stats", *files, "--paired", "age", "无此列"]) == 2
    assert "无此列" in capsys.readouterr().err
