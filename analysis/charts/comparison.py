"""A segment against the rest: horizontal bars with interval whiskers, negatives allowed.

One series (a metric: the segment's bar and the rest's) or two (a choice question: each
option's share in the segment and in the rest). Values may be negative (an NPS), so bars
start at zero on either side and the axis spans both the values and the whiskers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.charts.style import (
    GRID,
    INK,
    MUTED,
    NEUTRAL,
    PRIMARY,
    chart_style,
    new_figure,
    wrap_label,
)

Interval = Sequence[float | None] | None


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def comparison_chart(
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[float | None]],
    intervals: Sequence[Sequence[Interval]],
    *,
    title: str = "",
    xlabel: str = "",
    value_format: str = "{:.0f}",
    note: str = "",
) -> Figure:
    """`values[s][c]`, `intervals[s][c]` = [low, high]: series s of category c. With one
    series the bars alternate the primary and a neutral colour (the segment, the rest)."""
    if len(values) != len(series) or len(intervals) != len(series):
        raise ValueError("one list of values and of intervals per series")
    k, m = len(categories), len(series)
    with chart_style():
        fig = new_figure(1.4 + 0.5 * max(k * m, 2))
        ax = fig.add_subplot()
        height = 0.8 / m
        colours = [PRIMARY, NEUTRAL]
        ends: list[float] = [0.0]
        for s in range(m):
            v = _array(values[s])
            lo = _array([(c or [None, None])[0] for c in intervals[s]])
            hi = _array([(c or [None, None])[1] for c in intervals[s]])
            y = np.arange(k)[::-1] + (m - 1 - 2 * s) * height / 2
            colour = colours[s % 2] if m > 1 else [colours[i % 2] for i in range(k)]
            ax.barh(y, np.nan_to_num(v), height=height * 0.9, color=colour)
            err = np.clip(np.vstack([v - lo, hi - v]), 0, None)
            ax.errorbar(v, y, xerr=np.nan_to_num(err), fmt="none", ecolor=INK, capsize=3)
            for yi, vi, l_, h in zip(y, v, lo, hi, strict=True):
                if np.isnan(vi):
                    continue
                text = value_format.format(vi).replace("-", "\u2212")
                if vi >= 0:
                    x, align = (h if not np.isnan(h) else vi), "left"
                else:
                    x, align = (l_ if not np.isnan(l_) else vi), "right"
                ax.text(x, yi, f" {text} ", va="center", ha=align, fontsize=10)
            ends += [float(x) for x in np.r_[v, lo, hi] if np.isfinite(x)]
        span = max(ends) - min(ends) or 1.0
        low = min(ends)
        ax.set_xlim(low - span * 0.18 if low < 0 else 0.0, max(ends) + span * 0.18)
        ax.axvline(0, color=MUTED, linewidth=0.8)
        ax.set_yticks(np.arange(k)[::-1], [wrap_label(c, 14) for c in categories])
        ax.xaxis.grid(True, color=GRID)
        ax.set_axisbelow(True)
        if xlabel:
            ax.set_xlabel(xlabel)
        if m > 1:
            handles = [Patch(color=colours[s % 2], label=name) for s, name in enumerate(series)]
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.16),
                ncol=len(series),
                frameon=False,
                fontsize=10,
            )
        if title:
            ax.set_title(wrap_label(title, 24), loc="left")
        if note:
            fig.text(0.01, 0.005, note, fontsize=9, color=MUTED, ha="left", va="bottom")
    return fig
