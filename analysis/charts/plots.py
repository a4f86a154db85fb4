"""Distribution charts: bars with CI whiskers, diverging Likert, NPS breakdown, histogram.

Each function takes plain numbers (percentages in percent) and returns a Figure; save it with
`style.save_figure` or `style.figure_bytes`.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized

import numpy as np
from matplotlib.figure import Figure

from analysis.charts.style import (
    GRID,
    MUTED,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    PRIMARY,
    chart_style,
    diverging_colours,
    new_figure,
    wrap_label,
)


def _check_lengths(**arrays: Sized | None) -> None:
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"lengths differ: {lengths}")


def bar_chart(
    labels: Sequence[str],
    percents: Sequence[float],
    ci: Sequence[Sequence[float]] | None = None,
    *,
    title: str = "",
    xlabel: str = "百分比 (%)",
    note: str = "",
) -> Figure:
    """Horizontal bars (long Chinese labels read better sideways) with 95 % CI whiskers."""
    _check_lengths(labels=labels, percents=percents, ci=ci)
    values = np.array([np.nan if v is None else v for v in percents], dtype=float)
    with chart_style():
        fig = new_figure(1.2 + 0.55 * max(len(labels), 2))
        ax = fig.add_subplot()
        y = np.arange(len(labels))[::-1]
        ax.barh(y, np.nan_to_num(values), color=PRIMARY, height=0.62)
        if ci is not None:
            lo = np.array([np.nan if c is None or c[0] is None else c[0] for c in ci], dtype=float)
            hi = np.array([np.nan if c is None or c[1] is None else c[1] for c in ci], dtype=float)
            # an interval's end may miss its own estimate by a rounding error (Wilson at 100 %)
            err = np.clip(np.vstack([values - lo, hi - values]), 0, None)
            ax.errorbar(
                values,
                y,
                xerr=np.nan_to_num(err),
                fmt="none",
                ecolor="#1F2933",
                elinewidth=1.2,
                capsize=3,
            )
        top = np.nanmax(np.r_[values, 0]) if len(values) else 0
        if ci is not None and len(values):
            top = max(top, np.nanmax(np.r_[hi, 0]))
        for yi, v in zip(y, values, strict=True):
            if not np.isnan(v):
                ax.text(v + top * 0.02 + 0.5, yi + 0.28, f"{v:.1f}%", va="center", fontsize=11)
        ax.set_yticks(y, [wrap_label(label, 12) for label in labels])
        ax.set_xlim(0, max(top * 1.18, 1))
        ax.set_xlabel(xlabel)
        ax.xaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
        if note:
            fig.text(0.01, 0.005, note, fontsize=9, color=MUTED, ha="left", va="bottom")
    return fig


def likert_chart(
    rows: Sequence[str],
    option_labels: Sequence[str],
    percents: Sequence[Sequence[float]],
    *,
    title: str = "",
) -> Figure:
    """Diverging stacked bars: disagreeing options to the left of 0, agreeing to the right,
    a neutral middle option split across 0 (Robbins & Heiberger 2011, JSM Proceedings)."""
    data = np.array(percents, dtype=float)
    if data.shape != (len(rows), len(option_labels)):
        raise ValueError("percents must be rows × options")
    data = np.nan_to_num(data)
    k = len(option_labels)
    colours = diverging_colours(k)
    half = k // 2
    with chart_style():
        fig = new_figure(1.8 + 0.6 * max(len(rows), 2))
        ax = fig.add_subplot()
        y = np.arange(len(rows))[::-1]
        neutral = data[:, half] if k % 2 else np.zeros(len(rows))
        left = -(data[:, :half].sum(axis=1) + neutral / 2)
        for j in range(k):
            width = data[:, j]
            ax.barh(
                y,
                width,
                left=left,
                color=colours[j],
                height=0.62,
                label=option_labels[j],
                edgecolor="white",
                linewidth=0.6,
            )
            for yi, x0, wv in zip(y, left, width, strict=True):
                if wv >= 8:
                    ax.text(
                        x0 + wv / 2,
                        yi,
                        f"{wv:.0f}",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="white" if colours[j] not in (NEUTRAL,) else "#1F2933",
                    )
            left = left + width
        ax.axvline(0, color=MUTED, linewidth=1)
        ax.set_yticks(y, [wrap_label(r, 10) for r in rows])
        extent = max(float(np.abs(ax.get_xlim()).max()), 10)
        ax.set_xlim(-extent, extent)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks, [f"{abs(t):.0f}%" for t in ticks])
        ax.set_xlim(-extent, extent)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(k, 3),
            frameon=False,
            fontsize=10,
        )
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
    return fig


def nps_chart(
    promoters: float,
    passives: float,
    detractors: float,
    nps: float,
    ci: Sequence[float] | None = None,
    *,
    title: str = "",
) -> Figure:
    """One stacked bar of detractors / passives / promoters with the score and its interval."""
    parts = [
        ("贬损者 0–6", detractors, NEGATIVE),
        ("中立者 7–8", passives, NEUTRAL),
        ("推荐者 9–10", promoters, POSITIVE),
    ]
    with chart_style():
        fig = new_figure(2.8)
        ax = fig.add_subplot()
        left = 0.0
        for label, value, colour in parts:
            value = 0.0 if value is None or np.isnan(value) else value
            ax.barh([0], [value], left=left, color=colour, height=0.5, label=label)
            if value >= 6:
                ax.text(
                    left + value / 2,
                    0,
                    f"{value:.0f}%",
                    ha="center",
                    va="center",
                    color="white" if colour != NEUTRAL else "#1F2933",
                    fontsize=12,
                )
            left += value
        ax.set_xlim(0, 100)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("受访者占比 (%)")
        score = "—" if nps is None or np.isnan(nps) else f"{nps:.0f}"
        interval = ""
        if ci is not None and ci[0] is not None and not np.isnan(ci[0]):
            interval = f"（95% 置信区间 {ci[0]:.0f} 至 {ci[1]:.0f}）"
        heading = f"NPS = {score}{interval}"
        ax.set_title(f"{wrap_label(title, 24)}\n{heading}" if title else heading, loc="left")
        fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=10)
    return fig


def histogram_chart(
    edges: Sequence[float],
    counts: Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "人数",
) -> Figure:
    """Histogram from precomputed bins (`estimates.histogram`): counts or percents."""
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram has one more edge than counts")
    with chart_style():
        fig = new_figure(3.8)
        ax = fig.add_subplot()
        if counts:
            e = np.asarray(edges, dtype=float)
            ax.bar(
                e[:-1],
                counts,
                width=np.diff(e),
                align="edge",
                color=PRIMARY,
                edgecolor="white",
                linewidth=0.8,
            )
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        ax.yaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
    return fig
