"""Banner tables: one row question against several column questions at once, with
column-proportion and column-mean significance letters as SPSS Custom Tables prints them.

Every column of the banner (each option of each column question) gets a letter, A, B, C…
across the whole banner, so a letter names one column; the total column has none and is not
tested. A cell lists the letters of the columns of the *same* column question whose share
(or mean) it is significantly greater than. Each pair of columns is one test; the p-values
of one row of one column question form a family and are adjusted together (SPSS CTABLES
`/COMPARETEST TYPE=PROP ADJUST=BONFERRONI`: "Compare column proportions", "Adjust p-values
for multiple comparisons: Bonferroni method").

Tests (`tests` in the result names the ones used):

- `z_pooled`: unweighted column proportions, z-test of two proportions with the pooled
  variance p̄(1 − p̄)(1/n_a + 1/n_b), as SPSS; statsmodels `proportions_ztest([x_a, x_b],
  [n_a, n_b])`.
- `t_pooled`: unweighted column means, Student's t with the variance pooled over the two
  columns compared (SPSS `MEANSVARIANCE=TESTEDCATS`); statsmodels `ttest_ind(a, b)`.
- `z_linearised`: with weights, shares and means are weighted and their difference is
  divided by the design-based SE √(se_a² + se_b²), each from `design.weighted_mean_se`
  (domains of one column question are disjoint, so the covariance is 0); R `svyby(~y, ~col,
  design, svymean)` and `svycontrast`.

A test that cannot be computed gives p = None and no letter, and does not count in its
family: a column with no answer; in a proportions row a column whose share is 0 or 1 (SPSS:
"not used in comparisons because its column proportion is equal to zero or one"); a t-test
without two answers in each column or without variance; a weighted test with fewer than two
answers in a column or a column whose standard error is 0 (one respondent would otherwise
carry a letter on a design SE of zero).
"""

from __future__ import annotations

import math
from string import ascii_uppercase
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from analysis.stats.corrections import holm
from analysis.stats.crosstab import category_codes
from analysis.stats.descriptives import scores_of
from analysis.stats.design import weighted_mean_se
from analysis.stats.errors import Code, StatsInputError, UnknownColumnError
from analysis.stats.estimates import numeric_array
from analysis.stats.table import (
    kind_of,
    not_scored,
    option_labels,
    option_scores,
    option_values,
    question_map,
)

CORRECTIONS = ("bonferroni", "holm", "none")
_COLUMN_KINDS = ("choice", "rating", "matrix")


def column_letter(i: int) -> str:
    """A, B, …, Z, AA, AB, … (SPSS runs past Z the same way)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = ascii_uppercase[r] + out
    return out


def _question(definition: dict[str, Any], name: str) -> dict[str, Any]:
    q = question_map(definition).get(name.split("/")[0])
    if q is None:
        raise UnknownColumnError(location=name, code=Code.UNKNOWN_QUESTION)
    return q


def _levels(q: dict[str, Any], name: str) -> tuple[list[str], dict[str, str]]:
    """The defined categories of a column (option values, or 1..max of a rating)."""
    if q.get("options"):
        return option_values(q), option_labels(q)
    top = int(q.get("max", 5))
    values = [str(k) for k in range(1, top + 1)]
    return values, {v: v for v in values}


def _indicators(series: pd.Series, levels: list[str]) -> tuple[list[str], list[np.ndarray]]:
    """Each level's 0/1 column (NaN where unanswered); values met but not defined come last."""
    codes, labels = category_codes(series)
    present = {labels[c] for c in np.unique(codes[codes >= 0])}
    values = list(levels) + sorted(present - set(levels))
    valid = codes >= 0
    out = []
    for v in values:
        hit = (codes == labels.index(v)) if v in labels else np.zeros(len(codes), dtype=bool)
        out.append(np.where(valid, hit.astype(float), np.nan))
    return values, out


def _row_spec(frame: pd.DataFrame, definition: dict[str, Any], row: str) -> dict[str, Any]:
    """What the rows of the table are: categories (0/1 each), options of a multiple choice,
    and/or a mean of the scores."""
    q = _question(definition, row)
    kind = kind_of(q)
    if kind == "matrix" and "/" not in row:
        raise StatsInputError(location=row, code=Code.BANNER_MATRIX_ROW)
    if kind == "multiple":
        if "/" in row:
            raise StatsInputError(location=row, code=Code.BANNER_MULTIPLE_ROW)
        values = option_values(q)
        cols = [f"{q['id']}/{v}" for v in values]
        for c in cols:
            if c not in frame.columns:
                raise UnknownColumnError(location=c)
        block = frame[cols].to_numpy(dtype=float)
        answered = ~np.all(np.isnan(block), axis=1)
        ticks = [
            np.where(answered, np.nan_to_num(block[:, j]) > 0, np.nan) for j in range(len(cols))
        ]
        return {"kind": "multiple", "values": values, "labels": option_labels(q), "rows": ticks}
    if row not in frame.columns:
        raise UnknownColumnError(location=row)
    spec: dict[str, Any] = {
        "kind": "categories",
        "labels": {},
        "values": [],
        "rows": [],
        "mean": None,
    }
    if kind in ("choice", "matrix", "rating"):
        levels, spec["labels"] = _levels(q, row)
        spec["values"], spec["rows"] = _indicators(frame[row], levels)
    if kind == "rating" or kind in ("nps", "numeric"):
        spec["mean"] = numeric_array(frame[row].to_numpy(dtype=float), row)
    elif kind == "matrix" or (
        kind == "choice" and any(o.get("score") is not None for o in q["options"])
    ):
        spec["mean"] = scores_of(frame[row], option_scores(q))
        spec["not_scored"] = not_scored(q)
    elif kind != "choice":
        raise StatsInputError(location=row, code=Code.BANNER_ROW_TYPE, type=q["type"])
    if not spec["values"]:
        spec["kind"] = "mean"
    return spec


def _columns(
    frame: pd.DataFrame, definition: dict[str, Any], row: str, columns: list[str]
) -> list[dict[str, Any]]:
    if not columns:
        raise StatsInputError(location="columns", code=Code.BANNER_NO_COLUMNS)
    banners = []
    for name in columns:
        q = _question(definition, name)
        kind = kind_of(q)
        if name == row or name.split("/")[0] == row:
            raise StatsInputError(location=name, code=Code.BANNER_OWN_COLUMN)
        if kind not in _COLUMN_KINDS or (kind == "matrix" and "/" not in name):
            code = Code.BANNER_MATRIX_COLUMN if kind == "matrix" else Code.BANNER_COLUMN_TYPE
            raise StatsInputError(location=name, code=code, type=q["type"])
        if name not in frame.columns:
            raise UnknownColumnError(location=name)
        levels, labels = _levels(q, name)
        values, masks = _indicators(frame[name], levels)
        banners.append(
            {"question": name, "values": values, "labels": labels, "masks": [m == 1 for m in masks]}
        )
    return banners


def _cell(y: np.ndarray, domain: np.ndarray, w: np.ndarray | None) -> dict[str, Any]:
    """n, estimate (share or mean), SD and SE of `y` in a domain (design-based when weighted)."""
    inside = domain & ~np.isnan(y)
    n = int(inside.sum())
    values = y[inside]
    out: dict[str, Any] = {
        "n": n,
        "base": float(n),
        "count": float(values.sum()),
        "estimate": math.nan,
    }
    out.update(sd=math.nan, se=math.nan)
    if n == 0:
        return out
    if w is None:
        out["estimate"] = float(values.mean())
        if n > 1:
            out["sd"] = float(values.std(ddof=1))
            out["se"] = out["sd"] / math.sqrt(n)
        return out
    wi = w[inside]
    out["base"] = float(wi.sum())
    if out["base"] <= 0:  # answered, but every weight in the cell is zero
        return out
    mean, se = weighted_mean_se(np.where(inside, y, 0.0), w, inside)
    n_eff = wi.sum() ** 2 / (wi * wi).sum()
    if n_eff > 1:
        out["sd"] = math.sqrt((wi * (values - mean) ** 2).sum() / wi.sum() * n_eff / (n_eff - 1))
    out.update(estimate=mean, se=se)
    return out


def _pair_test(a: dict[str, Any], b: dict[str, Any], *, test: str) -> tuple[float, float]:
    """(statistic, two-sided p) of one pair of columns; NaN when it cannot be computed."""
    if a["n"] == 0 or b["n"] == 0:
        return math.nan, math.nan
    diff = a["estimate"] - b["estimate"]
    if test == "z_pooled":
        if not (0 < a["estimate"] < 1 and 0 < b["estimate"] < 1):
            return math.nan, math.nan
        pooled = (a["count"] + b["count"]) / (a["n"] + b["n"])
        var = pooled * (1 - pooled) * (1 / a["n"] + 1 / b["n"])
        if var <= 0:
            return math.nan, math.nan
        z = diff / math.sqrt(var)
        return z, float(2 * stats.norm.sf(abs(z)))
    if test == "t_pooled":
        dof = a["n"] + b["n"] - 2
        if a["n"] < 2 or b["n"] < 2:
            return math.nan, math.nan
        pooled = ((a["n"] - 1) * a["sd"] ** 2 + (b["n"] - 1) * b["sd"] ** 2) / dof
        if pooled <= 0:
            return math.nan, math.nan
        t = diff / math.sqrt(pooled * (1 / a["n"] + 1 / b["n"]))
        return t, float(2 * stats.t.sf(abs(t), dof))
    if a["n"] < 2 or b["n"] < 2 or not (a["se"] > 0 and b["se"] > 0):
        return math.nan, math.nan
    se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
    z = diff / se
    return z, float(2 * stats.norm.sf(abs(z)))


def _adjust(p: np.ndarray, correction: str) -> np.ndarray:
    if correction == "none":
        return p
    if correction == "holm":
        return holm(p)
    m = int((~np.isnan(p)).sum())
    bonferroni: np.ndarray = np.minimum(p * m, 1.0)
    return bonferroni


def _compare(
    y: np.ndarray,
    banners: list[dict[str, Any]],
    w: np.ndarray | None,
    *,
    test: str,
    correction: str,
    alpha: float,
) -> dict[str, Any]:
    """One table row: the total cell, a cell per column, the pairwise tests and letters."""
    cells = [_cell(y, np.ones(len(y), dtype=bool), w)]
    letters: list[list[str]] = [[]]
    pairs = []
    for banner in banners:
        first = len(cells)
        cells += [_cell(y, mask, w) for mask in banner["masks"]]
        letters += [[] for _ in banner["masks"]]
        idx = range(first, len(cells))
        family = [(i, j) for i in idx for j in idx if i < j]
        results = [_pair_test(cells[i], cells[j], test=test) for i, j in family]
        p = np.array([r[1] for r in results], dtype=float)
        adjusted = _adjust(p, correction) if p.size else p
        for (i, j), (statistic, raw), adj in zip(family, results, adjusted, strict=True):
            pairs.append(
                {"a": i, "b": j, "statistic": statistic, "p": raw, "p_adjusted": float(adj)}
            )
            if adj < alpha:
                high, low = (i, j) if cells[i]["estimate"] > cells[j]["estimate"] else (j, i)
                letters[high].append(column_letter(low - 1))
    return {"cells": cells, "letters": [sorted(x) for x in letters], "pairs": pairs}


def banner_table(
    frame: pd.DataFrame,
    definition: dict[str, Any],
    row: str,
    columns: list[str],
    *,
    weights: npt.ArrayLike | None = None,
    alpha: float = 0.05,
    correction: str = "bonferroni",
) -> dict[str, Any]:
    """The banner of `row` (a question id, or `qid/row` of a matrix) against `columns`
    (single choice, dropdown, rating or `qid/row` questions) over a prepared frame
    (`table.prepare_frame`, as `summarise` passes it).

    Rows: a choice or rating gives one row per category (count and column %, base = those
    who answered the row question and sit in the column); a multiple choice gives one row
    per option (% of respondents who answered the question, the multiple-response "cases"
    base, and % of responses = share of all ticks in the column); a rating, number, NPS,
    matrix row or scored choice also gets a mean row with column-mean letters. With
    `weights` (probability weights, one per row of `frame`) shares and means are weighted.

    Returns {"row", "row_kind" (categories | multiple | mean), "weighted", "alpha",
    "tests": {"proportions", "means", "correction", "family"}, "columns": [{"question",
    "value", "label", "letter", "n", "base", "mentions"?}] (index 0 the total, its question,
    value, label and letter None; `base` is the weighted base), "banners":
    [{"question", "columns": [indices]}], "rows": [{"value", "label", "counts", "percent",
    "percent_of_responses"?, "letters", "pairs"}], "mean": {"mean", "sd", "se", "n",
    "letters", "pairs"} or None, "not_scored"?}; `pairs` are {"a", "b" (column indices),
    "statistic", "p", "p_adjusted"}; counts are raw, percents 0–100.
    """
    if correction not in CORRECTIONS:
        raise StatsInputError(
            location="correction", code=Code.CORRECTION_CHOICE, corrections=", ".join(CORRECTIONS)
        )
    if not 0 < alpha < 1:
        raise StatsInputError(location="alpha", code=Code.ALPHA_RANGE)
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(frame),) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise StatsInputError("weights are finite, non-negative, one per response", "weights")
    spec = _row_spec(frame, definition, row)
    banners = _columns(frame, definition, row, list(columns))
    prop_test = "z_pooled" if w is None else "z_linearised"
    mean_test = "t_pooled" if w is None else "z_linearised"
    out: dict[str, Any] = {
        "row": row,
        "row_kind": spec["kind"],
        "weighted": w is not None,
        "alpha": alpha,
        "tests": {
            "proportions": prop_test if spec["rows"] else None,
            "means": mean_test if spec.get("mean") is not None else None,
            "correction": correction,
            "family": "each row within each column question",
        },
        "columns": [{"question": None, "value": None, "label": None, "letter": None}],
        "banners": [],
        "rows": [],
        "mean": None,
    }
    for b in banners:
        first = len(out["columns"])
        for v in b["values"]:
            letter = column_letter(len(out["columns"]) - 1)
            label = b["labels"].get(v, v)
            out["columns"].append(
                {"question": b["question"], "value": v, "label": label, "letter": letter}
            )
        out["banners"].append(
            {"question": b["question"], "columns": list(range(first, len(out["columns"])))}
        )
    kw: dict[str, Any] = {"banners": banners, "w": w, "correction": correction, "alpha": alpha}
    ticks_by_column = None
    for value, y in zip(spec["values"], spec["rows"], strict=True):
        res = _compare(y, test=prop_test, **kw)
        cells = res["cells"]
        out["rows"].append(
            {
                "value": value,
                "label": spec["labels"].get(value, value),
                "counts": [int(c["count"]) for c in cells],
                "percent": [c["estimate"] * 100 for c in cells],
                "letters": res["letters"],
                "pairs": res["pairs"],
            }
        )
        shares = np.array([c["estimate"] * c["base"] if c["n"] else 0.0 for c in cells])
        ticks_by_column = shares if ticks_by_column is None else ticks_by_column + shares
        for entry, c in zip(out["columns"], cells, strict=True):
            entry.update(n=c["n"], base=c["base"])
    if spec["kind"] == "multiple" and ticks_by_column is not None:
        for r in out["rows"]:
            r["percent_of_responses"] = [
                float(p * c["base"] / t) if t > 0 else math.nan
                for p, c, t in zip(r["percent"], out["columns"], ticks_by_column, strict=True)
            ]
        for j, entry in enumerate(out["columns"]):
            entry["mentions"] = sum(r["counts"][j] for r in out["rows"])
    if spec.get("mean") is not None:
        res = _compare(spec["mean"], test=mean_test, **kw)
        cells = res["cells"]
        out["mean"] = {
            f: [c[k] for c in cells]
            for f, k in (("mean", "estimate"), ("sd", "sd"), ("se", "se"), ("n", "n"))
        }
        out["mean"].update(letters=res["letters"], pairs=res["pairs"])
        if not spec["rows"]:
            for entry, c in zip(out["columns"], cells, strict=True):
                entry.update(n=c["n"], base=c["base"])
    if spec.get("not_scored"):
        out["not_scored"] = spec["not_scored"]
    return out


def multiple_response_table(
    frame: pd.DataFrame, definition: dict[str, Any], question: str, column: str, **options: Any
) -> dict[str, Any]:
    """A multiple-choice question crosstabbed as a set (SPSS `MRSETS` with `CTABLES`):
    the banner of `question` against the one `column` question; see `banner_table`."""
    if kind_of(_question(definition, question)) != "multiple":
        raise StatsInputError("not a multiple-choice question", question)
    return banner_table(frame, definition, question, [column], **options)
