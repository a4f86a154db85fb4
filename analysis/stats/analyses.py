"""One analysis from a small JSON spec: what the web's analysis builder and `python -m analysis
stats --analysis SPEC.json` both run, so the page and the command line give the same dict.

    {"kind": "banner", "row": "satisfaction", "columns": ["user_type", "city_tier"],
     "where": {"city_tier": ["t1", "t2"]}, "exclude_flagged": false, "weighted": false}
    {"kind": "compare", "metric": "nps", "by": "user_type"}
    {"kind": "correlation_matrix", "questions": ["nps", "satisfaction", "aspects"]}
    {"kind": "drivers", "outcome": "satisfaction", "drivers": ["aspects"]}

A bad spec raises `SpecError` (a `StatsInputError`) whose `code` names the problem and whose
`field` names the spec key at fault, so the web can put a translated message beside the field;
an unknown question id is also an `UnknownColumnError` (CLI exit code 2). The formats of the
result are in docs/analysis-builder.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.stats.banner import banner_table
from analysis.stats.drivers import key_drivers
from analysis.stats.errors import StatsInputError, UnknownColumnError
from analysis.stats.groups import compare_groups, nps_differences
from analysis.stats.matrix import correlation_matrix
from analysis.stats.quality import flag_responses
from analysis.stats.report import (
    expand_items,
    json_ready,
    question_levels,
    resolve_weights,
    scored_column,
    segment_mask,
)
from analysis.stats.table import (
    column_title,
    kind_of,
    option_labels,
    prepare_frame,
    question_map,
)
from surveys import problems

KINDS = ("banner", "compare", "correlation_matrix", "drivers")

#: question kinds that make groups (compare's groups, filters)
CATEGORY_KINDS = ("choice", "rating", "nps")
#: kinds a banner's row may be (a matrix as `qid/row`) and its columns (`banner.banner_table`)
BANNER_ROW_KINDS = ("choice", "rating", "nps", "numeric", "multiple", "matrix")
BANNER_COLUMN_KINDS = ("choice", "rating", "matrix")
#: question kinds that can be scored as numbers (metrics, correlations, drivers)
SCORED_KINDS = ("choice", "rating", "nps", "numeric", "matrix")

#: Bases under this many answers are marked: a percentage on fewer than 30 moves by ±18
#: points at 95 % (Wilson half-width at p = 0.5), too much to read one column against another.
SMALL_BASE = 30

_FIELDS = {
    "banner": {"row": "one", "columns": "many"},
    "compare": {"metric": "one", "by": "one"},
    "correlation_matrix": {"questions": "many"},
    "drivers": {"outcome": "one", "drivers": "many"},
}
#: codes of a `SpecError` that describe the data rather than the spec (CLI exit code 1, not 2)
DATA_PROBLEMS = frozenset({"no_responses", "empty_filter", "all_missing"})

_COMMON = {"kind", "where", "exclude_flagged", "weighted", "alpha"}


class SpecError(StatsInputError):
    """A bad analysis spec: `code` names the problem (for a translated message), `field` the
    spec key at fault (None for the data as a whole), `detail` the values involved."""

    def __init__(self, code: str, message: str, field: str | None = None, **detail: Any) -> None:
        super().__init__(message, field)
        self.code, self.field, self.detail = code, field, detail

    def message(self, locale: str = problems.DEFAULT_LOCALE) -> str:
        """The reader's message, from the shared catalogue (unknown codes: the general one)."""
        key = f"analysis_{self.code}"
        key = key if key in problems.CATALOGUE else "analysis_engine"
        return problems.message(key, locale, **{"id": "", **self.detail})


class UnknownQuestionError(SpecError, UnknownColumnError):
    """A question id that the questionnaire does not have."""


def validate_spec(definition: dict[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec checked against the questionnaire and completed with its defaults."""
    if not isinstance(spec, Mapping):
        raise SpecError("not_an_object", "an analysis spec is a JSON object")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise SpecError("unknown_kind", f"kind is one of {', '.join(KINDS)}", "kind", kind=kind)
    unknown = sorted(set(spec) - _COMMON - set(_FIELDS[kind]))
    if unknown:
        raise SpecError("unknown_key", f"unknown keys {unknown}", unknown[0], keys=unknown)
    questions = question_map(definition)
    out: dict[str, Any] = {"kind": kind}
    for field, arity in _FIELDS[kind].items():
        value = spec.get(field)
        if arity != "many":
            names = [value]
        elif isinstance(value, list | tuple):
            names = list(value)
        else:
            names = [] if value in (None, "") else [value]
        names = [n for n in names if n not in (None, "")]
        if not names:
            raise SpecError("missing", "choose at least one question", field)
        for name in names:
            if not isinstance(name, str) or name.split("/")[0] not in questions:
                raise UnknownQuestionError(
                    "unknown_question", "not a question of this questionnaire", field, id=name
                )
            _check_kind(questions[name.split("/")[0]], name, field)
        out[field] = list(dict.fromkeys(names)) if arity == "many" else names[0]
    _check_distinct(kind, out)
    where = spec.get("where")
    out["where"] = _checked_where(questions, {} if where is None else where)
    for flag in ("exclude_flagged", "weighted"):
        if not isinstance(spec.get(flag, False), bool):
            raise SpecError("not_boolean", f"{flag} is true or false", flag)
        out[flag] = spec.get(flag, False)
    alpha = spec.get("alpha", 0.05)
    if not isinstance(alpha, int | float) or isinstance(alpha, bool) or not 0 < alpha < 0.5:
        raise SpecError("bad_alpha", "alpha is a number between 0 and 0.5", "alpha")
    out["alpha"] = float(alpha)
    return out


def _check_kind(question: dict[str, Any], name: str, field: str) -> None:
    wanted = {
        "row": BANNER_ROW_KINDS,
        "columns": BANNER_COLUMN_KINDS,
        "by": CATEGORY_KINDS,
        "where": CATEGORY_KINDS,
    }.get(field, SCORED_KINDS)
    kind = kind_of(question)
    banner_matrix = field in ("row", "columns") and kind == "matrix" and "/" not in name
    if kind not in wanted or banner_matrix:
        raise SpecError(
            "wrong_type",
            f"a {question['type']} question cannot be used here",
            field,
            id=question["id"],
            type=question["type"],
        )


def _check_distinct(kind: str, spec: dict[str, Any]) -> None:
    if kind == "banner" and spec["row"] in spec["columns"]:
        raise SpecError("same_question", "the row question is also a column", "columns")
    if kind == "compare" and spec["metric"] == spec["by"]:
        raise SpecError("same_question", "the metric is also the grouping", "by")
    if kind == "drivers" and spec["outcome"] in spec["drivers"]:
        raise SpecError("same_question", "the outcome is also a driver", "drivers")


def _checked_where(questions: dict[str, Any], where: object) -> dict[str, list[str]]:
    if not isinstance(where, Mapping):
        raise SpecError("bad_filter", "where is {question: [values]}", "where")
    out = {}
    for qid, values in where.items():
        if qid not in questions:
            raise UnknownQuestionError(
                "unknown_question", "not a question of this questionnaire", "where", id=qid
            )
        _check_kind(questions[qid], qid, "where")
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list | tuple) or not values:
            raise SpecError("bad_filter", "choose at least one value to keep", "where", id=qid)
        out[qid] = [str(v) for v in values]
    return out


def run_analysis(
    definition: dict[str, Any],
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    *,
    weights: str | npt.ArrayLike | None = None,
) -> dict[str, Any]:
    """Run the analysis `spec` on the response table; a JSON-ready dict (NaN → None).

    `weights` (a column name or one number per row) are used only when the spec says
    `"weighted": true`; a statistic that cannot be weighted says so in its `weighted` field.
    """
    spec = validate_spec(definition, spec)
    data = prepare_frame(definition, frame)
    if not len(data):
        raise SpecError("no_responses", "there are no responses to analyse")
    w = None
    if spec["weighted"]:
        if weights is None:
            raise SpecError("no_weights", "no survey weights for these responses", "weighted")
        w = resolve_weights(data, weights)
    keep = np.ones(len(data), dtype=bool)
    if spec["exclude_flagged"]:
        keep &= ~flag_responses(definition, data)["flagged"].to_numpy()
    excluded = int((~keep).sum())
    seg = segment_mask(data, spec["where"])
    filtered_out = int((keep & ~seg).sum())
    keep &= seg
    if not keep.any():
        raise SpecError("empty_filter", "no response is left after the filter", "where")
    data = data[keep]
    w = None if w is None else w[keep]
    run = {
        "banner": _banner,
        "compare": _compare,
        "correlation_matrix": _matrix,
        "drivers": _drivers,
    }[spec["kind"]]
    out = {
        "kind": spec["kind"],
        "spec": spec,
        "n": int(keep.sum()),
        "n_total": len(frame),
        "excluded": excluded,
        "filtered_out": filtered_out,
        "weighted": w is not None,
        "small_base": SMALL_BASE,
        "result": run(definition, data, spec, w),
    }
    result: dict[str, Any] = json_ready(out)
    return result


def _labels(definition: dict[str, Any], qid: str, values: list[str]) -> list[str]:
    labels = option_labels(question_map(definition)[qid])
    return [labels.get(v, v) for v in values]


def _banner(
    definition: dict[str, Any], data: pd.DataFrame, spec: dict[str, Any], w: np.ndarray | None
) -> dict[str, Any]:
    """`banner.banner_table` of the row question against the banner columns, with titles."""
    row = spec["row"]
    if (
        not data[[c for c in data.columns if c == row or c.startswith(f"{row}/")]]
        .notna()
        .any(axis=None)
    ):
        raise SpecError("all_missing", "nobody in the base answered this question", "row")
    table = banner_table(
        data, definition, row, spec["columns"], weights=w, alpha=spec["alpha"],
        correction="bonferroni",
    )  # fmt: skip
    table["title"] = column_title(definition, row)
    table["titles"] = {c: column_title(definition, c) for c in spec["columns"]}
    return table


def _compare(
    definition: dict[str, Any], data: pd.DataFrame, spec: dict[str, Any], w: np.ndarray | None
) -> dict[str, Any]:
    metric, by = spec["metric"], spec["by"]
    values, ordinal = scored_column(definition, data, metric)
    if not values.notna().any():
        raise SpecError("all_missing", "nobody in the base has a score here", "metric")
    tmp = pd.DataFrame({metric: values, by: data[by]})
    order = question_levels(definition, by)
    result = compare_groups(tmp, metric, by, ordinal=ordinal, group_order=order, weights=w)
    if kind_of(question_map(definition)[metric.split("/")[0]]) == "nps":
        result["nps_differences"] = nps_differences(tmp, metric, by, group_order=order, weights=w)
    names = list(result["groups"])
    result.update(
        metric_title=column_title(definition, metric),
        by_title=column_title(definition, by),
        group_labels=dict(zip(names, _labels(definition, by, names), strict=True)),
        alpha=spec["alpha"],
    )
    return result


def _scored_block(definition: dict[str, Any], data: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: scored_column(definition, data, c)[0] for c in names})


def _matrix(
    definition: dict[str, Any], data: pd.DataFrame, spec: dict[str, Any], w: np.ndarray | None
) -> dict[str, Any]:
    """`matrix.correlation_matrix`: Spearman's ρ when any answer is ordinal (a rating, a
    scale), else Pearson's r, with titles."""
    names = expand_items(definition, spec["questions"])
    if len(names) < 2:
        raise SpecError("too_few", "a correlation matrix needs two answers or more", "questions")
    ordinal = any(scored_column(definition, data, c)[1] for c in names)
    block = _scored_block(definition, data, names)
    method = "spearman" if ordinal else "pearson"
    result = correlation_matrix(block, names, method=method, weights=w)
    result["titles"] = [column_title(definition, c) for c in names]
    result["alpha"] = spec["alpha"]
    return result


def _drivers(
    definition: dict[str, Any], data: pd.DataFrame, spec: dict[str, Any], w: np.ndarray | None
) -> dict[str, Any]:
    names = expand_items(definition, spec["drivers"])
    outcome = spec["outcome"]
    block = _scored_block(definition, data, [outcome, *names])
    result = key_drivers(block, outcome, names, weights=w)
    if result["n"] <= len(names) + 1:
        result["caution"] = result["caution"] or "too_few_complete"
    result.update(
        outcome_title=column_title(definition, outcome),
        titles={c: column_title(definition, c) for c in names},
    )
    return result
