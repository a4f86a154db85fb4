"""Every chart draws Chinese with the bundled CJK font: no missing glyph, PNG and SVG written.

matplotlib reports a missing glyph as a UserWarning ("Glyph ... missing from font(s)"); the
test turns every warning into an error while drawing, besides the project-wide filter.
"""

import importlib.util
import json
import warnings
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from analysis.charts import (
    bar_chart,
    crosstab_heatmap,
    figure_bytes,
    histogram_chart,
    ipa_chart,
    kano_chart,
    likert_chart,
    nps_chart,
    render_summary_charts,
    save_figure,
)
from analysis.charts.style import diverging_colours

STATS_TESTS = Path(__file__).resolve().parents[1] / "stats"

CHARTS = {
    "bar": lambda: bar_chart(
        ["微信", "微博", "小红书（含短视频）"],
        [41.0, 39.5, 12.0],
        [[35.0, 47.0], [33.0, 45.0], [8.0, 17.0]],
        title="您通过哪些渠道了解我们？",
    ),
    "likert": lambda: likert_chart(
        ["价格", "速度", "客服"],
        ["非常不满意", "不满意", "一般", "满意", "非常满意"],
        [[10, 20, 30, 25, 15], [5, 10, 20, 40, 25], [30, 30, 20, 10, 10]],
        title="满意程度",
    ),
    "nps": lambda: nps_chart(35.0, 40.0, 25.0, 10.0, [2.0, 18.0], title="推荐意愿"),
    "histogram": lambda: histogram_chart(
        [17.5, 22.5, 27.5, 32.5], [3, 9, 4], title="年龄分布", xlabel="岁"
    ),
    "heatmap": lambda: crosstab_heatmap(
        ["男", "女"],
        ["一线", "二线", "三线及以下"],
        [[50, 30, 20], [20, 30, 50]],
        [[3.1, 0.2, -3.3], [-3.1, -0.2, 3.3]],
        title="性别 × 城市级别",
    ),
    "kano": lambda: kano_chart(
        {"深色模式": {"better": 0.7, "worse": -0.2}, "离线下载": {"better": 0.4, "worse": -0.8}}
    ),
    "ipa": lambda: ipa_chart(
        {
            "价格": {"importance": 4.5, "performance": 2.9, "quadrant": "concentrate_here"},
            "客服": {"importance": 3.1, "performance": 4.2, "quadrant": "possible_overkill"},
        },
        3.8,
        3.5,
    ),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_renders_chinese_without_missing_glyphs(name, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = CHARTS[name]()
        paths = save_figure(fig, tmp_path / name)
    assert isinstance(fig, Figure)
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_cjk_font_is_the_one_used():
    from matplotlib.font_manager import findfont

    from analysis.charts.style import chart_style
    from analysis.fonts import cjk_font_path

    with chart_style():
        fig = bar_chart(["男"], [50.0])
        text = fig.axes[0].title
        assert Path(findfont(text.get_fontproperties())) == cjk_font_path()


def test_figure_bytes_and_bad_format():
    assert figure_bytes(CHARTS["bar"](), "svg").startswith(b"<?xml")
    with pytest.raises(ValueError):
        figure_bytes(CHARTS["bar"](), "gif")
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [1.0])


def test_diverging_colours_are_symmetric():
    assert len(diverging_colours(7)) == 7
    five = diverging_colours(5)
    assert five[2] == diverging_colours(3)[1]  # the neutral grey in the middle
    assert len(diverging_colours(4)) == 4


def test_all_charts_of_a_summary(tmp_path):
    spec = importlib.util.spec_from_file_location("stats_helpers", STATS_TESTS / "stats_helpers.py")
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    DATA, make_responses = helpers.DATA, helpers.make_responses
    from analysis.stats import summarise

    definition = json.loads((DATA / "demo_definition.json").read_text(encoding="utf-8"))
    summary = summarise(
        definition, make_responses(120), crosstabs=[("sat", "city")], ipa=("imp", "attrs")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        paths = render_summary_charts(summary, tmp_path, formats=("png",))
    names = {p.stem for p in paths}
    assert {
        "question_gender",
        "question_nps",
        "question_attrs",
        "question_age",
        "question_rank",
        "crosstab_1",
        "kano",
        "ipa",
    } <= names
    assert "question_comment" not in names  # text answers belong to the text engine
