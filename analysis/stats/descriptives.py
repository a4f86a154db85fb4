# Over 400 lines: one describer per answer kind with its typed signature, and the dispatch table.
"""Per-question descriptive statistics, one function per kind of answer.

Each `describe_*` takes a prepared frame (see `table.prepare_frame`), the question dict and
optional weights (a float array aligned with the frame), and returns a JSON-ready dict:
`n` (valid answers), `missing`, and the kind's statistics. Percentages are in percent
(0–100) and so are their `ci` pairs; counts are raw (unweighted) counts; when weights are
given, percentages, means and intervals are weighted with design-based (linearised)
standard errors (see `estimates`), and every result says so in `weighted`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats import scores
from analysis.stats.errors import Code, StatsInputError, StatsWarning
from analysis.stats.estimates import (
    histogram,
    mean_estimate,
    proportion,
    share_intervals,
    weight_array,
    wilson_interval,
)
from analysis.stats.table import (
    kind_of,
    not_scored,
    option_labels,
    option_scores,
    option_values,
    question_columns,
    row_values,
)


def _pair(low: float, high: float) -> list[float]:
    return [float(low) * 100, float(high) * 100]


def _shares(
    raw: np.ndarray,
    n: int,
    w: np.ndarray | None = None,
    mass: np.ndarray | None = None,
    squares: np.ndarray | None = None,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(share, low, high): Wilson on the counts, or under weights on the design n*."""
    if w is None or mass is None or squares is None:  # unweighted: no masses given
        share = raw / n if n else np.full(raw.size, np.nan)
        return (share, *wilson_interval(raw, np.full(raw.size, n), confidence=confidence))
    total, total_squares = float(w.sum()), float((w * w).sum())
    return share_intervals(mass, squares, total, total_squares, n, confidence=confidence)[:3]


def category_shares(
    series: pd.Series,
    values: list[str],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
    location: str = "",
) -> dict[str, Any]:
    """Counts, percent of valid answers and Wilson CI of each category of one column.

    Values met in the data but not in `values` are counted too (after the defined ones) and
    reported with a `StatsWarning`; they are never dropped silently.
    """
    valid = series.notna().to_numpy()
    if weights is not None:
        weights = weight_array(weights, len(series))
        valid = valid & (weights > 0)
    n = int(valid.sum())
    counts = series[valid].value_counts(sort=False)
    defined = set(values)
    unexpected = [v for v, c in counts.items() if c > 0 and v not in defined]
    if unexpected:
        warnings.warn(
            f"{location}: values not among the options: {sorted(map(str, unexpected))[:5]}",
            StatsWarning,
            stacklevel=3,
        )
    keys = list(values) + sorted(unexpected, key=str)
    raw = np.array([int(counts.get(k, 0)) for k in keys], dtype=float)
    w = mass = squares = None
    if weights is not None:
        w = weights[valid]
        if isinstance(series.dtype, pd.CategoricalDtype):  # prepare_frame's option columns
            codes, labels = series.cat.codes.to_numpy()[valid], series.cat.categories
        else:
            codes, labels = pd.factorize(series[valid])
        at = pd.Index(labels).get_indexer(keys)
        mass = np.append(np.bincount(codes, weights=w, minlength=len(labels)), 0.0)[at]
        squares = np.append(np.bincount(codes, weights=w * w, minlength=len(labels)), 0.0)[at]
    share, low, high = _shares(raw, n, w, mass, squares, confidence)
    return {
        "n": n,
        "missing": int(len(series) - n),
        "weighted": weights is not None,
        "counts": {str(k): int(c) for k, c in zip(keys, raw, strict=True)},
        "percent": {str(k): float(p) * 100 for k, p in zip(keys, share, strict=True)},
        "ci": {str(k): _pair(lo, hi) for k, lo, hi in zip(keys, low, high, strict=True)},
    }


def integer_shares(
    values: np.ndarray,
    low: int,
    high: int,
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
    location: str = "",
) -> dict[str, Any]:
    """`category_shares` for whole-number answers low..high (ratings, NPS), vectorised."""
    x = np.asarray(values, dtype=float)
    valid = ~np.isnan(x)
    if weights is not None:
        weights = weight_array(weights, x.size)
        valid = valid & (weights > 0)
    xv = x[valid]
    inside = (xv >= low) & (xv <= high) & (np.mod(xv, 1) == 0)
    if not inside.all():
        raise StatsInputError(location=location, code=Code.WHOLE_NUMBERS, low=low, high=high)
    keys = [str(k) for k in range(low, high + 1)]
    idx = (xv - low).astype(int)
    raw = np.bincount(idx, minlength=len(keys)).astype(float)
    n = int(valid.sum())
    w = mass = squares = None
    if weights is not None:
        w = weights[valid]
        mass = np.bincount(idx, weights=w, minlength=len(keys))
        squares = np.bincount(idx, weights=w * w, minlength=len(keys))
    share, low_ci, high_ci = _shares(raw, n, w, mass, squares, confidence)
    return {
        "n": n,
        "missing": int(len(x) - n),
        "weighted": weights is not None,
        "counts": {k: int(c) for k, c in zip(keys, raw, strict=True)},
        "percent": {k: float(p) * 100 for k, p in zip(keys, share, strict=True)},
        "ci": {k: _pair(lo, hi) for k, lo, hi in zip(keys, low_ci, high_ci, strict=True)},
    }


def _other_texts(frame: pd.DataFrame, question: dict[str, Any]) -> list[str]:
    col = f"{question['id']}/other_text"
    if col not in frame.columns:
        return []
    return [str(t) for t in frame[col].dropna() if str(t).strip()]


def describe_choice(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Single choice / dropdown / consent: distribution with Wilson intervals."""
    qid = question["id"]
    values = option_values(question) or (["1", "0"] if kind_of(question) == "consent" else [])
    series = frame[qid]
    if kind_of(question) == "consent":
        series = series.map(lambda v: str(int(v)), na_action="ignore")
    out = category_shares(series, values, weights=weights, confidence=confidence, location=qid)
    if any(o.get("other") for o in question.get("options", [])):
        out["other_texts"] = _other_texts(frame, question)
    return out


def describe_multiple(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Multiple choice: % of respondents (base = those who answered the question at all,
    so each option's CI is a Wilson interval on that base) and % of mentions (share of all
    ticks, which sums to 100)."""
    values = option_values(question)
    cols = [f"{question['id']}/{v}" for v in values]
    block = frame[cols].to_numpy(dtype=float)
    answered = ~np.all(np.isnan(block), axis=1)
    if weights is not None:
        weights = weight_array(weights, len(frame))
        answered = answered & (weights > 0)
    ticks = np.nan_to_num(block[answered]) > 0
    n = int(answered.sum())
    raw = ticks.sum(axis=0).astype(float)
    w = squares = None
    picked = raw
    if weights is not None:
        w = weights[answered]
        ticked = ticks.astype(float)  # einsum: a tenth of BLAS's time for one long vector
        picked, squares = np.einsum("i,ij->j", w, ticked), np.einsum("i,ij->j", w * w, ticked)
    share, low, high = _shares(raw, n, w, picked, squares, confidence)
    mentions = picked.sum()
    out = {
        "n": n,
        "missing": int(len(frame) - n),
        "weighted": weights is not None,
        "counts": {v: int(c) for v, c in zip(values, raw, strict=True)},
        "percent": {v: float(p) * 100 for v, p in zip(values, share, strict=True)},
        "ci": {v: _pair(lo, hi) for v, lo, hi in zip(values, low, high, strict=True)},
        "mentions": int(raw.sum()),
        "percent_of_mentions": {
            v: (float(c / mentions) * 100 if mentions > 0 else math.nan)
            for v, c in zip(values, picked, strict=True)
        },
    }
    if any(o.get("other") for o in question.get("options", [])):
        out["other_texts"] = _other_texts(frame, question)
    return out


def describe_numeric(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
    column: str | None = None,
) -> dict[str, Any]:
    """Number / slider: mean, SD, median, quartiles, t interval of the mean, histogram."""
    col = column or question["id"]
    x = frame[col].to_numpy(dtype=float)
    est = mean_estimate(x, weights=weights, confidence=confidence)
    return {
        "n": est["n"],
        "missing": int(len(x) - est["n"]),
        "mean": est["mean"],
        "sd": est["sd"],
        "se": est["se"],
        "median": est["median"],
        "q1": est["q1"],
        "q3": est["q3"],
        "min": est["min"],
        "max": est["max"],
        "ci": [est["ci_low"], est["ci_high"]],
        "weighted": est["weighted"],
        "histogram": histogram(x, weights=weights),
    }


def describe_rating(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Rating 1..max: the numeric summary, the distribution, and CSAT (top-2-box share)."""
    top = int(question.get("max", 5))
    out = describe_numeric(frame, question, weights=weights, confidence=confidence)
    dist = integer_shares(
        frame[question["id"]].to_numpy(dtype=float),
        1,
        top,
        weights=weights,
        confidence=confidence,
        location=question["id"],
    )
    out.update(counts=dist["counts"], percent=dist["percent"], percent_ci=dist["ci"])
    out["csat"] = scores.csat(
        frame[question["id"]].to_numpy(dtype=float),
        scale_max=top,
        weights=weights,
        confidence=confidence,
    )
    return out


def describe_nps(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """NPS 0..10: the score with its interval, shares of the three groups, the distribution."""
    x = frame[question["id"]].to_numpy(dtype=float)
    result = scores.nps(x, weights=weights, confidence=confidence)
    out = {
        "n": result["n"],
        "missing": int(len(x) - result["n"]),
        "nps": result["nps"],
        "ci": [result["ci_low"], result["ci_high"]],
        "promoters": result["promoters"],
        "passives": result["passives"],
        "detractors": result["detractors"],
        "weighted": result["weighted"],
    }
    dist = integer_shares(x, 0, 10, weights=weights, confidence=confidence, location=question["id"])
    out["counts"] = dist["counts"]
    out["mean"] = mean_estimate(x, weights=weights)["mean"]
    return out


def scores_of(series: pd.Series, score_of: dict[str, float]) -> np.ndarray:
    """Option values → scores (NaN for blanks and values outside the scale), vectorised."""
    codes, uniques = pd.factorize(series)
    lookup = np.array([score_of.get(str(u), np.nan) for u in uniques] + [np.nan])
    return lookup[np.where(codes >= 0, codes, len(uniques))]


def _box_share(
    numbers: np.ndarray,
    chosen_scores: list[float],
    weights: np.ndarray | None,
    confidence: float,
) -> dict[str, Any]:
    mask = np.where(np.isnan(numbers), np.nan, np.isin(numbers, chosen_scores).astype(float))
    p = proportion(mask, weights=weights, confidence=confidence)
    return {"percent": p["proportion"] * 100, "ci": [p["ci_low"] * 100, p["ci_high"] * 100]}


def describe_matrix(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Matrix / Likert: per row the distribution, mean score with CI, top-2 and bottom-2 box
    with Wilson intervals. Scores follow `table.option_scores`; the two boxes are the two
    highest- and lowest-scored options (scales of fewer than 4 points use one each); options
    not scored (不适用) are in the distribution but in neither the mean nor the boxes' base."""
    values = option_values(question)
    score_of = option_scores(question)
    ranked = sorted((v for v in values if not math.isnan(score_of[v])), key=score_of.__getitem__)
    box = 2 if len(ranked) >= 4 else 1
    rows = {}
    for row in row_values(question):
        col = f"{question['id']}/{row}"
        series = frame[col]
        dist = category_shares(series, values, weights=weights, confidence=confidence, location=col)
        numbers = scores_of(series, score_of)
        est = mean_estimate(numbers, weights=weights, confidence=confidence)
        dist.update(
            mean=est["mean"],
            sd=est["sd"],
            mean_ci=[est["ci_low"], est["ci_high"]],
            top2=_box_share(numbers, [score_of[v] for v in ranked[-box:]], weights, confidence),
            bottom2=_box_share(numbers, [score_of[v] for v in ranked[:box]], weights, confidence),
        )
        rows[row] = dist
    answered = frame[[f"{question['id']}/{r}" for r in row_values(question)]].notna().any(axis=1)
    return {"n": int(answered.sum()), "missing": int((~answered).sum()), "rows": rows}


def describe_matrix_multiple(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Matrix with several ticks per row: per row, each option as % of that row's answerers."""
    rows = {}
    for row in row_values(question):
        sub = dict(question, id=f"{question['id']}/{row}")
        rows[row] = describe_multiple(frame, sub, weights=weights, confidence=confidence)
    cols = [c for c in question_columns(question) if not c.endswith("/other_text")]
    answered = frame[cols].notna().any(axis=1)
    return {"n": int(answered.sum()), "missing": int((~answered).sum()), "rows": rows}


def describe_ranking(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Ranking: mean rank of each option among those who ranked it (1 = best) and the share
    of respondents who put it first, with a Wilson interval."""
    values = option_values(question)
    block = frame[[f"{question['id']}/{v}" for v in values]].to_numpy(dtype=float)
    answered = ~np.all(np.isnan(block), axis=1)
    if weights is not None:
        weights = weight_array(weights, len(frame))
        answered = answered & (weights > 0)
    n = int(answered.sum())
    w = None if weights is None else weights[answered]
    sub = block[answered]
    options = {}
    for j, v in enumerate(values):
        ranks = sub[:, j]
        est = mean_estimate(ranks, weights=w, confidence=confidence)
        first = proportion((ranks == 1).astype(float), weights=w, confidence=confidence)
        options[v] = {
            "n_ranked": est["n"],
            "mean_rank": est["mean"],
            "mean_rank_ci": [est["ci_low"], est["ci_high"]],
            "first_place_percent": first["proportion"] * 100,
            "first_place_ci": [first["ci_low"] * 100, first["ci_high"] * 100],
        }
    return {"n": n, "missing": int(len(frame) - n), "options": options}


def describe_text(frame: pd.DataFrame, question: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Short / long text: how many answered (the text engine reads the texts)."""
    n = int(frame[question["id"]].notna().sum())
    return {"n": n, "missing": int(len(frame) - n)}


def describe_date(frame: pd.DataFrame, question: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Date: answered count and the earliest / latest date."""
    dates = pd.to_datetime(frame[question["id"]], errors="coerce").dropna()
    n = len(dates)
    return {
        "n": n,
        "missing": int(len(frame) - n),
        "min": dates.min().date().isoformat() if n else None,
        "max": dates.max().date().isoformat() if n else None,
    }


def describe_kano(
    frame: pd.DataFrame, question: dict[str, Any], *, weights: np.ndarray | None = None, **_: Any
) -> dict[str, Any]:
    """Kano pair: the feature's category from the standard evaluation table (`scores.kano`)."""
    qid = question["id"]
    return scores.kano(frame[f"{qid}/functional"], frame[f"{qid}/dysfunctional"], weights=weights)


DESCRIBERS: dict[str, Callable[..., dict[str, Any]]] = {
    "choice": describe_choice,
    "consent": describe_choice,
    "multiple": describe_multiple,
    "numeric": describe_numeric,
    "rating": describe_rating,
    "nps": describe_nps,
    "matrix": describe_matrix,
    "matrix_multiple": describe_matrix_multiple,
    "ranking": describe_ranking,
    "text": describe_text,
    "date": describe_date,
    "kano": describe_kano,
}


def describe_question(
    frame: pd.DataFrame,
    question: dict[str, Any],
    *,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Dispatch on the question's kind; adds `type`, `title` and option / row labels."""
    kind = kind_of(question)
    out = {"type": question["type"], "title": question.get("title", "")}
    if question.get("options"):
        out["labels"] = option_labels(question)
        if kind in ("choice", "matrix") and not_scored(question):
            out["not_scored"] = not_scored(question)
    if question.get("rows"):
        out["row_labels"] = {
            str(r["value"]): str(r.get("label", r["value"])) for r in question["rows"]
        }
    out.update(DESCRIBERS[kind](frame, question, weights=weights, confidence=confidence))
    # answered counts of text and date questions are counts of answers, never weighted
    out.setdefault("weighted", weights is not None and kind not in ("text", "date"))
    return out
