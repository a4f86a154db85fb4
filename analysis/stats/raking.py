"""Raking (iterative proportional fitting): weights that make the sample's margins match targets.

Deming & Stephan (1940) "On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known"; the survey practice follows Battaglia, Hoaglin & Frankel
(2009) "Practical considerations in raking survey data" (Survey Practice 2(5)) and the ANES
raking procedure (DeBell & Krosnick 2009; R `anesrake`). Each pass multiplies every weight by
target share / weighted sample share of its cell, one margin after the other, until every
margin is within `tolerance` of its target. R: `survey::rake(design, list(~a, ~b), list(...))`.

Trimming caps the weights at `trim = (low, high)` times the mean weight after every pass and
rakes again (the "rake, trim, re-rake" loop of Battaglia et al. 2009 §5 and of `anesrake`'s
`cap`), so the returned weights respect the bounds *and* the margins, or the call fails.

Missing answers on a raking variable are refused, not made a cell of their own: a census or a
panel has no target for "no answer", and Battaglia et al. (2009 §3) impute such values before
raking. Share targets give weights of mean 1 (they sum to n); count targets give weights summing
to the population total.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.stats.design import kish_design_effect
from analysis.stats.errors import Code, StatsInputError, StatsWarning, UnknownColumnError
from surveys import problems

# Shares may miss 1 by this much (percentages typed with rounding: 33.3 + 33.3 + 33.3);
# they are rescaled to sum to exactly 1.
SHARE_TOLERANCE = 0.01
# Targets that sum to more than this are counts (a population table), not shares.
COUNT_THRESHOLD = 1.5


@dataclass(frozen=True)
class MarginFit:
    """One category of one raking variable: target, raked and unweighted shares."""

    variable: str
    value: object
    target: float
    achieved: float
    unweighted: float
    n: int


@dataclass(frozen=True)
class RakingResult:
    weights: np.ndarray  # one per row of the frame, in its order
    converged: bool
    iterations: int
    margins: list[MarginFit]
    max_error: float  # largest |achieved − target| share over every category
    design_effect: float  # Kish, n·Σw²/(Σw)²
    effective_n: float  # n / design effect
    min_weight: float
    max_weight: float
    weight_ratio: float  # max / min
    trimmed: int  # rows held at a trimming bound in the final pass
    trim: tuple[float, float] | None


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[object, float]],
    *,
    base_weights: npt.ArrayLike | None = None,
    trim: tuple[float, float] | None = None,
    max_iter: int = 200,
    tolerance: float = 1e-6,
    strict: bool = True,
) -> RakingResult:
    """Rake `frame` to `margins` {column: {category: target share or count}}.

    `base_weights` (design weights, one per row) are the starting point; `trim` (low, high)
    bounds each weight to [low·mean, high·mean]. Without convergence in `max_iter` passes the
    call raises `StatsInputError` (margins that contradict each other, bounds too tight), or
    with `strict=False` returns the last weights with `converged=False` and a `StatsWarning`.
    """
    n = len(frame)
    if n == 0:
        raise StatsInputError(code=Code.NO_RESPONSES)
    if not margins:
        raise StatsInputError("no raking variables given")
    _check_trim(trim)
    start = _base(base_weights, n)
    codes, targets, labels, scale = _encode(frame, margins)

    w = start.copy()
    pairs = list(zip(codes, targets, strict=True))
    shares = [np.zeros(len(t)) for t in targets]
    error = math.inf
    trimmed = 0
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        for code, target in pairs:
            sums = np.bincount(code, weights=w, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):  # empty cells have no rows
                w *= (target * w.sum() / sums)[code]
        if trim is not None:
            mean = w.mean()
            low, high = trim[0] * mean, trim[1] * mean
            trimmed = int(np.count_nonzero((w < low) | (w > high)))
            np.clip(w, low, high, out=w)
        total = w.sum()
        shares = [
            np.bincount(c, weights=w, minlength=t.size) / total
            for c, t in zip(codes, targets, strict=True)
        ]
        error = max(float(np.abs(s - t).max()) for s, t in zip(shares, targets, strict=True))
        if error < tolerance:
            break
    converged = error < tolerance
    if not converged:
        why = Code.NOT_CONVERGED if trim is None else Code.NOT_CONVERGED_TRIM
        if strict:
            raise StatsInputError(code=why, passes=max_iter, gap=error)
        message = problems.message(why, "en", passes=max_iter, gap=error)
        warnings.warn(message, StatsWarning, stacklevel=2)

    w *= scale / w.sum()
    counts = [np.bincount(c, minlength=t.size) for c, t in zip(codes, targets, strict=True)]
    fits = [
        MarginFit(variable, value, float(t[k]), float(s[k]), float(m[k] / n), int(m[k]))
        for variable, values, t, s, m in zip(margins, labels, targets, shares, counts, strict=True)
        for k, value in enumerate(values)
    ]
    deff = kish_design_effect(w)
    return RakingResult(
        weights=w,
        converged=converged,
        iterations=iterations,
        margins=fits,
        max_error=error,
        design_effect=deff,
        effective_n=n / deff,
        min_weight=float(w.min()),
        max_weight=float(w.max()),
        weight_ratio=float(w.max() / w.min()),
        trimmed=trimmed,
        trim=trim,
    )


def _check_trim(trim: tuple[float, float] | None) -> None:
    if trim is None:
        return
    low, high = trim
    if not (math.isfinite(low) and math.isfinite(high)) or not 0 < low <= 1 <= high:
        raise StatsInputError(location="trim", code=Code.TRIM_BOUNDS, low=low, high=high)


def _base(base_weights: npt.ArrayLike | None, n: int) -> np.ndarray:
    if base_weights is None:
        return np.ones(n)
    w = np.asarray(base_weights, dtype=float).reshape(-1)
    if w.size != n:
        raise StatsInputError(
            location="base_weights", code=Code.BASE_WEIGHTS_COUNT, count=w.size, n=n
        )
    if not np.isfinite(w).all() or (w <= 0).any():
        raise StatsInputError(location="base_weights", code=Code.BASE_WEIGHTS_INVALID)
    return w.copy()


def _encode(
    frame: pd.DataFrame, margins: Mapping[str, Mapping[object, float]]
) -> tuple[list[np.ndarray], list[np.ndarray], list[list[object]], float]:
    """(row codes per variable, target shares per variable, category labels, weight total)."""
    codes: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    labels: list[list[object]] = []
    totals: list[float | None] = []
    for variable, wanted in margins.items():
        if variable not in frame.columns:
            raise UnknownColumnError(f"no column {variable!r} in the response table", variable)
        values = list(wanted)
        raw = np.array([_number(wanted[v], variable, v) for v in values])
        column = frame[variable]
        missing = int(column.isna().sum())
        if missing:
            raise StatsInputError(location=variable, code=Code.RAKE_MISSING, missing=missing)
        # Factorise once (hashing every row), then place the few distinct answers.
        seen, answered = pd.factorize(column)
        place = pd.Index(values).get_indexer(answered)
        if (place < 0).any():
            stray = sorted(str(v) for v in answered[place < 0])
            raise StatsInputError(
                location=variable, code=Code.STRAY_ANSWERS, answers=", ".join(stray)
            )
        code = place[seen]
        counts = np.bincount(code, minlength=len(values))
        total = raw.sum()
        if total <= COUNT_THRESHOLD and abs(total - 1) > SHARE_TOLERANCE:
            raise StatsInputError(
                location=variable, code=Code.SHARES_SUM, total=total, tolerance=SHARE_TOLERANCE
            )
        for value, target, count in zip(values, raw, counts, strict=True):
            if target > 0 and count == 0:
                raise StatsInputError(location=variable, code=Code.NOBODY_ANSWERED, value=value)
            if target == 0 and count > 0:
                raise StatsInputError(
                    location=variable, code=Code.ZERO_TARGET, value=value, count=int(count)
                )
        codes.append(code)
        targets.append(raw / total)
        labels.append(values)
        totals.append(total if total > COUNT_THRESHOLD else None)
    counted = [t for t in totals if t is not None]
    agree = not counted or max(counted) - min(counted) <= 1e-3 * max(counted)
    if len(counted) not in (0, len(totals)) or not agree:
        raise StatsInputError(code=Code.MIXED_TARGETS)
    return codes, targets, labels, counted[0] if counted else float(len(frame))


def _number(value: float | str, variable: str, category: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StatsInputError(
            location=variable, code=Code.TARGET_NOT_NUMBER, category=category
        ) from None
    if not math.isfinite(number) or number < 0:
        raise StatsInputError(location=variable, code=Code.TARGET_NEGATIVE, category=category)
    return number
