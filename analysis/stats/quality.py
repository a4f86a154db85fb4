"""Data-quality flags. Responses are flagged, never deleted: the caller decides to exclude.

Rules (each a column of the frame `flag_responses` returns, True = flagged):

- `duplicate`: the same `response_id` seen before, or exactly the same answers as an earlier
  response (every question column equal, blanks equal; responses with no answer at all are
  not compared). The first occurrence is kept unflagged.
- `speeder`: `duration_s` under `speeder_ratio` (a third) of the median duration.
- `straight_liner`: the same option on every row of a single-answer matrix, over at least
  `min_rows` answered rows, in any matrix of the questionnaire.
- `attention_failed`: an answer differs from the question's `attention_check` value (a blank
  answer is not a failure: the question may have been hidden). For a matrix the check is a
  {row: value} object.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats.table import (
    iter_questions,
    kind_of,
    option_values,
    question_columns,
    row_values,
)

FLAGS = ("duplicate", "speeder", "straight_liner", "attention_failed")


def flag_responses(
    definition: dict, frame: pd.DataFrame, *, speeder_ratio: float = 1 / 3, min_rows: int = 3
) -> pd.DataFrame:
    """One row per response (same index as `frame`, a prepared frame): a boolean column per
    rule in FLAGS, `flagged` (any of them), and `reasons` ("duplicate;speeder", "" if none)."""
    if not 0 < speeder_ratio < 1:
        raise ValueError("speeder_ratio lies between 0 and 1")
    questions = iter_questions(definition)
    answer_cols = [c for q in questions for c in question_columns(q) if c in frame.columns]
    out = pd.DataFrame(index=frame.index)
    answered = (
        frame[answer_cols].notna().any(axis=1)
        if answer_cols
        else pd.Series(False, index=frame.index)
    )
    dup = frame[answer_cols].duplicated(keep="first") & answered if answer_cols else answered
    if "response_id" in frame.columns:
        ids = frame["response_id"]
        dup |= ids.notna() & ids.duplicated(keep="first")
    out["duplicate"] = dup.to_numpy(dtype=bool)
    out["speeder"] = _speeders(frame, speeder_ratio)
    out["straight_liner"] = _straight_liners(frame, questions, min_rows)
    out["attention_failed"] = _attention(frame, questions)
    flags = out[list(FLAGS)].to_numpy()
    out["flagged"] = flags.any(axis=1)
    reasons = np.full(len(out), "", dtype=object)
    for j, name in enumerate(FLAGS):
        reasons = reasons + np.where(flags[:, j], name + ";", "").astype(object)
    out["reasons"] = [r[:-1] for r in reasons] if flags.any() else reasons
    return out


def _speeders(frame: pd.DataFrame, ratio: float) -> np.ndarray:
    if "duration_s" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    d = pd.to_numeric(frame["duration_s"], errors="coerce").to_numpy(dtype=float)
    if np.all(np.isnan(d)):
        return np.zeros(len(frame), dtype=bool)
    return np.nan_to_num(d, nan=np.inf) < np.nanmedian(d) * ratio


def _straight_liners(frame: pd.DataFrame, questions: list[dict], min_rows: int) -> np.ndarray:
    flagged = np.zeros(len(frame), dtype=bool)
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
        flagged |= (answered >= min_rows) & (low == high)
    return flagged


def _same(series: pd.Series, expected) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series == float(expected)
    return series.astype(str) == str(expected)


def _attention(frame: pd.DataFrame, questions: list[dict]) -> np.ndarray:
    failed = np.zeros(len(frame), dtype=bool)
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
            failed |= (s.notna() & ~_same(s, value)).to_numpy(dtype=bool)
    return failed


def quality_summary(flags: pd.DataFrame) -> dict:
    """Counts per flag and of responses with any flag (JSON-ready)."""
    out = {name: int(flags[name].sum()) for name in FLAGS}
    out["flagged"] = int(flags["flagged"].sum())
    out["n"] = len(flags)
    return out
