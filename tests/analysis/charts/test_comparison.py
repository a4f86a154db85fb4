"""The segment-vs-rest chart: negative values and whiskers fit the axis, two series get a
legend, and the Chinese labels are drawn in the CJK font."""

import pytest

from analysis.charts.comparison import comparison_chart


def test_an_nps_below_zero_and_its_whiskers_fit_inside_the_axis():
    fig = comparison_chart(
        ["25–34 岁 (n=412)", "其他用户 (n=1588)"],
        ["推荐意愿"],
        [[-12.0, 6.0]],
        [[[-20.0, -4.0], [2.0, 10.0]]],
        title="推荐意愿",
        xlabel="NPS（分）",
    )
    low, high = fig.axes[0].get_xlim()
    assert low < -20 and high > 10
    assert fig.axes[0].get_yticklabels()[0].get_text().startswith("25–34")


def test_two_series_have_a_legend_and_unequal_lists_are_refused():
    fig = comparison_chart(
        ["搜索", "推荐"], ["25–34 岁", "其他用户"], [[45.0, 20.0], [28.0, 30.0]],
        [[[40, 50], [15, 25]], [[25, 31], [27, 33]]],
    )  # fmt: skip
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["25–34 岁", "其他用户"]
    with pytest.raises(ValueError):
        comparison_chart(["a"], ["x", "y"], [[1.0]], [[None]])
