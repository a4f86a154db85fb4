"""What to say about an analysis builder result (`analysis.stats.analyses`): statements only.

Each function returns a `Narration`: the lines (what the analysis found) and the cautions (what
to read with care), as `narrator.Statement`s of codes and numbers. Group, column and question
names stay codes or indexes; the renderer (`app.results.analysis_text`) looks their labels up in
the result and words each statement through Flask-Babel. The rules (which p is significant,
which correlation is the strongest, which base is small) are decided here and only here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.stats.narrator import Statement, significant

#: Tests of `compare_groups` that compare ranks (the answer is ordinal) rather than means.
RANK_TESTS = ("mann_whitney_u", "kruskal_wallis", "weighted_rank_t", "weighted_rank_f")


@dataclass
class Narration:
    lines: list[Statement] = field(default_factory=list)
    cautions: list[Statement] = field(default_factory=list)
    #: a correlation matrix's cells marked significant (BH-adjusted p < α), row by row
    marks: list[list[bool]] = field(default_factory=list)


def narrate(result: dict[str, Any]) -> Narration:
    """The statements of a builder result {"kind", "result", "small_base", "spec"}."""
    narrator = {
        "banner": banner_statements,
        "compare": compare_statements,
        "correlation_matrix": matrix_statements,
        "drivers": drivers_statements,
    }[result["kind"]]
    weighted = bool(result.get("spec", {}).get("weighted"))
    return narrator(result["result"], int(result["small_base"]), weighted)


def _tests(table: dict[str, Any], code: str | None) -> dict[str, Any]:
    tests = table["tests"]
    return {"test": code, "correction": tests["correction"], "alpha": table["alpha"]}


def banner_statements(table: dict[str, Any], small_base: int, weighted: bool) -> Narration:
    """Which column is significantly higher than which (the letters), and small columns.
    `row` and `col` are indexes into the table's rows and columns."""
    tests = table["tests"]
    out = Narration()
    out.lines.append(
        Statement(
            "banner_letters",
            {
                "proportions": _tests(table, tests["proportions"])
                if tests["proportions"]
                else None,
                "means": _tests(table, tests["means"]) if tests["means"] else None,
            },
        )
    )
    for i, row in enumerate(table["rows"]):
        for j, lower in enumerate(row["letters"]):
            if lower:
                params = {"row": i, "col": j, "lower": list(lower)}
                out.lines.append(
                    Statement("banner_share_higher", params | _tests(table, tests["proportions"]))
                )
    mean = table.get("mean")
    for j, lower in enumerate(mean["letters"] if mean else []):
        if lower:
            params = {"col": j, "lower": list(lower)}
            out.lines.append(
                Statement("banner_mean_higher", params | _tests(table, tests["means"]))
            )
    if len(out.lines) == 1:
        code = tests["proportions"] if table["rows"] else tests["means"]
        out.lines.append(Statement("banner_no_difference", _tests(table, code)))
    for j, column in enumerate(table["columns"][1:], start=1):
        if column["n"] < small_base:
            out.cautions.append(
                Statement("banner_small_column", {"col": j, "n": column["n"], "limit": small_base})
            )
    return out


def compare_statements(res: dict[str, Any], small_base: int, weighted: bool) -> Narration:
    """The verdict of a group comparison, its difference, effect size and differing pairs.
    Groups (`a`, `b`, `group`, `groups`) are the group codes of the result."""
    out = Narration()
    alpha, groups = res["alpha"], res["groups"]
    if res.get("reason") == "single_group":
        out.cautions.append(Statement("compare_single_group"))
    elif res.get("caution") == "zero_variance_group":
        groups_with_one_value = list(res.get("constant_groups", []))
        out.cautions.append(
            Statement("caution_zero_variance_group", {"groups": groups_with_one_value})
        )
    elif res.get("p") is None:
        out.cautions.append(Statement("compare_untestable"))
    else:
        out.lines += _compare_findings(res, alpha, groups)
    for name, g in groups.items():
        if g["n"] < small_base:
            out.cautions.append(
                Statement("compare_small_group", {"group": name, "n": g["n"], "limit": small_base})
            )
    if weighted and not res.get("weighted"):
        out.cautions.append(Statement("compare_unweighted"))
    return out


def _compare_findings(res: dict[str, Any], alpha: float, groups: dict[str, Any]) -> list[Statement]:
    used = [g for g in groups.values() if g["n"] >= 2]
    verdict = {
        "test": res["test"],
        "p": res["p"],
        "alpha": alpha,
        "ranks": res["test"] in RANK_TESTS,
        "groups_compared": len(used),
    }
    if significant(res["p"], alpha):
        code = "compare_significant"
    elif len(used) == 2:
        code = "compare_not_significant_two"
    else:
        code = "compare_not_significant"
    lines = [Statement(code, verdict)]
    names = list(groups)
    diff = res.get("difference")
    shown = diff and None not in (diff["difference"], diff["ci_low"], diff["ci_high"])
    if diff and shown and len(names) == 2:
        lines.append(
            Statement(
                "compare_mean_difference",
                {
                    "a": names[0],
                    "b": names[1],
                    "difference": diff["difference"],
                    "confidence": diff["confidence"],
                    "low": diff["ci_low"],
                    "high": diff["ci_high"],
                },
            )
        )
    if res.get("effect_size") is not None and res.get("effect_size_name"):
        lines.append(
            Statement(
                "compare_effect_size",
                {"name": res["effect_size_name"], "value": res["effect_size"]},
            )
        )
    for pair in res.get("posthoc", []):
        if significant(pair.get("p_adjusted"), alpha):
            lines.append(
                Statement(
                    "compare_pair_differs",
                    {
                        "a": pair["a"],
                        "b": pair["b"],
                        "method": pair.get("method", ""),
                        "p": pair["p_adjusted"],
                    },
                )
            )
    return lines


def matrix_statements(res: dict[str, Any], small_base: int, weighted: bool) -> Narration:
    """The strongest significant correlation (BH-adjusted p) or none; pairs without one.
    `x` and `y` are indexes into the matrix's columns."""
    alpha = res["alpha"]
    out = Narration([Statement("matrix_method", {"method": res["method"], "alpha": alpha})])
    best: Statement | None = None
    k = len(res["columns"])
    for i in range(k):
        for j in range(i + 1, k):
            r, p = res["r"][i][j], res["p_adjusted"][i][j]
            if r is None:
                out.cautions.append(Statement("matrix_pair_undefined", {"x": i, "y": j}))
            elif significant(p, alpha) and (best is None or abs(r) > abs(best.params["r"])):
                params = {"x": i, "y": j, "r": r, "p": p, "n": res["n"][i][j]}
                best = Statement("matrix_strongest", params | {"method": res["method"]})
    out.lines.append(best or Statement("matrix_none_significant", {"alpha": alpha}))
    out.marks = [
        [i != j and significant(p, alpha) for j, p in enumerate(row)]
        for i, row in enumerate(res["p_adjusted"])
    ]
    if weighted and not res["weighted"]:
        out.cautions.append(Statement("matrix_unweighted"))
    return out


def drivers_statements(res: dict[str, Any], small_base: int, weighted: bool) -> Narration:
    """What β means, the driver with the largest |β|, and why weights may not be estimable."""
    out = Narration()
    if res["r_squared"] is not None:
        out.lines.append(Statement("drivers_beta", {"r_squared": res["r_squared"], "n": res["n"]}))
        ranked = [(name, d) for name, d in res["drivers"].items() if d["beta"] is not None]
        if ranked:
            name, top = max(ranked, key=lambda item: abs(item[1]["beta"]))
            out.lines.append(Statement("drivers_largest", {"driver": name, "beta": top["beta"]}))
    if res["caution"] == "too_few_complete" or res["r_squared"] is None:
        out.cautions.append(Statement("drivers_too_few", {"n": res["n"]}))
    elif res["caution"] == "collinear_drivers":
        out.cautions.append(Statement("caution_collinear_drivers"))
    if res["n"] < small_base:
        out.cautions.append(Statement("drivers_small_base", {"n": res["n"], "limit": small_base}))
    if weighted and not res["weighted"]:
        out.cautions.append(Statement("drivers_unweighted"))
    return out
