"""Charts over time: a key metric over the waves of a study (one point per wave with its
interval as error bars), and counts per period as stacked bars (needs by status over time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import cycle

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.charts.style import (
    GRID,
    INK,
    MUTED,
    PRIMARY,
    SERIES,
    chart_style,
    new_figure,
    wrap_label,
)


def trend_chart(
    waves: Sequence[str],
    values: Sequence[float | None],
    ci: Sequence[Sequence[float] | None],
    *,
    title: str = "",
    ylabel: str = "",
    note: str = "",
) -> Figure:
    """Values per wave (None: not measured in that wave) joined by a line, with whiskers."""
    if not len(waves) == len(values) == len(ci):
        raise ValueError("waves, values and intervals differ in length")
    y = np.array([np.nan if v is None else v for v in values], dtype=float)
    lo = np.array([np.nan if c is None else c[0] for c in ci], dtype=float)
    hi = np.array([np.nan if c is None else c[1] for c in ci], dtype=float)
    x = np.arange(len(waves))
    with chart_style():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        shown = ~np.isnan(y)
        ax.plot(x[shown], y[shown], color=PRIMARY, linewidth=2, marker="o", zorder=3)
        err = np.clip(np.vstack([y - lo, hi - y]), 0, None)
        ax.errorbar(x, y, yerr=np.nan_to_num(err), fmt="none", ecolor=INK, capsize=4, zorder=2)
        for xi, v in zip(x[shown], y[shown], strict=True):
            ax.annotate(f"{v:.1f}", (xi, v), textcoords="offset points", xytext=(8, 4))
        ax.set_xticks(x, [wrap_label(w, 8) for w in waves])
        ax.set_xlim(-0.5, len(waves) - 0.5)
        ax.yaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
        if note:
            fig.text(0.01, 0.005, note, fontsize=9, color=MUTED, ha="left", va="bottom")
    return fig


def stacked_counts_chart(
    periods: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    title: str = "",
    ylabel: str = "",
) -> Figure:
    """Counts per period as stacked bars, one colour per series (in the order given), with
    the legend above the bars; for how many needs stood where over time."""
    x = np.arange(len(periods))
    with chart_style():
        fig = new_figure(3.8)
        ax = fig.add_subplot()
        bottom = np.zeros(len(periods))
        for (label, counts), colour in zip(series.items(), cycle(SERIES), strict=False):
            values = np.asarray(counts, dtype=float)
            if len(values) != len(periods):
                raise ValueError("a series differs in length from the periods")
            ax.bar(x, values, bottom=bottom, color=colour, label=label, width=0.8, zorder=3)
            bottom += values
        step = max(1, len(periods) // 8)  # at most about eight dates on the axis
        ax.set_xticks(x[::step], [periods[i] for i in range(0, len(periods), step)])
        ax.set_xlim(-0.6, len(periods) - 0.4)
        ax.yaxis.grid(True, color=GRID)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_axisbelow(True)
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=3, frameon=False, fontsize=9)
    return fig
