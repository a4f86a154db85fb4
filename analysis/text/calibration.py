"""How far a classifier's probabilities can be taken at their word, and where it is unsure.

:func:`reliability` bins predicted probabilities and sets each bin's mean prediction beside
the observed share of positives (a reliability curve); :func:`expected_calibration_error` is
the bins' mean gap weighted by their size (Guo et al. 2017, §2); :func:`neutral_band` is the
band of probabilities where held-out texts are no better than two-to-one either way, which
the sentiment model reports as "neutral".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BINS = 10
UNSURE = (1 / 3, 2 / 3)  # observed share positive inside which no label has 2:1 odds


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    predicted: float  # mean predicted probability (nan when empty)
    observed: float  # share of positives (nan when empty)


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = BINS) -> list[Bin]:
    """Equal-width bins of [0, 1]; a probability on an inner edge goes to the upper bin."""
    probs = np.asarray(probs, dtype=float)
    labels = np.asarray(labels, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        out.append(
            Bin(
                float(edges[b]),
                float(edges[b + 1]),
                n,
                float(probs[mask].mean()) if n else float("nan"),
                float(labels[mask].mean()) if n else float("nan"),
            )
        )
    return out


def expected_calibration_error(table: list[Bin]) -> float:
    used = [b for b in table if b.n]
    total = sum(b.n for b in used)
    return sum(b.n * abs(b.predicted - b.observed) for b in used) / total if total else 0.0


def neutral_band(
    table: list[Bin], default: tuple[float, float] = (0.4, 0.6)
) -> tuple[float, float]:
    """The smallest band [0.5 − h, 0.5 + h] covering every bin whose observed share
    positive lies in UNSURE; ``default`` when no bin does."""
    low, high = UNSURE
    unsure = [b for b in table if b.n and low <= b.observed <= high]
    if not unsure:
        return default
    half = max(max(0.5 - b.low, b.high - 0.5) for b in unsure)
    return (round(0.5 - half, 4), round(0.5 + half, 4))
