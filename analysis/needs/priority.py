"""Priority of a need by formulas anyone can read, each returned with its inputs.

- RICE (Intercom): reach × impact × confidence ÷ effort, confidence as a share (80% = 0.8);
- opportunity score (Ulwick, outcome-driven innovation): importance + max(importance −
  satisfaction, 0), both on 0–10, here each the top-2-box share of a rating question ÷ 10;
- the importance–performance quadrant (Martilla & James 1977) of the same two numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from analysis.stats.scores import IPA_QUADRANTS, importance_performance


def _number(value: float | None) -> float | None:
    """The value as a float; None for a missing one (None or NaN)."""
    return None if value is None or math.isnan(value) else float(value)


def rice(
    reach: float | None, impact: float | None, confidence: float | None, effort: float | None
) -> dict[str, Any]:
    """{"score", "reach", "impact", "confidence", "effort"}; score None while an input is
    missing or effort is not positive. *confidence* is a percentage (0–100)."""
    inputs = {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort}
    r, i, c, e = (_number(v) for v in (reach, impact, confidence, effort))
    if r is None or i is None or c is None or e is None or e <= 0:
        return {"score": None, **inputs}
    return {"score": r * i * (c / 100) / e, **inputs}


def opportunity(importance: float | None, satisfaction: float | None) -> dict[str, Any]:
    """{"score", "importance", "satisfaction", "gap"} on the 0–10 scale; score None while
    either side is missing."""
    imp, sat = _number(importance), _number(satisfaction)
    if imp is None or sat is None:
        return {"score": None, "importance": importance, "satisfaction": satisfaction, "gap": None}
    gap = max(imp - sat, 0.0)
    return {"score": imp + gap, "importance": imp, "satisfaction": sat, "gap": gap}


def top2_to_ten(percent: float | None) -> float | None:
    """A top-2-box percentage (0–100) on Ulwick's 0–10 scale."""
    value = _number(percent)
    return None if value is None else value / 10


def priority(
    rice_result: dict[str, Any], opportunity_result: dict[str, Any], override: float | None
) -> dict[str, Any]:
    """The need's priority: the owner's override when given, else RICE, else the
    opportunity score; {"value", "source": "override" | "rice" | "opportunity" | None}."""
    if override is not None:
        return {"value": override, "source": "override"}
    if rice_result["score"] is not None:
        return {"value": rice_result["score"], "source": "rice"}
    if opportunity_result["score"] is not None:
        return {"value": opportunity_result["score"], "source": "opportunity"}
    return {"value": None, "source": None}


MIN_NEEDS_FOR_MEANS = 3  # fewer needs than this: split at the scale's midpoint instead
SCALE_MIDPOINT = 5.0  # of the 0–10 scale of `top2_to_ten`


def ipa_positions(pairs: Mapping[Any, tuple[float, float]]) -> dict[str, Any]:
    """Importance–performance quadrants of needs ({need: (importance, performance)}, 0–10).

    The axes are split at the means over the needs (Bacon 2003's data-centred IPA, as
    `analysis.stats.scores.importance_performance`) once there are `MIN_NEEDS_FOR_MEANS`;
    with fewer, the means say nothing and the split is the scale's midpoint.
    {"split": "means" | "midpoint", "importance_mean", "performance_mean",
     "attributes": {need: {"importance", "performance", "quadrant"}}}.
    """
    clean = {
        key: (imp, perf)
        for key, (imp, perf) in pairs.items()
        if _number(imp) is not None and _number(perf) is not None
    }
    if len(clean) >= MIN_NEEDS_FOR_MEANS:
        result = importance_performance(
            {k: v[0] for k, v in clean.items()}, {k: v[1] for k, v in clean.items()}
        )
        return {"split": "means", **result}
    attributes = {
        key: {
            "importance": imp,
            "performance": perf,
            "quadrant": IPA_QUADRANTS[(imp >= SCALE_MIDPOINT, perf >= SCALE_MIDPOINT)],
        }
        for key, (imp, perf) in clean.items()
    }
    return {
        "split": "midpoint",
        "importance_mean": SCALE_MIDPOINT,
        "performance_mean": SCALE_MIDPOINT,
        "attributes": attributes,
    }
