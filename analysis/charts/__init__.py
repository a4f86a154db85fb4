"""Charts of the statistics engine: matplotlib figures in the house style with a CJK font.

    from analysis.charts import bar_chart, save_figure
    save_figure(bar_chart(["男", "女"], [48.0, 52.0], [[43, 53], [47, 57]], title="性别"), "out/q1")

Every chart function takes plain numbers and returns a `matplotlib.figure.Figure`;
`render_summary_charts(summary, DIR)` draws everything a `summarise` result holds.
"""

from analysis.charts.maps import crosstab_heatmap, ipa_chart, kano_chart
from analysis.charts.plots import bar_chart, histogram_chart, likert_chart, nps_chart
from analysis.charts.style import figure_bytes, save_figure
from analysis.charts.summary import question_figure, render_summary_charts
from analysis.charts.trend import trend_chart

__all__ = [
    "bar_chart",
    "crosstab_heatmap",
    "figure_bytes",
    "histogram_chart",
    "ipa_chart",
    "kano_chart",
    "likert_chart",
    "nps_chart",
    "question_figure",
    "render_summary_charts",
    "save_figure",
    "trend_chart",
]
