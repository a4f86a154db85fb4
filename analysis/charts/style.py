"""House style of every chart: colours, CJK font, phone-sized figures, PNG/SVG output.

Charts are built on `matplotlib.figure.Figure` directly (no pyplot state), so they can be
drawn in a worker thread or a job. The CJK font is active while a chart is built and while it
is saved: tick labels are created at draw time and take the font in force then.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure

from analysis.fonts import register_cjk_font

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: house colours
INK = "#1F2933"
MUTED = "#7B8794"
GRID = "#E4E7EB"
PRIMARY = "#2F6FDE"
ACCENT = "#F29D38"
POSITIVE = "#2E9E5B"
NEGATIVE = "#D64545"
NEUTRAL = "#C4C9D0"
#: categorical series, primary first
SERIES = (PRIMARY, ACCENT, "#3BB3A8", "#8E6BD8", "#E0679B", "#8C9B2E", "#5C7080")
#: diverging scale for Likert charts, most negative to most positive (odd lengths centre grey)
DIVERGING = ("#B42318", "#E7837A", NEUTRAL, "#7DB1E8", "#1E5BB8")

#: 6 in × 200 dpi = 1200 px wide: one phone screen at 3× without horizontal scrolling
WIDTH_IN = 6.0
DPI = 200
FORMATS = ("png", "svg")


def diverging_colours(k: int) -> list[str]:
    """k colours from negative to positive, grey in the middle when k is odd."""
    if k < 1:
        raise ValueError("need at least one colour")
    if k <= len(DIVERGING):
        half = k // 2
        negative = list(DIVERGING[:2])[2 - half :] if half else []
        positive = list(DIVERGING[3:])[:half]
        return negative + ([NEUTRAL] if k % 2 else []) + positive
    from matplotlib import colormaps

    cmap = colormaps["RdBu"]
    return [matplotlib.colors.to_hex(cmap(0.1 + 0.8 * i / (k - 1))) for i in range(k)]


def style_rc() -> dict[RcKeyType, Any]:
    family = register_cjk_font()
    return {
        "font.family": [family, "DejaVu Sans"],
        "font.size": 12,
        "axes.titlesize": 14,
        "axes.titleweight": "normal",
        "axes.labelsize": 12,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "xtick.color": INK,
        "ytick.color": INK,
        "text.color": INK,
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "figure.dpi": DPI,
    }


@contextmanager
def chart_style() -> Iterator[None]:
    with matplotlib.rc_context(style_rc()):
        yield


def new_figure(height_in: float = 4.0) -> Figure:
    """A figure in the house size (call inside `chart_style`)."""
    return Figure(figsize=(WIDTH_IN, max(height_in, 2.5)), dpi=DPI, layout="constrained")


def save_figure(fig: Figure, stem: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write `stem.png` / `stem.svg`; returns the paths written."""
    paths = []
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    with chart_style():
        for fmt in formats:
            if fmt not in FORMATS:
                raise ValueError(f"chart format is png or svg, not {fmt!r}")
            path = stem.with_suffix(f".{fmt}")
            fig.savefig(path, format=fmt, dpi=DPI, facecolor="white")
            paths.append(path)
    return paths


def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The chart as PNG or SVG bytes (for the web layer)."""
    if fmt not in FORMATS:
        raise ValueError(f"chart format is png or svg, not {fmt!r}")
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format=fmt, dpi=DPI, facecolor="white")
    return buffer.getvalue()


def wrap_label(text: str, width: int = 10) -> str:
    """Break a long (Chinese) label every `width` characters so axes stay narrow on a phone."""
    text = str(text)
    return "\n".join(text[i : i + width] for i in range(0, len(text), width)) or text
