"""Charts of relations and priorities: crosstab heatmap, Kano plot, importance–performance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.charts.style import (
    ACCENT,
    INK,
    MUTED,
    NEGATIVE,
    PRIMARY,
    SERIES,
    chart_style,
    new_figure,
    wrap_label,
)
from analysis.stats.narrator import RESIDUAL_CRITICAL

_HEAT = LinearSegmentedColormap.from_list("wenfang_heat", ["#FFFFFF", "#A9C6F5", PRIMARY])
KANO_LABELS = {
    "A": "魅力型",
    "O": "期望型",
    "M": "必备型",
    "I": "无差异型",
    "R": "反向型",
    "Q": "可疑",
}


def crosstab_heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    row_percent: Sequence[Sequence[float]],
    residuals: Sequence[Sequence[float]] | None = None,
    *,
    title: str = "",
    threshold: float = RESIDUAL_CRITICAL,
) -> Figure:
    """Row percentages as a heatmap; cells whose adjusted residual exceeds ±threshold get a
    heavy border (orange: more than expected under independence, red: fewer) and ▲/▼."""
    pct = np.array(row_percent, dtype=float)
    if pct.shape != (len(row_labels), len(col_labels)):
        raise ValueError("row_percent must be rows × columns")
    res = None if residuals is None or not len(residuals) else np.array(residuals, dtype=float)
    with chart_style():
        fig = new_figure(1.8 + 0.55 * max(len(row_labels), 2))
        ax = fig.add_subplot()
        ax.imshow(np.nan_to_num(pct), cmap=_HEAT, vmin=0, vmax=100, aspect="auto")
        for i in range(pct.shape[0]):
            for j in range(pct.shape[1]):
                mark = ""
                if res is not None and abs(res[i, j]) > threshold:
                    up = res[i, j] > 0
                    mark = " ▲" if up else " ▼"
                    ax.add_patch(_cell_border(i, j, ACCENT if up else NEGATIVE))
                text = "—" if np.isnan(pct[i, j]) else f"{pct[i, j]:.0f}%{mark}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="white" if pct[i, j] > 60 else INK,
                )
        ax.set_xticks(range(len(col_labels)), [wrap_label(c, 6) for c in col_labels])
        ax.set_yticks(range(len(row_labels)), [wrap_label(r, 12) for r in row_labels])
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
        ax.set_xlabel(
            f"行百分比；▲▼ 标出显著高于 / 低于期望的格子（调整残差 |r| > {threshold:g}）",
            fontsize=9,
            color=MUTED,
        )
    return fig


def _cell_border(i: int, j: int, colour: str) -> Rectangle:
    return Rectangle((j - 0.47, i - 0.47), 0.94, 0.94, fill=False, edgecolor=colour, linewidth=2.5)


def kano_chart(features: Mapping[str, Mapping[str, Any]], *, title: str = "Kano 分析") -> Figure:
    """Better (y) against |Worse| (x) per feature, quadrants at 0.5 (Berger et al. 1993):
    top-left attractive, top-right one-dimensional, bottom-right must-be, bottom-left
    indifferent. `features` maps a label to {"better", "worse", "category"}."""
    with chart_style():
        fig = new_figure(5.2)
        ax = fig.add_subplot()
        ax.axhline(0.5, color=MUTED, linewidth=0.8, linestyle="--")
        ax.axvline(0.5, color=MUTED, linewidth=0.8, linestyle="--")
        for (x, y), name in {
            (0.02, 0.97): "A 魅力型",
            (0.98, 0.97): "O 期望型",
            (0.98, 0.03): "M 必备型",
            (0.02, 0.03): "I 无差异型",
        }.items():
            ax.text(
                x,
                y,
                name,
                transform=ax.transAxes,
                ha="left" if x < 0.5 else "right",
                va="top" if y > 0.5 else "bottom",
                color=MUTED,
                fontsize=10,
            )
        for i, (label, f) in enumerate(features.items()):
            better, worse = f.get("better"), f.get("worse")
            if better is None or worse is None or np.isnan(better) or np.isnan(worse):
                continue
            ax.scatter(abs(worse), better, s=60, color=SERIES[i % len(SERIES)], zorder=3)
            ax.annotate(
                wrap_label(label, 8),
                (abs(worse), better),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=10,
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("|Worse| 不满意影响")
        ax.set_ylabel("Better 满意提升")
        ax.set_title(wrap_label(title, 24), loc="left")
    return fig


QUADRANT_NAMES = {
    "concentrate_here": "重点改进",
    "keep_up": "继续保持",
    "low_priority": "次要改进",
    "possible_overkill": "可能过度投入",
}


def ipa_chart(
    attributes: Mapping[str, Mapping[str, Any]],
    importance_mean: float,
    performance_mean: float,
    *,
    title: str = "重要性–表现分析",
) -> Figure:
    """Performance (x) against importance (y), split at the means (Martilla & James 1977).
    `attributes` maps a label to {"importance", "performance", "quadrant"}."""
    with chart_style():
        fig = new_figure(5.2)
        ax = fig.add_subplot()
        xs = [a["performance"] for a in attributes.values()]
        ys = [a["importance"] for a in attributes.values()]
        for label, a in attributes.items():
            colour = NEGATIVE if a["quadrant"] == "concentrate_here" else PRIMARY
            ax.scatter(a["performance"], a["importance"], s=60, color=colour, zorder=3)
            ax.annotate(
                wrap_label(label, 8),
                (a["performance"], a["importance"]),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=10,
            )
        if xs:
            pad_x = max(np.ptp(xs), 0.5) * 0.25
            pad_y = max(np.ptp(ys), 0.5) * 0.25
            ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
            ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
        ax.axvline(performance_mean, color=MUTED, linewidth=0.8, linestyle="--")
        ax.axhline(importance_mean, color=MUTED, linewidth=0.8, linestyle="--")
        for (x, y), key in {
            (0.02, 0.97): "concentrate_here",
            (0.98, 0.97): "keep_up",
            (0.02, 0.03): "low_priority",
            (0.98, 0.03): "possible_overkill",
        }.items():
            ax.text(
                x,
                y,
                QUADRANT_NAMES[key],
                transform=ax.transAxes,
                color=MUTED,
                fontsize=10,
                ha="left" if x < 0.5 else "right",
                va="top" if y > 0.5 else "bottom",
            )
        ax.set_xlabel("表现（均值）")
        ax.set_ylabel("重要性（均值）")
        ax.set_title(wrap_label(title, 24), loc="left")
    return fig
