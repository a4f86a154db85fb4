"""The insight scan's plain path: one cell at a time, each through the library's own function.

Slow (a mask and a library call per level), obviously right, and kept beside the fast path
(`scan_cells`) so the tests can hold the two equal on every kind of cell.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.crosstab import crosstab
from analysis.stats.differences import mean_difference, proportion_difference
from analysis.stats.effect_sizes import cohens_h
from analysis.stats.errors import StatsWarning
from analysis.stats.groups import cohens_d
from analysis.stats.scores import nps_difference
from analysis.stats.weighted_groups import weighted_comparison


def _welch_p(res: dict[str, Any]) -> float:
    if not res["se"] > 0:
        return math.nan
    return float(2 * stats.t.sf(abs(res["difference"] / res["se"]), res["dof"]))


def metric_cell(
    kind: str,
    a: np.ndarray,
    b: np.ndarray,
    wa: np.ndarray | None,
    wb: np.ndarray | None,
    confidence: float,
) -> dict[str, float]:
    """{difference, ci_low, ci_high, p, effect} of segment `a` against the rest `b` (answered
    values: ±100/0 for NPS, 100/0 for shares, the score for means)."""
    if kind == "nps":
        # back to answers whose NPS classes are those values: 10 promoter, 7 passive, 0 detractor
        to_answer = {100.0: 10.0, 0.0: 7.0, -100.0: 0.0}
        xa, xb = (np.vectorize(to_answer.get)(v) if v.size else v for v in (a, b))
        res = nps_difference(xa, xb, weights_a=wa, weights_b=wb, confidence=confidence)
        out = {k: res[k] for k in ("difference", "ci_low", "ci_high", "p")}
        return out | {"effect": res["difference"]}
    if wa is not None and wb is not None:
        scale = 100.0 if kind == "share" else 1.0
        ya, yb = (a / scale, b / scale)
        res = weighted_comparison(["a", "b"], [ya, yb], [wa, wb], False, "two-sided", confidence)
        diff = res["difference"]
        out = {
            "difference": diff["difference"] * scale,
            "ci_low": diff["ci_low"] * scale,
            "ci_high": diff["ci_high"] * scale,
            "p": res["p"],
        }
        if kind == "share":
            pa, pb = (float((w * y).sum() / w.sum()) for y, w in ((ya, wa), (yb, wb)))
            return out | {"effect": cohens_h(pa, pb)}
        return out | {"effect": res["effect_size"]}
    if kind == "share":
        xa, xb = float((a > 0).sum()), float((b > 0).sum())
        res = proportion_difference(xa, a.size, xb, b.size, confidence=confidence)
        pooled = (xa + xb) / (a.size + b.size)
        var = pooled * (1 - pooled) * (1 / a.size + 1 / b.size)
        z = res["difference"] / math.sqrt(var) if var > 0 else math.nan
        return {
            "difference": res["difference"] * 100,
            "ci_low": res["ci_low"] * 100,
            "ci_high": res["ci_high"] * 100,
            "p": float(2 * stats.norm.sf(abs(z))) if var > 0 else math.nan,
            "effect": cohens_h(res["p_a"], res["p_b"]),
        }
    res = mean_difference(a, b, confidence=confidence)
    out = {k: res[k] for k in ("difference", "ci_low", "ci_high")}
    return out | {"p": _welch_p(res), "effect": cohens_d(a, b)}


def choice_cell(
    answers: pd.Series, inside: np.ndarray, weights: np.ndarray | None
) -> dict[str, Any]:
    """The crosstab of segment-or-rest × the choice answers (`answers` and `inside` over the
    rows that answered both), as the results page would compute it."""
    frame = pd.DataFrame(
        {"group": np.where(inside, "a", "b"), "answer": answers.to_numpy(dtype=object)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        return crosstab(frame, "group", "answer", weights=weights)
