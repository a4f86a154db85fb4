"""All charts of a `summarise` result, written as PNG and SVG into one directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from analysis.charts.maps import crosstab_heatmap, ipa_chart, kano_chart
from analysis.charts.plots import bar_chart, histogram_chart, likert_chart, nps_chart
from analysis.charts.style import FORMATS, save_figure


def _label(q: dict[str, Any], value: str) -> str:
    return str(q.get("labels", {}).get(value, value))


def question_figure(qid: str, q: dict[str, Any]) -> Figure | None:
    """The chart that fits a question's summary, or None (text, date, Kano, empty)."""
    title = q.get("title") or qid
    if not q.get("n"):
        return None
    if "nps" in q:
        return nps_chart(
            q["promoters"], q["passives"], q["detractors"], q["nps"], q["ci"], title=title
        )
    if "rows" in q and q["rows"] and "mean" in next(iter(q["rows"].values())):
        rows = [q.get("row_labels", {}).get(r, r) for r in q["rows"]]
        values = list(q["labels"])
        return likert_chart(
            rows,
            [q["labels"][v] for v in values],
            [[r["percent"].get(v) for v in values] for r in q["rows"].values()],
            title=title,
        )
    if q["type"] in ("number", "slider"):
        h = q["histogram"]
        # shares, not weighted counts: a weighted count depends on the scale of the weights
        return histogram_chart(h["edges"], h["percent"], title=title, ylabel="受访者占比 (%)")
    if q["type"] == "ranking":
        opts = q["options"]
        return bar_chart(
            [_label(q, v) for v in opts],
            [o["first_place_percent"] for o in opts.values()],
            [o["first_place_ci"] for o in opts.values()],
            title=title,
            xlabel="排第一的受访者占比 (%)",
        )
    if "percent" in q and q["type"] != "kano":
        ci = q.get("percent_ci") or q["ci"]
        note = "多选题：占受访者百分比" if q["type"] == "multiple_choice" else ""
        return bar_chart(
            [_label(q, v) for v in q["percent"]],
            list(q["percent"].values()),
            [ci[v] for v in q["percent"]],
            title=title,
            note=note,
        )
    return None


def render_summary_charts(
    summary: dict[str, Any], outdir: str | Path, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write one chart per question that has one, one heatmap per crosstab, a Kano chart of
    all Kano questions and the IPA chart when present. Returns the paths written."""
    outdir = Path(outdir)
    paths: list[Path] = []
    kano = {}
    for qid, q in summary["questions"].items():
        if q["type"] == "kano" and q.get("n"):
            kano[q.get("title") or qid] = q
            continue
        fig = question_figure(qid, q)
        if fig is not None:
            paths += save_figure(fig, outdir / f"question_{qid}", formats)
    for i, t in enumerate(summary.get("crosstabs", []), start=1):
        if not t["n"]:
            continue
        rq = summary["questions"].get(t["row"].split("/")[0], {})
        cq = summary["questions"].get(t["col"].split("/")[0], {})
        fig = crosstab_heatmap(
            [_label(rq, v) for v in t["row_values"]],
            [_label(cq, v) for v in t["col_values"]],
            t["row_percent"],
            t["residuals"],
            title=f"{rq.get('title', t['row'])} × {cq.get('title', t['col'])}",
        )
        paths += save_figure(fig, outdir / f"crosstab_{i}", formats)
    if kano:
        paths += save_figure(kano_chart(kano), outdir / "kano", formats)
    if summary.get("ipa") and summary["ipa"]["attributes"]:
        ipa = summary["ipa"]
        attrs = {a["label"]: a for a in ipa["attributes"].values()}
        fig = ipa_chart(attrs, ipa["importance_mean"], ipa["performance_mean"])
        paths += save_figure(fig, outdir / "ipa", formats)
    return paths
