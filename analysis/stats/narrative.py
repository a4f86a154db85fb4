"""The readable report printed by `python -m analysis stats` without `--json` (Chinese).

Formatting (rounding, percent signs) happens only here; `summarise` returns full precision.
Every word comes from the one catalogue (`surveys.problems`): the lines from
`analysis.stats.report_lines`, the names of the engine's codes from `report_names`, and what a
rule decides (which cells stand out, how p is written, the cautions) from
`analysis.stats.narrator`, the same statements the web page renders.
"""

from typing import Any

from analysis.stats import report_names
from analysis.stats.narrative_tests import (
    banner_lines,
    comparison_lines,
    driver_lines,
    matrix_lines,
    scale_lines,
    within_lines,
)
from analysis.stats.narrative_text import (
    LOCALE,
    interval,
    join,
    name_of,
    num,
    num1,
    num3,
    pct,
    say,
    value_label,
)
from analysis.stats.narrator import Statement, format_p, notable_cells
from analysis.stats.table import kind_of
from surveys.problems import message

__all__ = ["LOCALE", "format_report", "weighting_sentence"]


def _cell_text(summary: dict[str, Any], t: dict[str, Any], cell: Statement) -> str:
    """A narrator's cell statement, with the questionnaire's option labels."""
    i, j = cell.params["row"], cell.params["col"]
    return cell.message(
        LOCALE,
        row_label=value_label(summary, t["row"], t["row_values"][i]),
        col_label=value_label(summary, t["col"], t["col_values"][j]),
        residual_name=message(f"residual_{cell.params['kind']}", LOCALE),
    )


def _question_lines(qid: str, q: dict[str, Any]) -> list[str]:
    lines = [say("question", qid=qid, title=q.get("title", ""), n=q["n"], missing=q["missing"])]
    labels = q.get("labels", {})
    if "nps" in q:
        lines.append(
            say(
                "nps",
                nps=num(q["nps"], 1),
                ci=interval(q["ci"], num1),
                promoters=pct(q["promoters"]),
                passives=pct(q["passives"]),
                detractors=pct(q["detractors"]),
            )
        )
    elif "rows" in q:
        for row, r in q["rows"].items():
            label = q.get("row_labels", {}).get(row, row)
            if "mean" in r:
                lines.append(
                    say(
                        "matrix_row_mean",
                        label=label,
                        mean=num(r["mean"]),
                        ci=interval(r["mean_ci"], num),
                        top2=pct(r["top2"]["percent"]),
                        bottom2=pct(r["bottom2"]["percent"]),
                    )
                )
            else:
                parts = [f"{labels.get(v, v)} {pct(p)}" for v, p in r["percent"].items()]
                lines.append(say("labelled", label=label, text=join(parts, "comma")))
    elif "options" in q and kind_of(q) == "ranking":
        for v, o in q["options"].items():
            lines.append(
                say(
                    "ranking",
                    label=labels.get(v, v),
                    mean_rank=num(o["mean_rank"]),
                    first=pct(o["first_place_percent"]),
                )
            )
    elif "category" in q:
        lines.append(
            say(
                "kano",
                name=name_of("kano", q["category"], "—"),
                better=num(q["better"]),
                worse=num(q["worse"]),
            )
        )
    elif "mean" in q:
        lines.append(
            say(
                "mean",
                mean=num(q["mean"]),
                ci=interval(q["ci"], num),
                sd=num(q["sd"]),
                median=num(q["median"]),
                q1=num(q["q1"]),
                q3=num(q["q3"]),
            )
        )
        if "csat" in q:
            lines.append(
                say("csat", percent=pct(q["csat"]["percent"]), ci=interval(q["csat"]["ci"]))
            )
    elif "percent" in q:
        for v, p in q["percent"].items():
            lines.append(
                say(
                    "option",
                    label=labels.get(v, v),
                    count=q["counts"][v],
                    percent=pct(p),
                    ci=interval(q["ci"][v]),
                )
            )
        if q.get("other_texts"):
            lines.append(say("other_texts", texts=join(q["other_texts"][:10], "semicolon")))
    if q.get("not_scored"):
        names = join(f"“{labels.get(v, v)}”" for v in q["not_scored"])
        lines.append(say("not_scored", names=names))
    return lines


def _section_results(summary: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    nps_diffs = [d for c in summary["comparisons"] for d in c.get("nps_differences", [])]
    return {
        "crosstabs": summary["crosstabs"],
        "correlations": summary.get("correlations", []),
        "comparisons": summary["comparisons"],
        "scales": list(summary["scales"].values()),
        "drivers": [summary["drivers"]] if "drivers" in summary else [],
        "nps_differences": nps_diffs,
        "paired_tests": summary.get("paired_tests", []),
        "one_sample_tests": summary.get("one_sample_tests", []),
        "banners": summary.get("banners", []),
        "correlation_matrix": (
            [summary["correlation_matrix"]] if "correlation_matrix" in summary else []
        ),
    }


def weighting_sentence(summary: dict[str, Any]) -> str:
    """What the weights were applied to and what not, read from each result's `weighted`."""
    weighted = [say("weighted_basics")]
    unweighted: list[str] = []
    for section, results in _section_results(summary).items():
        if results:
            done = all(r.get("weighted") for r in results)
            (weighted if done else unweighted).append(name_of("section", section))
    line = say("weighted", sections=join(weighted))
    if unweighted:
        line += say("unweighted_sections", sections=join(unweighted))
    line += say("counts_unweighted")
    if summary.get("zero_weight"):
        line += say("zero_weight", n=summary["zero_weight"])
    return line


def _crosstab_stat(t: dict[str, Any]) -> str:
    if t["test"] == "chi2":
        return say("crosstab_chi2", chi2=num(t["chi2"]), dof=t["dof"])
    if t["test"] == "rao_scott" and t.get("f") is not None:
        return say(
            "crosstab_rao_scott",
            f=num(t["f"]),
            ndf=num(t["ndf"]),
            ddf=num(t["ddf"], 1),
            chi2=num(t["chi2"]),
        )
    return ""


def _header_lines(summary: dict[str, Any]) -> list[str]:
    lines = [say("sample", n=summary["n"], total=summary["n_total"])]
    quality = summary["quality"]
    flagged = [
        say("quality_count", name=name_of("quality", k), count=quality[k])
        for k in report_names.QUALITY
        if quality[k]
    ]
    lines.append(
        say(
            "quality",
            flagged=join(flagged, "comma") or say("quality_clean"),
            threshold=f"{quality['threshold']:g}",
            count=quality["flagged"],
        )
    )
    if summary["excluded"]:
        lines.append(say("excluded", n=summary["excluded"]))
    if summary["filtered_out"]:
        lines.append(say("filtered_out", n=summary["filtered_out"]))
    if summary["weighted"]:
        lines.append(weighting_sentence(summary))
    return [*lines, ""]


def _crosstab_lines(summary: dict[str, Any], t: dict[str, Any]) -> list[str]:
    line = say(
        "crosstab",
        row=t["row"],
        col=t["col"],
        n=t["n"],
        test=name_of("test", t["test"], name_of("test", "untestable")),
        stat=_crosstab_stat(t),
        p=format_p(t["p"]),
        p_adjusted=format_p(t.get("p_adjusted")),
        v=num(t["cramers_v"], 3),
    )
    return [line] + ["  " + _cell_text(summary, t, cell) for cell in notable_cells(t)]


def _heading(results: Any, name: str) -> list[str]:
    return ["", say(f"heading_{name}")] if results else []


def format_report(summary: dict[str, Any]) -> str:
    """Plain-text report of a `summarise` result."""
    lines = _header_lines(summary)
    for qid, q in summary["questions"].items():
        lines += _question_lines(qid, q)
    lines += _heading(summary["crosstabs"], "crosstabs")
    for t in summary["crosstabs"]:
        lines += _crosstab_lines(summary, t)
    lines += _heading(summary["comparisons"], "comparisons")
    for c in summary["comparisons"]:
        lines += comparison_lines(summary, c)
    lines += _heading(summary.get("paired_tests") or summary.get("one_sample_tests"), "within")
    for t in summary.get("paired_tests", []):
        lines += within_lines(f"{t['first']} − {t['second']}", t, "difference")
    for t in summary.get("one_sample_tests", []):
        title = say("one_sample_title", column=t["column"], value=num(t["value"]))
        lines += within_lines(title, t, "mean")
    lines += _heading(summary.get("correlations"), "correlations")
    for c in summary.get("correlations", []):
        lines.append(
            say(
                "correlation",
                x=c["x"],
                y=c["y"],
                name="Pearson r" if c["method"] == "pearson" else "Spearman ρ",
                r=num(c["r"], 3),
                ci=interval([c["ci_low"], c["ci_high"]], num3),
                p=format_p(c["p"]),
                n=c["n"],
            )
        )
    lines += _heading(summary["scales"], "scales")
    for name, s in summary["scales"].items():
        lines += scale_lines(name, s, summary["weighted"])
    if "sus" in summary:
        s = summary["sus"]
        score, ci = num(s["score"], 1), interval(s["ci"], num1)
        lines += ["", say("sus", score=score, ci=ci, grade=s["grade"])]
    if "ipa" in summary:
        lines += _heading(True, "ipa")
        for a in summary["ipa"]["attributes"].values():
            lines.append(
                say(
                    "ipa",
                    label=a["label"],
                    importance=num(a["importance"]),
                    performance=num(a["performance"]),
                    quadrant=name_of("ipa", a["quadrant"]),
                )
            )
    if "drivers" in summary:
        lines += driver_lines(summary["drivers"])
    if "correlation_matrix" in summary:
        lines += matrix_lines(summary["correlation_matrix"], summary["weighted"])
    lines += _heading(summary.get("banners"), "banners")
    for b in summary.get("banners", []):
        lines += banner_lines(b)
    return "\n".join(lines) + "\n"
