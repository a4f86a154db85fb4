"""Waves: the key metrics of a questionnaire run again, compared wave over wave.

Each wave is a `Wave` (its number, definition, prepared frame and weights). For every metric
that can be computed in two consecutive waves, `compare_waves` gives each wave's value with its
interval and n (`metrics.metric_result`) and the later minus the earlier wave's value with its
interval and p (`wave_difference`), as independent samples:

- NPS, means and SUS: the respondent values (±100 / 0 for NPS, `metrics.respondent_values`)
  by Welch's t (`differences.mean_difference`, p on its SE and df);
- shares (CSAT, top-2 box): Newcombe's interval of p₂ − p₁ (`differences.proportion_difference`)
  and the pooled two-proportion z test for p;
- under weights: each wave's design-based mean and linearised SE (`design.weighted_mean_se`,
  R `svymean`), SE of the difference √(SE₁² + SE₂²), normal interval and p.

Questions are matched by id across waves; one whose wording (title, options, rows or type)
changed is marked, so a difference resting on it is read with care.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.findings.metrics import DEFAULT_MIN_N, check_spec, metric_result, respondent_values
from analysis.stats.design import weighted_mean_se
from analysis.stats.differences import mean_difference, proportion_difference
from analysis.stats.errors import StatsInputError
from analysis.stats.estimates import z_value
from analysis.stats.table import question_map

SHARE_KINDS = ("csat", "top2")


@dataclass(frozen=True)
class Wave:
    number: int
    definition: dict[str, Any]
    frame: pd.DataFrame  # `analysis.stats.table.prepare_frame` output, filtered
    weights: np.ndarray | None = None


def wording(question: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a respondent reads of a question: its type, title, options and rows."""

    def labels(items: Any) -> tuple[tuple[str, str], ...]:
        return tuple((str(o.get("value")), str(o.get("label", ""))) for o in items or [])

    return (
        question.get("type"),
        str(question.get("title", "")),
        labels(question.get("options")),
        labels(question.get("rows")),
    )


def question_changes(definitions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """{"changed": {qid: [wave indexes where the wording differs from the wave before]},
    "partial": {qid: [indexes of the waves that have it]}} over the definitions in order."""
    maps = [question_map(d) for d in definitions]
    every = [qid for m in maps for qid in m]
    changed: dict[str, list[int]] = {}
    partial: dict[str, list[int]] = {}
    for qid in dict.fromkeys(every):
        present = [i for i, m in enumerate(maps) if qid in m]
        if len(present) < len(maps):
            partial[qid] = present
        for i in range(1, len(maps)):
            both = qid in maps[i] and qid in maps[i - 1]
            if both and wording(maps[i][qid]) != wording(maps[i - 1][qid]):
                changed.setdefault(qid, []).append(i)
    return {"changed": changed, "partial": partial}


def wave_difference(
    kind: str,
    earlier: np.ndarray,
    later: np.ndarray,
    *,
    weights_earlier: np.ndarray | None = None,
    weights_later: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Later minus earlier of respondent values (NaN: not answered), in the metric's unit:
    {"difference", "ci": [low, high], "p", "significant", "method"}."""
    a_ok, b_ok = ~np.isnan(earlier), ~np.isnan(later)
    a, b = earlier[a_ok], later[b_ok]
    out: dict[str, Any]
    nan = {"difference": math.nan, "ci": [math.nan, math.nan], "p": math.nan}
    if a.size < 2 or b.size < 2:
        return nan | {"significant": False, "method": "too_few"}
    if weights_earlier is not None or weights_later is not None:
        wa = None if weights_earlier is None else weights_earlier[a_ok]
        wb = None if weights_later is None else weights_later[b_ok]
        ma, sa = weighted_mean_se(a, wa)
        mb, sb = weighted_mean_se(b, wb)
        diff, se = mb - ma, math.hypot(sa, sb)
        half = z_value(confidence) * se
        p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else math.nan
        out = {"difference": diff, "ci": [diff - half, diff + half], "p": p, "method": "design"}
    elif kind in SHARE_KINDS:
        x1, x2 = float((a > 0).sum()), float((b > 0).sum())
        res = proportion_difference(x2, b.size, x1, a.size, confidence=confidence)
        pooled = (x1 + x2) / (a.size + b.size)
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / a.size + 1 / b.size))
        p = float(2 * stats.norm.sf(abs(res["difference"]) / se0)) if se0 > 0 else math.nan
        out = {
            "difference": res["difference"] * 100,
            "ci": [res["ci_low"] * 100, res["ci_high"] * 100],
            "p": p,
            "method": "newcombe_z",
        }
    else:
        res = mean_difference(b, a, confidence=confidence)
        # Welch's p from the same SE and df as the interval (scipy `ttest_ind(equal_var=False)`)
        se, dof = res["se"], res["dof"]
        p = float(2 * stats.t.sf(abs(res["difference"]) / se, dof)) if se > 0 else math.nan
        out = {
            "difference": res["difference"],
            "ci": [res["ci_low"], res["ci_high"]],
            "p": p,
            "method": "welch_t",
        }
    out["significant"] = bool(out["p"] < 1 - confidence)  # NaN compares False
    return out


def _fits(definition: dict[str, Any], spec: Mapping[str, Any]) -> bool:
    try:
        check_spec(definition, spec)
    except StatsInputError:
        return False
    return True


def compare_waves(
    waves: Sequence[Wave],
    specs: Sequence[Mapping[str, Any]],
    *,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Every metric of *specs* across *waves* (oldest first):

    {"waves": [{"wave", "n"}], "metrics": [{"kind", "question", "title", "unit", "changed":
    [wave numbers whose wording differs from the wave before], "values": [metric_result or None
    per wave], "differences": [None for the first wave, then wave_difference with "from" and
    "to" wave numbers, or None when the metric is missing in either]}], "questions":
    {"changed": {qid: [wave numbers]}, "partial": {qid: [wave numbers that have it]}}}."""
    numbers = [w.number for w in waves]
    changes = question_changes([w.definition for w in waves])
    rows = []
    for spec in specs:
        qid = str(spec["question"]).split("/")[0]
        fits = [_fits(w.definition, spec) for w in waves]
        if sum(fits) == 0:
            continue
        values = [
            metric_result(w.definition, w.frame, spec, weights=w.weights, min_n=min_n)
            if ok
            else None
            for w, ok in zip(waves, fits, strict=True)
        ]
        respondent = [
            respondent_values(w.definition, w.frame, spec) if ok else None
            for w, ok in zip(waves, fits, strict=True)
        ]
        differences: list[dict[str, Any] | None] = [None]
        for i in range(1, len(waves)):
            before, after = respondent[i - 1], respondent[i]
            if before is None or after is None:
                differences.append(None)
                continue
            res = wave_difference(
                str(spec["kind"]),
                before,
                after,
                weights_earlier=waves[i - 1].weights,
                weights_later=waves[i].weights,
                confidence=confidence,
            )
            differences.append(res | {"from": numbers[i - 1], "to": numbers[i]})
        title = next(v["title"] for v in reversed(values) if v is not None)
        rows.append(
            {
                "kind": spec["kind"],
                "question": str(spec["question"]),
                "title": title,
                "unit": next(v["unit"] for v in values if v is not None),
                "changed": [numbers[i] for i in changes["changed"].get(qid, [])],
                "values": values,
                "differences": differences,
            }
        )
    return {
        "waves": [{"wave": w.number, "n": len(w.frame)} for w in waves],
        "metrics": rows,
        "questions": {
            "changed": {q: [numbers[i] for i in ix] for q, ix in changes["changed"].items()},
            "partial": {q: [numbers[i] for i in ix] for q, ix in changes["partial"].items()},
        },
        "confidence": confidence,
    }
