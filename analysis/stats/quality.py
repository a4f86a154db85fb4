"""Response quality you can explain: each response gets reasons, each with its evidence in
numbers and a weight; the score is the sum of the weights, and a response is *flagged* when
its score reaches `THRESHOLD` (1.0). Responses are flagged, never deleted: the caller decides
to exclude.

Reasons and weights (a weight of 1 flags on its own; weaker signals flag only together):

- `duplicate` (1): the same `response_id` seen before, or exactly the same answers as an
  earlier response (blanks equal; empty responses not compared); the first is kept.
- `speeder` (1): `duration_s` under `speeder_ratio` (a third) of the median duration.
- `straight_liner` (1 × the share of the matrices straight-lined): the same option on every
  row of a single-answer matrix with at least `min_rows` answered rows.
- `attention_failed` (1): an answer differs from the question's `attention_check` value
  (blank is no failure: it may have been hidden; a matrix's check is a {row: value} object).
- `page_speeder` (1 × the share of timed pages): a page (paradata seconds) under a third of
  that page's median time (pages with at least 5 timings).
- `similar_sequence` (0.5 per such response, at most 1): closed answers at least 90 % equal
  to another response's (`quality_patterns`).
- `random_answers` (1): closed answers fit uniform random clicks better than the answers of
  respondents at the same level (log-likelihood ratio per item < 0; `quality_patterns`).
- `same_device` (0.5): the same browser sent another response within the hour (paradata).
- `same_address` (0.5): another complete response came from the same network address (its
  keyed hash, added by the server) within the hour. Below 1 because an office or campus
  behind one NAT, or a mobile carrier, sends many honest people from one address: it flags
  only together with another signal (the same device too, say).
- `gibberish_text` (0.5 per answer, at most 1): keyboard mash, repeated characters, symbols
  only or random characters (`quality_text`).
- `copied_text` (0.5 per answer, at most 1): an open answer (≥ 8 characters) given word for
  word by another respondent.
- `pasted_text` (0.25 per answer, at most 0.5): an open answer pasted in one go (paradata).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats import quality_patterns as patterns
from analysis.stats import quality_text as texts
from analysis.stats.table import (
    PARADATA_PREFIX,
    iter_questions,
    kind_of,
    option_values,
    question_columns,
    row_values,
)

REASONS = (
    "duplicate",
    "speeder",
    "straight_liner",
    "attention_failed",
    "page_speeder",
    "similar_sequence",
    "random_answers",
    "same_device",
    "same_address",
    "gibberish_text",
    "copied_text",
    "pasted_text",
)
FLAGS = REASONS  # the name the report and the pages have used since the four first flags
THRESHOLD = 1.0
MIN_PAGE_TIMINGS = 5
RANDOM_LLR = 0.0  # mean log-likelihood ratio per item below which answers look random


@dataclass(frozen=True)
class Reason:
    """Why a response is suspect: `code` (one of REASONS), its `weight` in the score, and the
    numbers behind it (`evidence`, JSON-ready; the pages put them into words)."""

    code: str
    weight: float
    evidence: dict[str, Any] = field(default_factory=dict[str, Any])


Signal = tuple[str, np.ndarray, np.ndarray, Callable[[int], dict[str, Any]]]


def _signals(
    definition: dict[str, Any], frame: pd.DataFrame, speeder_ratio: float, min_rows: int
) -> list[Signal]:
    """Each reason as (code, rows, weights, evidence of a row): the score needs only rows and
    weights, so evidence is built for the rows someone looks at."""
    if not 0 < speeder_ratio < 1:
        raise ValueError("speeder_ratio lies between 0 and 1")
    questions = iter_questions(definition)
    signals: list[Signal] = []

    def found(code: str, pairs: Iterable[tuple[int, Any]], weight: float | None = None) -> None:
        """From (row, evidence) or (row, (weight, evidence)) pairs of a per-row rule."""
        by_row = dict(pairs)
        rows = np.fromiter(by_row, dtype=np.int64, count=len(by_row))
        if weight is None:
            weights = np.array([by_row[i][0] for i in rows], dtype=float)
            signals.append((code, rows, weights, lambda i: by_row[i][1]))
        else:
            signals.append((code, rows, np.full(len(rows), weight), by_row.__getitem__))

    found("duplicate", _duplicates(frame, questions), 1.0)
    found("speeder", _speeders(frame, speeder_ratio), 1.0)
    found("straight_liner", _straight_liners(frame, questions, min_rows))
    found("attention_failed", ((i, {"questions": q}) for i, q in _attention(frame, questions)), 1.0)
    found("page_speeder", _page_speeders(frame, speeder_ratio))
    items = patterns.sequence_items(definition, frame)
    codes = patterns.answer_codes(frame, items)
    similar, best = patterns.similar_sequences(codes)
    scale = [j for j, item in enumerate(items) if item[2]]
    scale_codes, scale_sizes = codes[:, scale], [items[j][1] for j in scale]
    levels = patterns.answer_levels(scale_codes, scale_sizes)
    llr, used = patterns.random_answering(codes, [k for _, k, _ in items], levels)
    devices = patterns.same_device(frame)
    addresses = patterns.same_address(frame)
    text_cols = [
        c
        for q in questions
        for c in question_columns(q)
        if c in frame.columns and (kind_of(q) == "text" or c.endswith("/other_text"))
    ]
    rows = np.flatnonzero(similar)
    signals.append(("similar_sequence", rows, np.minimum(1.0, 0.5 * similar[rows]),
                    lambda i: {"others": int(similar[i]), "agreement": float(best[i]),
                               "items": len(items)}))  # fmt: skip
    rows = np.flatnonzero(llr < RANDOM_LLR)  # NaN: not enough answers to judge
    r_pt: list[
        np.ndarray
    ] = []  # the person-total correlations, computed when evidence is first asked for

    def random_evidence(i: int) -> dict[str, Any]:
        if not r_pt:
            r_pt.append(patterns.person_total(scale_codes, scale_sizes))
        return {"llr": float(llr[i]), "r": _maybe(r_pt[0][i]), "items": int(used[i])}

    signals.append(("random_answers", rows, np.ones(len(rows)), random_evidence))
    found("same_device", ((i, d) for i, d in enumerate(devices) if d is not None), 0.5)
    found("same_address", ((i, a) for i, a in enumerate(addresses) if a is not None), 0.5)
    for code, answers, per, cap in (
        ("gibberish_text", texts.gibberish_answers(frame, text_cols), 0.5, 1.0),
        ("copied_text", texts.copied_answers(frame, text_cols), 0.5, 1.0),
        ("pasted_text", texts.pasted_answers(frame, text_cols), 0.25, 0.5),
    ):
        rows = np.fromiter(answers, dtype=np.int64, count=len(answers))
        count = np.array([len(answers[i]) for i in rows.tolist()], dtype=float)
        signals.append((code, rows, np.minimum(cap, per * count), _answers_evidence(answers)))
    return signals


def explain_responses(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    *,
    speeder_ratio: float = 1 / 3,
    min_rows: int = 3,
) -> list[list[Reason]]:
    """The reasons of each row of `frame` (a prepared frame), in REASONS order."""
    out: list[list[Reason]] = [[] for _ in range(len(frame))]
    for code, rows, weights, evidence in _signals(definition, frame, speeder_ratio, min_rows):
        for i, weight in zip(rows.tolist(), weights.tolist(), strict=True):
            out[i].append(Reason(code, float(weight), evidence(i)))
    return out


def _answers_evidence(answers: dict[int, list[dict[str, Any]]]) -> Callable[[int], dict[str, Any]]:
    return lambda i: {"answers": answers[i]}


def _maybe(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def score_of(reasons: list[Reason]) -> float:
    return float(sum(r.weight for r in reasons))


def flag_responses(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    *,
    speeder_ratio: float = 1 / 3,
    min_rows: int = 3,
) -> pd.DataFrame:
    """One row per response (same index as `frame`, a prepared frame): a boolean column per
    reason in REASONS (found, whatever its weight), `score`, `flagged` (score ≥ THRESHOLD)
    and `reasons` ("duplicate;speeder", "" if none)."""
    out = pd.DataFrame(index=frame.index)
    found = np.zeros((len(frame), len(REASONS)), dtype=bool)
    score = np.zeros(len(frame), dtype=float)
    for code, rows, weights, _ in _signals(definition, frame, speeder_ratio, min_rows):
        found[rows, REASONS.index(code)] = True
        np.add.at(score, rows, weights)
    for k, code in enumerate(REASONS):
        out[code] = found[:, k]
    out["score"] = score
    out["flagged"] = score >= THRESHOLD - 1e-9
    # one string per distinct combination of reasons, not per row
    combos, which = np.unique(found @ (1 << np.arange(len(REASONS))), return_inverse=True)
    names = np.array([";".join(c for k, c in enumerate(REASONS) if bits >> k & 1)
                      for bits in combos.tolist()], dtype=object)  # fmt: skip
    out["reasons"] = names[which.reshape(-1)]
    return out


def _duplicates(
    frame: pd.DataFrame, questions: list[dict[str, Any]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    answer_cols = [c for q in questions for c in question_columns(q) if c in frame.columns]
    n = len(frame)
    ids = frame["response_id"] if "response_id" in frame.columns else pd.Series([None] * n)
    ids = ids.reset_index(drop=True)
    same_id = (ids.notna() & ids.duplicated(keep="first")).to_numpy()
    if answer_cols:
        answers = frame[answer_cols].reset_index(drop=True)
        same, first_of = _same_answers(answers)
        same &= answers.notna().any(axis=1).to_numpy()
    else:
        same, first_of = np.zeros(n, dtype=bool), np.arange(n)
    id_list = ids.tolist()
    for i in np.flatnonzero(same_id | same):
        if same_id[i]:
            yield int(i), {"of": id_list[i], "same_id": True}
        else:
            yield int(i), {"of": id_list[first_of[i]], "same_id": False}


def _same_answers(answers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: whether an earlier row has exactly the same answers (`DataFrame.duplicated`,
    blanks equal), and the first row with its answers. Rows are hashed, and only rows whose
    hash was seen before are compared in full (`duplicated` on all 100,000 rows is the
    slow part otherwise); `tests/analysis/stats/test_quality_fast.py` holds it to
    `duplicated` itself."""
    hashes = pd.util.hash_pandas_object(answers, index=False).to_numpy()
    codes, uniques = pd.factorize(hashes)
    first_index = np.empty(len(uniques), dtype=np.int64)
    first_index[codes[::-1]] = np.arange(len(codes))[::-1]  # the earliest write is the last
    first_of = first_index[codes]
    candidates = np.flatnonzero(first_of != np.arange(len(answers)))
    same = np.zeros(len(answers), dtype=bool)
    if len(candidates):
        subset = np.union1d(candidates, first_of[candidates])
        same[subset] = answers.iloc[subset].duplicated(keep="first").to_numpy()
    return same, first_of


def _speeders(frame: pd.DataFrame, ratio: float) -> Iterator[tuple[int, dict[str, Any]]]:
    if "duration_s" not in frame.columns:
        return
    d = pd.to_numeric(frame["duration_s"], errors="coerce").to_numpy(dtype=float)
    if np.all(np.isnan(d)):
        return
    median = float(np.nanmedian(d))
    for i in np.flatnonzero(np.nan_to_num(d, nan=np.inf) < median * ratio):
        yield int(i), {"seconds": float(d[i]), "median": median, "share": float(d[i] / median)}


def _page_speeders(
    frame: pd.DataFrame, ratio: float
) -> Iterator[tuple[int, tuple[float, dict[str, Any]]]]:
    prefix = PARADATA_PREFIX + "page_s/"
    cols = [c for c in frame.columns if isinstance(c, str) and c.startswith(prefix)]
    if not cols:
        return
    seconds = frame[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    counts = (~np.isnan(seconds)).sum(axis=0)
    keep = counts >= MIN_PAGE_TIMINGS
    if not keep.any():
        return
    seconds, cols = seconds[:, keep], [c for c, k in zip(cols, keep, strict=True) if k]
    medians = np.nanmedian(seconds, axis=0)
    fast = np.nan_to_num(seconds, nan=np.inf) < medians * ratio
    timed = (~np.isnan(seconds)).sum(axis=1)
    for i in np.flatnonzero(fast.any(axis=1)):
        pages = [
            {"page": cols[j][len(prefix) :], "seconds": float(seconds[i, j]),
             "median": float(medians[j]), "share": float(seconds[i, j] / medians[j])}
            for j in np.flatnonzero(fast[i])
        ]  # fmt: skip
        share = len(pages) / timed[i]
        yield int(i), (share, {"pages": pages, "fast": len(pages), "timed": int(timed[i])})


def _straight_liners(
    frame: pd.DataFrame, questions: list[dict[str, Any]], min_rows: int
) -> Iterator[tuple[int, tuple[float, dict[str, Any]]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    eligible = np.zeros(len(frame), dtype=int)
    for q in questions:
        if kind_of(q) != "matrix" or len(q.get("rows", [])) < min_rows:
            continue
        # each cell as its position on the scale (−1 = blank): one distinct code = a straight line
        scale = option_values(q)
        codes = np.column_stack(
            [pd.Categorical(frame[f"{q['id']}/{r}"], categories=scale).codes for r in row_values(q)]
        ).astype(float)
        codes[codes < 0] = np.nan
        answered = (~np.isnan(codes)).sum(axis=1)
        low = np.where(np.isnan(codes), np.inf, codes).min(axis=1)
        high = np.where(np.isnan(codes), -np.inf, codes).max(axis=1)
        eligible += answered >= min_rows
        for i in np.flatnonzero((answered >= min_rows) & (low == high)):
            entry = {"question": q["id"], "rows": int(answered[i]), "value": scale[int(low[i])]}
            found.setdefault(int(i), []).append(entry)
    for row, matrices in found.items():
        yield row, (len(matrices) / eligible[row], {"matrices": matrices, "of": int(eligible[row])})


def _same(series: pd.Series, expected: str | float) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series == float(expected)
    return series.astype(str) == str(expected)


def _attention(
    frame: pd.DataFrame, questions: list[dict[str, Any]]
) -> Iterator[tuple[int, list[str]]]:
    failed: dict[int, list[str]] = {}
    for q in questions:
        expected = q.get("attention_check")
        if expected is None:
            continue
        if kind_of(q) == "matrix" and isinstance(expected, dict):
            checks = {f"{q['id']}/{row}": value for row, value in expected.items()}
        else:
            checks = {question_columns(q)[0]: expected}
        for col, value in checks.items():
            if col not in frame.columns:
                continue
            s = frame[col]
            wrong = (s.notna() & ~_same(s, value)).to_numpy(dtype=bool)
            for i in np.flatnonzero(wrong):
                failed.setdefault(int(i), []).append(col)
    yield from failed.items()


def quality_summary(flags: pd.DataFrame) -> dict[str, Any]:
    """Counts per reason and of flagged responses (JSON-ready)."""
    out: dict[str, Any] = {name: int(flags[name].sum()) for name in REASONS}
    out["flagged"] = int(flags["flagged"].sum())
    out["n"] = len(flags)
    out["threshold"] = THRESHOLD
    return out


def key_metrics(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The key numbers of a `summarise` result: n, then per rating question its mean and
    top-2 box (CSAT), per NPS question its NPS, per matrix row its mean and top-2 box.
    Each {"question", "row", "metric", "value"} (row None for a whole question)."""
    out = [{"question": None, "row": None, "metric": "n", "value": summary["n"]}]
    for qid, f in summary["questions"].items():
        kind = kind_of(f)  # the registry's analysis kind of the summarised question
        if kind == "rating":
            out.append({"question": qid, "row": None, "metric": "mean", "value": f.get("mean")})
            top2 = (f.get("csat") or {}).get("percent")
            out.append({"question": qid, "row": None, "metric": "top2", "value": top2})
        elif kind == "nps":
            out.append({"question": qid, "row": None, "metric": "nps", "value": f.get("nps")})
        elif kind in ("matrix", "matrix_multiple"):
            for row, r in (f.get("rows") or {}).items():
                if "mean" not in r:
                    continue
                out.append({"question": qid, "row": row, "metric": "mean", "value": r["mean"]})
                top2 = (r.get("top2") or {}).get("percent")
                out.append({"question": qid, "row": row, "metric": "top2", "value": top2})
    return out


def metric_shift(included: dict[str, Any], excluded: dict[str, Any]) -> list[dict[str, Any]]:
    """Key numbers with flagged responses (`included`, a `summarise` result) and without them
    (`excluded`, the same call with exclude_flagged=True), side by side: each entry of
    `key_metrics` with `with`, `without` and `change` (without − with; None when either is
    missing)."""
    without = {(m["question"], m["row"], m["metric"]): m["value"] for m in key_metrics(excluded)}
    rows = []
    for m in key_metrics(included):
        other = without.get((m["question"], m["row"], m["metric"]))
        change = None if m["value"] is None or other is None else other - m["value"]
        rows.append({**{k: m[k] for k in ("question", "row", "metric")},
                     "with": m["value"], "without": other, "change": change})  # fmt: skip
    return rows
