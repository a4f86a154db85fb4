"""Automatic insights: every key metric and rating / choice question against every segment.

Each cell is one level of a segment question (`segments.segment_questions`) against the rest
of the respondents who answered that question, tested with the test its item calls for:

| item                     | test                                        | effect             |
|--------------------------|---------------------------------------------|--------------------|
| NPS                      | adjusted-Wald difference (Rocks 2016)       | NPS points         |
| a share (CSAT, top-2)    | two-proportion z, Newcombe interval         | Cohen's h          |
| a mean (rating, SUS, row)| Welch's t                                   | Cohen's d          |
| a single-choice question | chi-square of the 2 × k table               | Cramér's V         |

Under survey weights the metrics' tests are design-based (`weighted_groups`, the NPS on each
side's design effective n) and the tables' the Rao–Scott F. The p-values of the whole scan
are adjusted together (Benjamini & Hochberg 1995); a cell is claimed when its adjusted p is
under `ALPHA` *and* its effect reaches the threshold of its kind (Cohen's 1988 "small": h and
d 0.2, w = V 0.1 on one degree of freedom; 10 NPS points). Claims are ranked by effect in
multiples of that threshold, so an NPS gap of 20 points (2×) ranks with a d of 0.4 (2×).
A cell where either side has fewer than `min_n` respondents is not tested (it does not count
in the correction): when its effect looks notable it is returned as a small-sample note,
flagged and not claimed. A segment question with two levels is tested once (its second level
against the rest is the first one's mirror).

`scan` runs the vectorised path (`scan_cells`); `method="plain"` the cell-by-cell one
(`scan_reference`) that the tests hold it equal to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.findings import scan_cells as fast
from analysis.findings import scan_reference as plain
from analysis.findings.claims import build_claim, level_codes
from analysis.findings.metrics import DEFAULT_MIN_N, default_metrics, respondent_values
from analysis.findings.segments import segment_levels, segment_questions
from analysis.stats.corrections import benjamini_hochberg
from analysis.stats.table import iter_questions, kind_of, option_scores, row_values

#: the false-discovery rate the scan's adjusted p-values are held to
ALPHA = 0.05
#: the smallest effects worth a sentence: Cohen (1988) "small" for h, d and w (= V on 1 df),
#: and 10 NPS points (a tenth of the scale's half-width, a gap product teams act on)
MIN_NPS_POINTS = 10.0
MIN_COHENS_H = 0.2
MIN_COHENS_D = 0.2
MIN_CRAMERS_V = 0.1
THRESHOLDS = {"nps": MIN_NPS_POINTS, "share": MIN_COHENS_H, "mean": MIN_COHENS_D}
THRESHOLDS["choice"] = MIN_CRAMERS_V
#: metric kind → the test family of its cells
FAMILY = {"nps": "nps", "csat": "share", "top2": "share", "mean": "mean", "sus": "mean"}


@dataclass(frozen=True)
class Item:
    """What is compared across segments: a metric spec, or a single-choice question."""

    kind: str  # a metric kind (`metrics.METRIC_KINDS`) or "choice"
    question: str

    @property
    def family(self) -> str:
        return "choice" if self.kind == "choice" else FAMILY[self.kind]

    @property
    def qid(self) -> str:
        return self.question.split("/")[0]

    def spec(self) -> dict[str, str]:
        return {"kind": self.kind, "question": self.question}


def scan_items(
    definition: dict[str, Any], key_metrics: Sequence[Mapping[str, Any]] | None = None
) -> list[Item]:
    """The key metrics (else `default_metrics`), then each NPS, rating, scored matrix row and
    single-choice question no key metric already covers, in questionnaire order."""
    specs = list(key_metrics) if key_metrics else default_metrics(definition)
    items = [Item(str(s["kind"]), str(s["question"])) for s in specs]
    covered = {item.qid for item in items}
    for q in iter_questions(definition):
        if q["id"] in covered:
            continue
        kind = kind_of(q)
        if kind == "nps":
            items.append(Item("nps", q["id"]))
        elif kind == "rating":
            items.append(Item("mean", q["id"]))
        elif kind == "matrix" and any(s == s for s in option_scores(q).values()):
            items += [Item("mean", f"{q['id']}/{r}") for r in row_values(q)]
        elif kind == "choice":
            items.append(Item("choice", q["id"]))
    return items


@dataclass(frozen=True)
class _Segment:
    qid: str
    levels: list[dict[str, Any]]  # segment_levels entries with answers
    codes: np.ndarray  # level index per row, −1 blank

    def tested(self) -> range:
        return range(1) if len(self.levels) == 2 else range(len(self.levels))


def _segments(definition: dict[str, Any], frame: pd.DataFrame) -> list[_Segment]:
    out = []
    for q in segment_questions(definition, frame):
        if q["id"] not in frame.columns:
            continue
        levels = [lv for lv in segment_levels(definition, frame, q["id"]) if lv["n"] > 0]
        if len(levels) < 2:
            continue
        out.append(_Segment(q["id"], levels, level_codes(frame[q["id"]], levels)))
    return out


def _item_values(
    definition: dict[str, Any], frame: pd.DataFrame, item: Item
) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """(values, answered mask, the answers as text for a choice item)."""
    if item.kind == "choice":
        levels = segment_levels(definition, frame, item.question)
        codes = level_codes(frame[item.question], levels)
        answers = frame[item.question].astype(object).map(str, na_action="ignore")
        return codes, codes >= 0, answers
    values = respondent_values(definition, frame, item.spec())
    return values, ~np.isnan(values), None


def _cells(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    weights: np.ndarray | None,
    confidence: float,
    method: str,
    key_metrics: Sequence[Mapping[str, Any]] | None,
) -> Iterator[dict[str, Any]]:
    items = scan_items(definition, key_metrics)
    segments = _segments(definition, frame)
    positive = np.ones(len(frame), dtype=bool) if weights is None else weights > 0
    for item in items:
        values, answered, answers = _item_values(definition, frame, item)
        for seg in segments:
            if seg.qid == item.qid:
                continue
            valid = answered & (seg.codes >= 0) & positive
            codes, w = seg.codes[valid], None if weights is None else weights[valid]
            k = len(seg.levels)
            if method == "plain":
                results = _plain(item, values[valid], answers, valid, codes, w, seg, confidence)
            else:
                results = _fast(item, values[valid], codes, k, w, seg, confidence)
            for j, res in results:
                yield res | {"item": item, "segment": seg.qid, "level": seg.levels[j]["value"]}


def _fast(
    item: Item,
    values: np.ndarray,
    codes: np.ndarray,
    k: int,
    w: np.ndarray | None,
    seg: _Segment,
    confidence: float,
) -> Iterator[tuple[int, dict[str, Any]]]:
    if item.family == "choice":
        if values.size == 0:
            return
        counts, mass, squares = fast.choice_tables(values, int(values.max()) + 1, codes, k, w)
        for j in seg.tested():
            n_a = float(counts[j].sum())
            res = {"n_a": n_a, "n_b": float(counts.sum()) - n_a}
            if min(res["n_a"], res["n_b"]) >= 2:
                test = fast.level_table_test(counts, mass, squares, j)
                res |= {"p": test["p"], "effect": test["cramers_v"]}
            yield j, res
        return
    if item.family == "nps":
        arrays = fast.nps_cells(values, codes, k, w, confidence)
    elif item.family == "share":
        arrays = fast.share_cells((values > 0).astype(float), codes, k, w, confidence)
    else:
        arrays = fast.mean_cells(values, codes, k, w, confidence)
    for j in seg.tested():
        yield j, {name: float(a[j]) for name, a in arrays.items()}


def _plain(
    item: Item,
    values: np.ndarray,
    answers: pd.Series | None,
    valid: np.ndarray,
    codes: np.ndarray,
    w: np.ndarray | None,
    seg: _Segment,
    confidence: float,
) -> Iterator[tuple[int, dict[str, Any]]]:
    for j in seg.tested():
        inside = codes == j
        res: dict[str, Any] = {"n_a": float(inside.sum()), "n_b": float((~inside).sum())}
        if min(res["n_a"], res["n_b"]) < 2:
            yield j, res
            continue
        if item.family == "choice" and answers is not None:
            table = plain.choice_cell(answers[valid], inside, w)
            yield j, res | {"p": table["p"], "effect": table["cramers_v"]}
            continue
        wa, wb = (None, None) if w is None else (w[inside], w[~inside])
        cell = plain.metric_cell(item.family, values[inside], values[~inside], wa, wb, confidence)
        yield j, res | cell


def scan(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    *,
    weights: np.ndarray | None = None,
    key_metrics: Sequence[Mapping[str, Any]] | None = None,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    method: str = "fast",
) -> dict[str, Any]:
    """{"claims": [...], "small": [...], "tested", "cells", "alpha", "confidence",
    "weighted"}: `claims` ranked, each `claims.build_claim`'s dict; `small` the notable cells
    under `min_n`. `frame` is the prepared, already filtered frame of `findings_data`."""
    if method not in ("fast", "plain"):
        raise ValueError("method is 'fast' or 'plain'")
    w = None if weights is None else np.asarray(weights, dtype=float)
    cells = list(_cells(definition, frame, w, confidence, method, key_metrics))
    tested = [c for c in cells if min(c["n_a"], c["n_b"]) >= max(min_n, 2) and np.isfinite(c["p"])]
    adjusted = benjamini_hochberg([c["p"] for c in tested]) if tested else np.zeros(0)
    survivors = []
    for cell, p_adj in zip(tested, adjusted, strict=True):
        cell["p_adjusted"] = float(p_adj)
        if p_adj < ALPHA and abs(cell["effect"]) >= THRESHOLDS[cell["item"].family]:
            survivors.append(cell)
    small = [
        c
        for c in cells
        if min(c["n_a"], c["n_b"]) < min_n
        and np.isfinite(c.get("effect", np.nan))
        and abs(c["effect"]) >= THRESHOLDS[c["item"].family]
    ]
    survivors.sort(key=lambda c: (-_strength(c), c["p_adjusted"]))
    small.sort(key=lambda c: -_strength(c))

    def claim(c: dict[str, Any]) -> dict[str, Any]:
        return build_claim(definition, frame, w, c, strength=_strength(c), confidence=confidence)

    return {
        "claims": [claim(c) for c in survivors],
        "small": [claim(c) for c in small],
        "tested": len(tested),
        "cells": len(cells),
        "alpha": ALPHA,
        "confidence": confidence,
        "min_n": min_n,
        "weighted": w is not None,
    }


def _strength(cell: dict[str, Any]) -> float:
    """The effect in multiples of its kind's threshold: one scale to rank every claim on."""
    return float(abs(cell["effect"]) / THRESHOLDS[cell["item"].family])


def raw_cells(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    *,
    weights: np.ndarray | None = None,
    key_metrics: Sequence[Mapping[str, Any]] | None = None,
    confidence: float = 0.95,
    method: str = "fast",
) -> list[dict[str, Any]]:
    """Every cell's numbers before the correction (what the two paths are compared on)."""
    w = None if weights is None else np.asarray(weights, dtype=float)
    return list(_cells(definition, frame, w, confidence, method, key_metrics))
