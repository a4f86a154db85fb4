"""The tables of issue 20 through `summarise` and `python -m analysis stats`: banners, the
correlation matrix, reverse-keyed scales and weighted drivers.

References: α by the covariance form k/(k−1)·(1 − trace C / ΣC) (Cronbach 1951) on items
recoded by hand from the definition's 1–5 scale; statsmodels WLS for the weighted R² of the
drivers; the building blocks themselves are checked in test_stats_banner / _matrix /
_drivers / _scales. Tolerance: relative 1e-6.
"""

import json
import shutil

import numpy as np
import pytest
import statsmodels.api as sm
from stats_helpers import DATA

from analysis.__main__ import main as analysis_main
from analysis.stats import StatsWarning, prepare_frame, summarise
from analysis.stats.banner import banner_table


def test_summarise_carries_banners_matrix_and_reverse_keyed_scales(definition, responses):
    # the demo's attrs/speed is keyed like the others: reversing it makes α negative
    with pytest.warns(StatsWarning, match="negative"):
        out = summarise(
            definition,
            responses,
            banners=[("sat", ["gender", "city"]), ("channels", "city")],
            correlation_matrix=["sat", "nps", "attrs/price"],
            scales={"体验": {"items": ["attrs"], "reverse": ["attrs/speed"]}},
        )
    data = prepare_frame(definition, responses)
    direct = banner_table(data, definition, "sat", ["gender", "city"])
    assert out["banners"][0]["rows"][0]["counts"] == direct["rows"][0]["counts"]
    assert out["banners"][1]["row_kind"] == "multiple"
    assert out["banners"][1]["banners"][0]["question"] == "city"
    matrix = out["correlation_matrix"]
    assert matrix["method"] == "spearman" and matrix["columns"] == ["sat", "nps", "attrs/price"]
    scale = out["scales"]["体验"]
    assert scale["reverse"] == ["attrs/speed"]
    items = data[[f"attrs/{r}" for r in ("price", "speed", "service", "quality")]]
    block = items.apply(lambda s: s.astype(float)).dropna().to_numpy(copy=True)
    block[:, 1] = 1 + 5 - block[:, 1]  # the matrix's scale runs 1..5
    c = np.cov(block, rowvar=False)
    assert scale["alpha"] == pytest.approx(4 / 3 * (1 - np.trace(c) / c.sum()))
    assert scale["caution"] == "negative_alpha"
    json.dumps(out, allow_nan=False)


def test_weights_reach_scales_drivers_and_banners(definition, responses):
    w = np.random.default_rng(3).gamma(2.0, 1.0, len(responses))
    out = summarise(
        definition,
        responses,
        weights=w,
        scales={"体验": ["attrs"]},
        drivers=("sat", ["attrs"]),
        banners=[("sat", ["city"])],
    )
    assert out["scales"]["体验"]["weighted"] is True
    assert out["banners"][0]["weighted"] is True
    d = out["drivers"]
    assert d["weighted"] is True and d["se_method"] == "linearised"
    data = prepare_frame(definition, responses)
    names = [f"attrs/{r}" for r in ("price", "speed", "service", "quality")]
    frame = data[["sat", *names]].apply(lambda s: s.astype(float))
    frame["w"] = w
    frame = frame.dropna()
    fit = sm.WLS(frame["sat"], sm.add_constant(frame[names]), weights=frame["w"]).fit()
    assert d["r_squared"] == pytest.approx(fit.rsquared)  # R² does not change with z-scores


@pytest.fixture
def files(tmp_path, responses):
    definition = tmp_path / "def.json"
    shutil.copy(DATA / "demo_definition.json", definition)
    table = tmp_path / "r.csv"
    responses.to_csv(table, index=False, encoding="utf-8-sig")
    return ["stats", "--definition", str(definition), "--responses", str(table)]


TABLE_FLAGS = [
    "--banner",
    "sat=gender,city",
    "--banner",
    "channels=city",
    "--correlation-matrix",
    "sat,nps,attrs/price",
    "--scale",
    "体验=attrs/price,-attrs/speed,attrs/service",
    "--drivers",
    "sat=attrs",
]


def test_cli_json_has_the_tables(files, capsys):
    with pytest.warns(StatsWarning, match="negative"):
        assert analysis_main([*files, *TABLE_FLAGS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [b["row"] for b in out["banners"]] == ["sat", "channels"]
    assert out["banners"][0]["columns"][1]["letter"] == "A"
    assert out["scales"]["体验"]["reverse"] == ["attrs/speed"]
    assert out["scales"]["体验"]["items"] == ["attrs/price", "attrs/speed", "attrs/service"]
    assert len(out["correlation_matrix"]["r"]) == 3
    assert "lmg" in out["drivers"]["drivers"]["attrs/price"]


def test_cli_chinese_report_names_tests_and_corrections(files, capsys):
    with pytest.warns(StatsWarning, match="negative"):
        assert analysis_main([*files, *TABLE_FLAGS]) == 0
    text = capsys.readouterr().out
    assert "== 横幅表 ==" in text and "Bonferroni 校正" in text
    assert "两比例 z 检验" in text and "未加权" in text
    assert "== 相关矩阵（Spearman ρ，成对删除，BH 校正）" in text
    assert "反向计分（最小值 + 最大值 − 原分）：attrs/speed" in text
    assert "LMG = " in text and "OLS 标准误" in text
    assert "校正题总相关" in text


@pytest.mark.parametrize(
    ("flags", "code", "where"),
    [
        (["--banner", "sat=不存在"], 2, "不存在"),
        (["--banner", "sat=channels"], 1, "channels"),
        (["--correlation-matrix", "sat,没有"], 2, "没有"),
        (["--scale", "体验=-comment,sat"], 1, "comment"),
    ],
)
def test_cli_bad_table_requests_are_messages(files, capsys, flags, code, where):
    assert analysis_main([*files, *flags]) == code
    assert where in capsys.readouterr().err


def test_cli_one_column_matrix_is_a_usage_error(files, capsys):
    with pytest.raises(SystemExit) as exc:
        analysis_main([*files, "--correlation-matrix", "sat"])
    assert exc.value.code == 2 and "--correlation-matrix" in capsys.readouterr().err
