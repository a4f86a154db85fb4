"""`python -m analysis stats`: JSON contract, Chinese report, charts and errors.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import json
import shutil

import pytest
from stats_helpers import DATA

from analysis.__main__ import main as analysis_main


@pytest.fixture
def files(tmp_path, responses):
    definition = tmp_path / "def.json"
    shutil.copy(DATA / "demo_definition.json", definition)
    table = tmp_path / "r.csv"
    responses.to_csv(table, index=False, encoding="utf-8-sig")
    return definition, table


def test_json_output(files, capsys):
    definition, table = files
    code = analysis_main(
        [
            "stats",
            "--definition",
            str(definition),
            "--responses",
            str(table),
            "--crosstab",
            "sat",
            "city",
            "--compare",
            "age",
            "gender",
            "--scale",
            "sat_scale=attrs",
            "--exclude-flagged",
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == out["n_total"] - out["excluded"]
    assert out["crosstabs"][0]["row"] == "sat" and out["crosstabs"][0]["test"] == "chi2"
    assert out["comparisons"][0]["metric"] == "age"
    assert 0 < out["scales"]["sat_scale"]["alpha"] <= 1
    assert out["questions"]["gender"]["counts"]["1"] > 0


def test_chinese_report_and_charts(files, tmp_path, capsys):
    definition, table = files
    charts = tmp_path / "charts"
    code = analysis_main(
        [
            "stats",
            "--definition",
            str(definition),
            "--responses",
            str(table),
            "--ipa",
            "imp",
            "attrs",
            "--charts",
            str(charts),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "样本量" in text and "NPS" in text and "重要性–表现分析" in text
    assert (charts / "question_nps.png").exists() and (charts / "ipa.svg").exists()


def test_unknown_column_exits_2_with_the_place(files, capsys):
    definition, table = files
    code = analysis_main(
        [
            "stats",
            "--definition",
            str(definition),
            "--responses",
            str(table),
            "--crosstab",
            "nope",
            "city",
        ]
    )
    assert code == 2
    assert "nope" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        analysis_main(["stats", "--scale", "broken"])
    assert exc.value.code == 2
