"""An insight as data: what differs, by how much, with the numbers a sentence and a chart need.

A claim is JSON-ready and complete: the web layer stores it as it is and renders its sentence
and chart from it alone, so an insight reopened later shows the numbers it was made with.

    {"family": "nps" | "share" | "mean" | "choice", "metric": {"kind", "question"},
     "title": item title, "unit": "points" | "percent" | "score",
     "segment": {"question", "title", "value", "label"},
     "difference": segment − rest, "ci": [low, high]  (None for a choice question),
     "effect": {"name", "value"}, "strength": effect / threshold, "p", "p_adjusted",
     "n": {"segment", "rest"}, "weighted", "confidence",
     "groups": {"segment": {"value", "ci", "n"}, "rest": {…}}           (metrics)
     "options": [{"value", "label", "segment": {"value", "ci"}, "rest": {…}}],
     "option": the option whose share differs most                       (choice)}
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.findings.metrics import UNITS, metric_title, respondent_values
from analysis.findings.segments import segment_levels, segment_questions
from analysis.stats.estimates import mean_estimate, proportion
from analysis.stats.scores import nps
from analysis.stats.table import question_map

EFFECT_NAMES = {"nps": "nps_points", "share": "cohens_h", "mean": "cohens_d"}
EFFECT_NAMES["choice"] = "cramers_v"


def level_codes(series: pd.Series, levels: list[dict[str, Any]]) -> np.ndarray:
    """Index of each row's answer among `levels` (`segment_levels` entries), −1 for blank."""
    text = series.astype(object).where(series.notna(), None)
    text = text.map(lambda v: None if v is None else str(v))
    values = [lv["value"] for lv in levels]
    return np.asarray(pd.Categorical(text, categories=values).codes, dtype=np.int64)


def _finite(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def _estimate(value: float, low: float, high: float, n: int) -> dict[str, Any]:
    return {"value": _finite(value), "ci": [_finite(low), _finite(high)], "n": int(n)}


def _metric_groups(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    w: np.ndarray | None,
    item: Any,
    masks: tuple[np.ndarray, np.ndarray],
    confidence: float,
) -> dict[str, Any]:
    values = respondent_values(definition, frame, item.spec())
    out = {}
    for name, mask in zip(("segment", "rest"), masks, strict=True):
        wm = None if w is None else w[mask]
        if item.family == "nps":
            est = nps(frame[item.question].to_numpy(dtype=float)[mask], weights=wm)
            out[name] = _estimate(est["nps"], est["ci_low"], est["ci_high"], est["n"])
        elif item.family == "share":
            v = values[mask]
            est = proportion(np.where(np.isnan(v), np.nan, v > 0), weights=wm)
            out[name] = _estimate(
                est["proportion"] * 100, est["ci_low"] * 100, est["ci_high"] * 100, est["n"]
            )
        else:
            est = mean_estimate(values[mask], weights=wm, confidence=confidence)
            out[name] = _estimate(est["mean"], est["ci_low"], est["ci_high"], est["n"])
    return out


def _choice_options(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    w: np.ndarray | None,
    question: str,
    masks: tuple[np.ndarray, np.ndarray],
    confidence: float,
) -> list[dict[str, Any]]:
    levels = segment_levels(definition, frame, question)
    codes = level_codes(frame[question], levels)
    options = []
    for j, level in enumerate(levels):
        entry: dict[str, Any] = {"value": level["value"], "label": level["label"]}
        for name, mask in zip(("segment", "rest"), masks, strict=True):
            hit = np.where(codes[mask] >= 0, codes[mask] == j, np.nan)
            est = proportion(hit, weights=None if w is None else w[mask], confidence=confidence)
            shares = (est["proportion"] * 100, est["ci_low"] * 100, est["ci_high"] * 100)
            entry[name] = _estimate(*shares, est["n"])
        if entry["segment"]["value"] or entry["rest"]["value"]:
            options.append(entry)
    return options


def build_claim(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    w: np.ndarray | None,
    cell: dict[str, Any],
    *,
    strength: float,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """The claim of one scanned cell (see the module docstring)."""
    item, family = cell["item"], cell["item"].family
    seg_q = next(q for q in segment_questions(definition, frame) if q["id"] == cell["segment"])
    levels = segment_levels(definition, frame, cell["segment"])
    seg_codes = level_codes(frame[cell["segment"]], levels)
    j = [lv["value"] for lv in levels].index(cell["level"])
    if family == "choice":
        answered = (
            level_codes(frame[item.question], segment_levels(definition, frame, item.question)) >= 0
        )
        title = str(question_map(definition)[item.question].get("title") or item.question)
    else:
        answered = ~np.isnan(respondent_values(definition, frame, item.spec()))
        title = metric_title(definition, item.spec())
    base = answered & (seg_codes >= 0) & (True if w is None else w > 0)
    masks = (base & (seg_codes == j), base & (seg_codes != j))
    claim: dict[str, Any] = {
        "family": family,
        "metric": item.spec(),
        "title": title,
        "unit": "percent" if family == "choice" else UNITS[item.kind],
        "segment": {
            "question": cell["segment"],
            "title": str(seg_q.get("title") or cell["segment"]),
            "value": cell["level"],
            "label": levels[j]["label"],
        },
        "difference": _finite(cell.get("difference")),
        "ci": [_finite(cell.get("ci_low")), _finite(cell.get("ci_high"))]
        if family != "choice"
        else None,
        "effect": {"name": EFFECT_NAMES[family], "value": _finite(cell.get("effect"))},
        "strength": strength,
        "p": _finite(cell.get("p")),
        "p_adjusted": _finite(cell.get("p_adjusted")),
        "n": {"segment": int(cell["n_a"]), "rest": int(cell["n_b"])},
        "weighted": w is not None,
        "confidence": confidence,
    }
    if family == "choice":
        options = _choice_options(definition, frame, w, item.question, masks, confidence)
        claim["options"] = options
        claim["option"] = max(
            options,
            key=lambda o: abs((o["segment"]["value"] or 0) - (o["rest"]["value"] or 0)),
            default=None,
        )
    else:
        claim["groups"] = _metric_groups(definition, frame, w, item, masks, confidence)
    return claim


def cell_key(claim: dict[str, Any]) -> str:
    """Names the cell a claim is about (metric × segment level), the same across rescans."""
    m, s = claim["metric"], claim["segment"]
    return f"{m['kind']}:{m['question']}|{s['question']}={s['value']}"
