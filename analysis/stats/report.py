# Over 400 lines: summarise and the column helpers the analysis builder shares with it.
"""`summarise`: the whole quantitative report of one questionnaire as a JSON-ready dict.

This is the entry point of the results page and of `python -m analysis stats`. It takes plain
data (a definition dict and a response DataFrame) so it can run inline or in a job.

Order of work: prepare the frame → flag quality on all responses → exclude flagged ones if
asked → apply the segment filter → describe each question → crosstabs, comparisons, scales,
correlations, drivers, SUS, IPA, banners, the correlation matrix → Benjamini–Hochberg over
every p-value of the crosstabs, comparisons and correlations run together (`p_adjusted`
beside each `p`; banners and the matrix carry their own corrections). NaN becomes `None`;
nothing is rounded.

Weights are survey weights (`analysis.stats.design`): every result says in `weighted`
whether it used them, and a result of a weighted report that could not use them carries
`unweighted_note` (`mark_weighting`). Rows of weight 0 are outside the sample.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.stats.banner import banner_table
from analysis.stats.corrections import benjamini_hochberg
from analysis.stats.correlation import correlation
from analysis.stats.crosstab import crosstab
from analysis.stats.descriptives import describe_question, scores_of
from analysis.stats.drivers import key_drivers
from analysis.stats.errors import Code, StatsInputError, StatsWarning, UnknownColumnError
from analysis.stats.groups import compare_groups, nps_differences
from analysis.stats.matrix import correlation_matrix as pairwise_matrix
from analysis.stats.paired import one_sample_test, paired_test
from analysis.stats.quality import flag_responses, quality_summary
from analysis.stats.scales import cronbach_alpha
from analysis.stats.scores import importance_performance, sus
from analysis.stats.table import (
    iter_questions,
    kind_of,
    option_scores,
    option_values,
    prepare_frame,
    question_map,
    row_values,
)


def json_ready(obj: object) -> Any:
    """NaN/inf → None, numpy scalars → Python, tuples → lists (strict JSON)."""
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [json_ready(v) for v in obj]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    return obj


def resolve_weights(frame: pd.DataFrame, weights: str | npt.ArrayLike | None) -> np.ndarray | None:
    """The weights as an array, one per row of *frame*: a column name or values; None stays."""
    if weights is None:
        return None
    if isinstance(weights, str) and weights not in frame.columns:
        raise UnknownColumnError(location=weights, code=Code.UNKNOWN_WEIGHTS_COLUMN)
    w = frame[weights] if isinstance(weights, str) else weights
    w = pd.to_numeric(pd.Series(np.asarray(w)), errors="coerce").to_numpy(dtype=float)
    if len(w) != len(frame):
        raise StatsInputError(location="weights", code=Code.WEIGHTS_LENGTH)
    if np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise StatsInputError(location="weights", code=Code.WEIGHTS_INVALID)
    if (w == 0).any():
        warnings.warn(
            f"weights: {int((w == 0).sum())} response(s) of weight 0 are left out",
            StatsWarning,
            stacklevel=3,
        )
    return w


UNWEIGHTED_NOTE = "computed without the weights: this statistic is not weighted yet"


def mark_weighting(result: dict[str, Any], weights: np.ndarray | None) -> dict[str, Any]:
    """`weighted` on a result that did not say (False), and `unweighted_note` when the
    report is weighted but this result is not."""
    result.setdefault("weighted", False)
    if weights is not None and not result["weighted"]:
        result["unweighted_note"] = UNWEIGHTED_NOTE
    return result


def segment_mask(frame: pd.DataFrame, where: Mapping[str, Iterable[object]] | None) -> np.ndarray:
    """Rows whose column value is among the listed values, for every column in `where`
    (values compared as strings; a whole float 2.0 matches "2")."""
    mask = np.ones(len(frame), dtype=bool)
    for col, values in (where or {}).items():
        if col not in frame.columns:
            raise UnknownColumnError(location=col, code=Code.UNKNOWN_FILTER_COLUMN)
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s.dtype):
            s = s.map(
                lambda v: str(int(v)) if float(v).is_integer() else repr(v), na_action="ignore"
            )
        mask &= s.astype(object).isin([str(v) for v in values]).to_numpy()
    return mask


def scored_column(
    definition: dict[str, Any], frame: pd.DataFrame, name: str
) -> tuple[pd.Series, bool]:
    """A column as numbers for comparisons and scales, and whether it is ordinal.

    `name` is a question id or a `qid/row` column. Options map to their scores
    (`table.option_scores`); ratings and Likert rows are ordinal, numbers, sliders and NPS not.
    """
    qid = name.split("/")[0]
    questions = question_map(definition)
    if qid not in questions or name not in frame.columns:
        raise UnknownColumnError(location=name, code=Code.UNKNOWN_QUESTION_OR_COLUMN)
    q = questions[qid]
    kind = kind_of(q)
    if kind in ("numeric", "nps"):
        return frame[name].astype(float), False
    if kind == "rating":
        return frame[name].astype(float), True
    if kind in ("choice", "matrix") and q.get("options"):
        return pd.Series(scores_of(frame[name], option_scores(q)), index=frame.index), True
    raise StatsInputError(location=name, code=Code.TYPE_NOT_NUMERIC, type=q["type"])


def _compared_column(
    definition: dict[str, Any], frame: pd.DataFrame, name: str
) -> tuple[pd.Series, bool]:
    """`scored_column`, and a multiple-choice `qid/option` column as its 1/0 answers (the
    groups' shares of choosing it are then compared with Newcombe's interval)."""
    q = question_map(definition).get(name.split("/")[0])
    if q is not None and kind_of(q) == "multiple" and "/" in name:
        return pd.to_numeric(frame[name], errors="coerce").astype(float), False
    return scored_column(definition, frame, name)


def scored_block(
    definition: dict[str, Any], frame: pd.DataFrame, names: Sequence[str]
) -> pd.DataFrame:
    """The columns `names` as numbers (`scored_column`), the input of `correlation_matrix`,
    `key_drivers` and `cronbach_alpha`."""
    return pd.DataFrame({c: scored_column(definition, frame, c)[0] for c in names})


def score_range(definition: dict[str, Any], name: str) -> tuple[float, float]:
    """(lowest, highest) score a column can take by its definition, for reverse-keying:
    the scored options' scores, 1..max of a rating, 0..10 of an NPS, a slider's min/max."""
    q = question_map(definition).get(name.split("/")[0])
    if q is None:
        raise UnknownColumnError(location=name, code=Code.UNKNOWN_QUESTION)
    kind = kind_of(q)
    if q.get("options") and kind in ("choice", "matrix"):
        scores = [v for v in option_scores(q).values() if not math.isnan(v)]
        if len(scores) >= 2:
            return min(scores), max(scores)
    elif kind == "rating":
        return 1.0, float(q.get("max", 5))
    elif kind == "nps":
        return 0.0, 10.0
    elif q.get("min") is not None and q.get("max") is not None:
        return float(q["min"]), float(q["max"])
    raise StatsInputError(location=name, code=Code.REVERSE_NO_SCALE)


def _scale_spec(
    definition: dict[str, Any], items: Sequence[str] | Mapping[str, Sequence[str]]
) -> tuple[list[str], list[str]]:
    """A scale given as [items] or {"items": [...], "reverse": [...]} → (columns, reversed)."""
    if isinstance(items, Mapping):
        reverse = expand_items(definition, items.get("reverse", ()))
        items = items.get("items", ())
    else:
        reverse = []
    return expand_items(definition, items), reverse


def question_levels(definition: dict[str, Any], name: str) -> list[str] | None:
    """The answer values of question (or `qid/row` column) *name* in questionnaire order, or
    None when the question has no fixed levels (a number, a text)."""
    q = question_map(definition).get(name.split("/")[0])
    if q is None:
        return None
    if q.get("options"):
        return option_values(q)
    if kind_of(q) == "rating":
        return [str(k) for k in range(1, int(q.get("max", 5)) + 1)]
    if kind_of(q) == "nps":
        return [str(k) for k in range(11)]
    return None


def expand_items(definition: dict[str, Any], items: Sequence[str]) -> list[str]:
    """*items* with each matrix question replaced by its `qid/row` columns."""
    questions = question_map(definition)
    out = []
    for item in items:
        q = questions.get(item)
        if q is not None and kind_of(q) == "matrix":
            out += [f"{item}/{r}" for r in row_values(q)]
        else:
            out.append(item)
    return out


def summarise(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    *,
    exclude_flagged: bool = False,
    weights: str | npt.ArrayLike | None = None,
    where: Mapping[str, Iterable[object]] | None = None,
    crosstabs: Sequence[tuple[str, str]] = (),
    comparisons: Sequence[tuple[str, str]] = (),
    scales: Mapping[str, Sequence[str] | Mapping[str, Sequence[str]]] | None = None,
    correlations: Sequence[tuple[str, str]] = (),
    drivers: tuple[str, Sequence[str]] | None = None,
    sus_question: str | None = None,
    ipa: tuple[str, str] | None = None,
    banners: Sequence[tuple[str, Sequence[str]]] = (),
    correlation_matrix: Sequence[str] | None = None,
    confidence: float = 0.95,
    equal_var: bool = False,
    paired: Sequence[tuple[str, str]] = (),
    one_sample: Sequence[tuple[str, float]] = (),
) -> dict[str, Any]:
    """The full report. `weights` is a column name or an array (one per row of `frame`);
    `where` a segment filter {column: [values]}; `crosstabs` (row, col) pairs and
    `comparisons` (metric, group) pairs and `correlations` (x, y) pairs (Spearman when
    either side is ordinal, else Pearson) of question ids or `qid/row` columns; `scales`
    {name: [items]} or {name: {"items": [...], "reverse": [...]}} (a matrix id stands for all
    its rows; reversed items are recoded from `score_range`); `drivers` (outcome, [drivers]);
    `sus_question` a 10-row matrix answered 1–5; `ipa` (importance matrix, performance matrix);
    `banners` (row, [column questions]) pairs (`banner.banner_table`); `correlation_matrix`
    [columns] (`matrix.correlation_matrix`, Spearman when any is ordinal); `equal_var` asks
    comparisons of means for the pooled-variance tests (Student's t, Fisher's ANOVA + Tukey)
    instead of Welch's; `paired` (first, second) pairs of answers of the same respondents and
    `one_sample` (column, value) pairs are tested by `paired.paired_test` and
    `paired.one_sample_test` (ranks for ordinal answers). Everything is weighted when `weights`
    are given (each result says so, or says what it leaves unweighted).

    Returns {"n", "n_total", "excluded", "filtered_out", "zero_weight", "weighted",
    "confidence", "quality",
    "questions": {qid: …}, "crosstabs": […], "comparisons": […], "correlations": […],
    "paired_tests": […], "one_sample_tests": […], "scales": {name: …}, "banners": […],
    "drivers", "correlation_matrix", "sus", "ipa", "multiple_testing"} (see docs in each
    `describe_*`; "drivers", "correlation_matrix", "sus", "ipa" only when asked for).
    Comparisons are `groups.compare_groups` results, design-based when `weights` are given; a
    multiple-choice `qid/option` column is compared as 1/0 (Newcombe's interval of the shares). A
    comparison of an NPS question also carries `nps_differences` (`groups.nps_differences`):
    segments' NPS compared as NPS, beside the test on the 0–10 answers.
    """
    data = prepare_frame(definition, frame)
    w_all = resolve_weights(data, weights)
    flags = flag_responses(definition, data)
    keep = np.ones(len(data), dtype=bool)
    excluded = 0
    if exclude_flagged:
        keep &= ~flags["flagged"].to_numpy()
        excluded = int((~keep).sum())
    seg = segment_mask(data, where)
    filtered_out = int((keep & ~seg).sum())
    keep &= seg
    zero_weight = 0
    if w_all is not None:
        zero_weight = int((keep & (w_all == 0)).sum())
        keep &= w_all > 0
    data = data[keep]
    w = None if w_all is None else w_all[keep]
    out: dict[str, Any] = {
        "n": len(data),
        "n_total": len(frame),
        "excluded": excluded,
        "filtered_out": filtered_out,
        "zero_weight": zero_weight,
        "weighted": w is not None,
        "confidence": confidence,
        "quality": quality_summary(flags),
        "questions": {
            q["id"]: describe_question(data, q, weights=w, confidence=confidence)
            for q in iter_questions(definition)
        },
        "crosstabs": [
            crosstab(
                data,
                r,
                c,
                row_order=question_levels(definition, r),
                col_order=question_levels(definition, c),
                weights=w,
                confidence=confidence,
            )
            for r, c in _checked_pairs(definition, data, crosstabs)
        ],
        "comparisons": [],
        "correlations": [],
        "paired_tests": [],
        "one_sample_tests": [],
        "scales": {},
    }
    for metric, by in _checked_pairs(definition, data, comparisons):
        values, ordinal = _compared_column(definition, data, metric)
        tmp = pd.DataFrame({metric: values, by: data[by]})
        levels = question_levels(definition, by)
        result = compare_groups(
            tmp,
            metric,
            by,
            ordinal=ordinal,
            group_order=levels,
            confidence=confidence,
            equal_var=equal_var,
            weights=w,
        )
        if kind_of(question_map(definition)[metric.split("/")[0]]) == "nps":
            result["nps_differences"] = nps_differences(
                tmp, metric, by, group_order=levels, confidence=confidence, weights=w
            )
            for d in result["nps_differences"]:
                mark_weighting(d, w)
        out["comparisons"].append(mark_weighting(result, w))
    out["paired_tests"], out["one_sample_tests"] = _within_tests(
        definition, data, paired, one_sample, w, confidence
    )
    for name, items in (scales or {}).items():
        cols, reverse = _scale_spec(definition, items)
        ranges = {c: score_range(definition, c) for c in reverse}
        out["scales"][name] = mark_weighting(
            cronbach_alpha(
                scored_block(definition, data, cols),
                cols,
                reverse=reverse,
                score_range=ranges,
                weights=w,
                confidence=confidence,
            ),
            w,
        )
    for x_name, y_name in _checked_pairs(definition, data, correlations):
        x, x_ordinal = scored_column(definition, data, x_name)
        y, y_ordinal = scored_column(definition, data, y_name)
        method = "spearman" if x_ordinal or y_ordinal else "pearson"
        result = correlation(
            x.to_numpy(), y.to_numpy(), method=method, weights=w, confidence=confidence
        )
        out["correlations"].append({"x": x_name, "y": y_name, **result})
    if drivers is not None:
        outcome, names = drivers[0], expand_items(definition, drivers[1])
        block = scored_block(definition, data, [outcome, *names])
        out["drivers"] = mark_weighting(
            key_drivers(block, outcome, names, weights=w, confidence=confidence), w
        )
    out["banners"] = [
        banner_table(
            data, definition, row, [cols] if isinstance(cols, str) else list(cols), weights=w
        )
        for row, cols in banners
    ]
    if correlation_matrix is not None:
        names = expand_items(definition, correlation_matrix)
        ordinal = any(scored_column(definition, data, c)[1] for c in names)
        out["correlation_matrix"] = pairwise_matrix(
            scored_block(definition, data, names),
            names,
            method="spearman" if ordinal else "pearson",
            weights=w,
            confidence=confidence,
        )
    if sus_question is not None:
        out["sus"] = _sus(definition, data, sus_question, w, confidence)
    if ipa is not None:
        out["ipa"] = {**_ipa(out["questions"], definition, *ipa), "weighted": w is not None}
    tests = out["crosstabs"] + out["comparisons"] + out["correlations"]
    tests += out["paired_tests"] + out["one_sample_tests"]
    for test, p in zip(tests, benjamini_hochberg([t["p"] for t in tests]), strict=True):
        test["p_adjusted"] = float(p)
    out["multiple_testing"] = {"method": "benjamini_hochberg", "tests": len(tests)}
    report: dict[str, Any] = json_ready(out)
    return report


def _within_tests(
    definition: dict[str, Any],
    data: pd.DataFrame,
    paired: Sequence[tuple[str, str]],
    one_sample: Sequence[tuple[str, float]],
    w: np.ndarray | None,
    confidence: float,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Paired tests of (first, second) answers and one-sample tests of (column, value)."""
    pairs = []
    for first, second in _checked_pairs(definition, data, paired):
        x, x_ordinal = _compared_column(definition, data, first)
        y, y_ordinal = _compared_column(definition, data, second)
        tmp = pd.DataFrame({"first": x, "second": y})
        res = paired_test(
            tmp, "first", "second", ordinal=x_ordinal or y_ordinal, confidence=confidence, weights=w
        )
        pairs.append(res | {"first": first, "second": second})
    singles = []
    for entry in one_sample:
        if len(entry) != 2:
            raise StatsInputError("one-sample tests are (column, value)", "one_sample")
        column, value = entry
        _checked_pairs(definition, data, [(column, column)])
        x, ordinal = _compared_column(definition, data, column)
        res = one_sample_test(
            pd.DataFrame({"x": x}),
            "x",
            value=_finite(value),
            ordinal=ordinal,
            confidence=confidence,
            weights=w,
        )
        singles.append(res | {"column": column})
    return pairs, singles


def _finite(value: float | str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise StatsInputError(location="one_sample", code=Code.TEST_VALUE)
    return number


def _checked_pairs(
    definition: dict[str, Any], data: pd.DataFrame, pairs: Iterable[Sequence[str]]
) -> list[tuple[str, str]]:
    known = question_map(definition)
    checked = []
    for pair in pairs:
        if len(pair) != 2:
            raise StatsInputError("pairs are (row, column) or (metric, group)")
        for name in pair:
            if name not in data.columns:
                hint = " (use a qid/row column)" if name in known else ""
                raise UnknownColumnError("not a column of the response table" + hint, name)
        checked.append((pair[0], pair[1]))
    return checked


def _sus(
    definition: dict[str, Any],
    data: pd.DataFrame,
    qid: str,
    w: np.ndarray | None,
    confidence: float,
) -> dict[str, Any]:
    q = question_map(definition).get(qid)
    if q is None or kind_of(q) != "matrix" or len(q.get("rows", [])) != 10:
        raise StatsInputError(location=qid, code=Code.SUS_MATRIX)
    block = pd.DataFrame(
        {r: scored_column(definition, data, f"{qid}/{r}")[0] for r in row_values(q)}
    )
    complete = block.notna().all(axis=1).to_numpy()
    return {
        "question": qid,
        **sus(
            block[complete].to_numpy(),
            weights=None if w is None else w[complete],
            confidence=confidence,
        ),
    }


def _ipa(
    questions: dict[str, Any], definition: dict[str, Any], importance: str, performance: str
) -> dict[str, Any]:
    for qid in (importance, performance):
        q = question_map(definition).get(qid)
        if q is None or kind_of(q) != "matrix":
            raise StatsInputError("importance–performance needs two matrix questions", qid)
    imp = {r: v["mean"] for r, v in questions[importance]["rows"].items()}
    perf = {r: v["mean"] for r, v in questions[performance]["rows"].items()}
    nan = float("nan")
    imp = {k: nan if v is None else v for k, v in imp.items()}
    perf = {k: nan if v is None else v for k, v in perf.items()}
    result = importance_performance(imp, perf)
    labels = questions[importance].get("row_labels", {})
    for row, entry in result["attributes"].items():
        entry["label"] = labels.get(row, row)
    return {"importance": importance, "performance": performance, **result}
