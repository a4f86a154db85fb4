"""Key metrics: the few numbers a product manager follows, each with its interval and n.

A metric is a spec {"kind": …, "question": …}:

- ``nps``   an NPS question (0–10): % promoters − % detractors, Rocks' adjusted-Wald interval;
- ``csat``  a rating question: % answering the top two points (4–5 of 5), Wilson interval;
- ``top2``  any scored question or matrix row (``qid/row``): % in the two highest scores;
- ``mean``  any scored question or matrix row: the mean score, t interval;
- ``sus``   a 10-row matrix answered 1–5: the System Usability Scale (Brooke 1996), 0–100.

Every metric is also the mean of one value per respondent (`respondent_values`: ±100 / 0 for
NPS, 100 / 0 for the shares, the score for means and the SUS), which is how segment and wave
differences compare them. The frame is `analysis.stats.table.prepare_frame`'s output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.errors import StatsInputError
from analysis.stats.estimates import mean_estimate, proportion
from analysis.stats.report import scored_column
from analysis.stats.scores import nps, sus_scores
from analysis.stats.table import column_title, iter_questions, kind_of, question_map, row_values

METRIC_KINDS = ("nps", "csat", "top2", "mean", "sus")
#: what the value is measured in: NPS points (−100…100), percent, or the question's own score
UNITS = {"nps": "points", "csat": "percent", "top2": "percent", "mean": "score", "sus": "score"}
DEFAULT_MIN_N = 30


def default_metrics(definition: dict[str, Any]) -> list[dict[str, str]]:
    """The metrics a dashboard shows before its owner picks: every NPS question, CSAT of every
    rating, and the SUS of every 10-row matrix answered 1–5 (in questionnaire order)."""
    specs = []
    for q in iter_questions(definition):
        kind = kind_of(q)
        if kind == "nps":
            specs.append({"kind": "nps", "question": q["id"]})
        elif kind == "rating":
            specs.append({"kind": "csat", "question": q["id"]})
        elif kind == "matrix" and _is_sus(q):
            specs.append({"kind": "sus", "question": q["id"]})
    return specs


def _is_sus(q: dict[str, Any]) -> bool:
    scores = sorted(float(o.get("score", o["value"])) for o in q.get("options", []) if _num(o))
    return len(q.get("rows", [])) == 10 and scores == [1.0, 2.0, 3.0, 4.0, 5.0]


def _num(option: dict[str, Any]) -> bool:
    try:
        float(option.get("score", option["value"]))
    except (TypeError, ValueError):
        return False
    return True


def check_spec(definition: dict[str, Any], spec: Mapping[str, Any]) -> dict[str, str]:
    """The spec as a plain dict, or StatsInputError naming what does not fit the question."""
    kind, name = str(spec.get("kind", "")), str(spec.get("question", ""))
    if kind not in METRIC_KINDS:
        raise StatsInputError(f"unknown metric {kind!r}", "kind")
    qid = name.split("/")[0]
    q = question_map(definition).get(qid)
    if q is None:
        raise StatsInputError(f"unknown question {name!r}", "question")
    question_kind = kind_of(q)
    fits = {
        "nps": question_kind == "nps" and name == qid,
        "csat": question_kind == "rating" and name == qid,
        "sus": question_kind == "matrix" and name == qid and _is_sus(q),
        "top2": question_kind in ("rating", "choice", "matrix")
        and (question_kind == "matrix") == (name != qid),
        "mean": question_kind in ("rating", "choice", "matrix", "numeric", "nps")
        and (question_kind == "matrix") == (name != qid),
    }[kind]
    if not fits:
        raise StatsInputError(f"a {kind} metric cannot be computed on {name!r}", "question")
    return {"kind": kind, "question": name}


def metric_title(definition: dict[str, Any], spec: Mapping[str, Any]) -> str:
    """The question's title (with the row's label for a matrix row)."""
    return column_title(definition, str(spec["question"]))


def _scores(definition: dict[str, Any], frame: pd.DataFrame, name: str) -> np.ndarray:
    return scored_column(definition, frame, name)[0].to_numpy(dtype=float)


def _top_two(definition: dict[str, Any], name: str, scores: np.ndarray) -> np.ndarray:
    q = question_map(definition)[name.split("/")[0]]
    if kind_of(q) == "rating":
        high = float(q.get("max", 5))
    else:
        finite = scores[np.isfinite(scores)]
        high = float(finite.max()) if finite.size else np.nan
        options = [float(o.get("score", o["value"])) for o in q.get("options", []) if _num(o)]
        high = max(options) if options else high
    return np.where(np.isnan(scores), np.nan, np.where(scores >= high - 1, 100.0, 0.0))


def respondent_values(
    definition: dict[str, Any], frame: pd.DataFrame, spec: Mapping[str, Any]
) -> np.ndarray:
    """One value per row of *frame* whose mean is the metric (NaN: not answered)."""
    kind, name = spec["kind"], str(spec["question"])
    if kind == "nps":
        x = frame[name].to_numpy(dtype=float)
        return np.where(np.isnan(x), np.nan, np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0)))
    if kind in ("csat", "top2"):
        return _top_two(definition, name, _scores(definition, frame, name))
    if kind == "mean":
        return _scores(definition, frame, name)
    if kind == "sus":
        q = question_map(definition)[name]
        block = np.column_stack([_scores(definition, frame, f"{name}/{r}") for r in row_values(q)])
        complete = ~np.isnan(block).any(axis=1)
        out = np.full(len(frame), np.nan)
        if complete.any():
            out[complete] = sus_scores(block[complete])
        return out
    raise StatsInputError(f"unknown metric {kind!r}", "kind")


def metric_result(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    *,
    weights: np.ndarray | None = None,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """{"kind", "question", "title", "unit", "value", "ci": [low, high], "n", "small",
    "weighted"}: `small` when fewer than *min_n* respondents answered (shown greyed)."""
    kind, name = spec["kind"], str(spec["question"])
    values = respondent_values(definition, frame, spec)
    if kind == "nps":
        est = nps(frame[name].to_numpy(dtype=float), weights=weights, confidence=confidence)
        value, low, high, n = est["nps"], est["ci_low"], est["ci_high"], est["n"]
    elif kind in ("csat", "top2"):
        est = proportion(
            np.where(np.isnan(values), np.nan, values > 0),
            weights=weights,
            confidence=confidence,
        )
        value, n = est["proportion"] * 100, est["n"]
        low, high = est["ci_low"] * 100, est["ci_high"] * 100
    else:
        est = mean_estimate(values, weights=weights, confidence=confidence)
        value, low, high, n = est["mean"], est["ci_low"], est["ci_high"], est["n"]
    return {
        "kind": kind,
        "question": name,
        "title": metric_title(definition, spec),
        "unit": UNITS[kind],
        "value": float(value),
        "ci": [float(low), float(high)],
        "n": int(n),
        "small": int(n) < min_n,
        "weighted": weights is not None,
    }


def metric_candidates(definition: dict[str, Any]) -> list[dict[str, str]]:
    """Every metric the questionnaire can give, in questionnaire order: what an owner picks
    the dashboard's key metrics from."""
    specs: list[dict[str, str]] = []
    for q in iter_questions(definition):
        kind, qid = kind_of(q), q["id"]
        if kind == "nps":
            specs += [{"kind": "nps", "question": qid}, {"kind": "mean", "question": qid}]
        elif kind == "rating":
            specs += [{"kind": k, "question": qid} for k in ("csat", "top2", "mean")]
        elif kind == "numeric":
            specs.append({"kind": "mean", "question": qid})
        elif kind == "matrix":
            if _is_sus(q):
                specs.append({"kind": "sus", "question": qid})
            for row in row_values(q):
                specs += [{"kind": k, "question": f"{qid}/{row}"} for k in ("top2", "mean")]
    return specs
