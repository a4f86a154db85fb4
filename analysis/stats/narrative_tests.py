"""The CLI report's sections on tests: group comparisons, paired and one-sample tests, scales,
key drivers, the correlation matrix and banner tables (`narrative.format_report` orders them).
"""

from __future__ import annotations

from typing import Any

from analysis.stats import report_names
from analysis.stats.narrative_text import (
    caution_text,
    interval,
    join,
    name_of,
    num,
    num1,
    num3,
    pct,
    say,
    times100,
    unweighted_mark,
    value_label,
)
from analysis.stats.narrator import caution, format_p


def comparison_lines(summary: dict[str, Any], c: dict[str, Any]) -> list[str]:
    """A group comparison: the test, the difference with its interval, the effect size with
    its interval, why this test, cautions, pairs and the groups."""

    def label(g: str) -> str:
        return value_label(summary, c["by"], g)

    head = say(
        "comparison",
        metric=c["metric"],
        by=c["by"],
        mark=unweighted_mark(c),
        test=name_of("test", c["test"], name_of("test", "none")),
        statistic=num(c["statistic"]),
        p=format_p(c["p"]),
        p_adjusted=format_p(c.get("p_adjusted")),
    )
    if report_names.known("effect", c["effect_size_name"]):
        head += say(
            "effect_size",
            name=name_of("effect", c["effect_size_name"]),
            value=num(c["effect_size"], 3),
            ci=interval(c.get("effect_size_ci"), num3),
        )
    lines = [head]
    names = list(c["groups"])
    diff = c.get("difference")
    if diff and len(names) == 2:
        lines.append(
            say(
                "mean_difference",
                a=label(names[0]),
                b=label(names[1]),
                difference=num(diff["difference"]),
                ci=interval([diff["ci_low"], diff["ci_high"]], num),
            )
        )
    prop = c.get("proportion_difference")
    if prop and len(names) == 2:
        pct = [times100(prop[k]) for k in ("difference", "ci_low", "ci_high")]
        lines.append(
            say(
                "proportion_difference",
                a=label(names[0]),
                b=label(names[1]),
                difference=num1(pct[0]),
                ci=interval(pct[1:], num1),
                h=num(prop["cohens_h"], 3),
            )
        )
    lines.append(say("reason", reason=name_of("reason", c["reason"])))
    if c.get("caution"):
        groups = join(label(g) for g in c["constant_groups"])
        lines.append("  " + caution_text(caution(c["caution"]), groups=groups))
    for pair in c.get("posthoc", []):
        pair_ci = interval(pair.get("ci"), num) if pair.get("ci") else ""
        difference = (
            say("pair_difference", difference=num(pair["difference"]), ci=pair_ci)
            if "difference" in pair
            else ""
        )
        lines.append(
            say(
                "pair",
                a=label(pair["a"]),
                b=label(pair["b"]),
                difference=difference,
                method=name_of("posthoc", pair["method"]),
                p=format_p(pair["p_adjusted"]),
            )
        )
    for d in c.get("nps_differences", []):
        lines.append(
            say(
                "nps_difference",
                a=label(d["a"]),
                b=label(d["b"]),
                mark=unweighted_mark(d),
                difference=num(d["difference"], 1),
                ci=interval([d["ci_low"], d["ci_high"]], num1),
                p=format_p(d["p"]),
                p_adjusted=format_p(d["p_adjusted"]),
            )
        )
    for name, g in c["groups"].items():
        lines.append(
            say("group", label=label(name), n=g["n"], mean=num(g["mean"]), median=num(g["median"]))
        )
    return lines


def within_lines(title: str, t: dict[str, Any], what: str) -> list[str]:
    """A paired or one-sample test: the test, the estimate with its interval, the effect.
    *what* is `difference` or `mean` (a median one under the signed-rank test)."""
    if t["test"] == "wilcoxon_signed_rank":
        what = "median_difference" if what == "difference" else "median"
    estimate_ci = interval([t.get("ci_low"), t.get("ci_high")], num) if "ci_low" in t else ""
    line = say(
        "within",
        title=title,
        n=t["n"],
        test=name_of("test", t["test"]),
        what=say(f"what_{what}"),
        estimate=num(t["estimate"]),
        ci=estimate_ci,
        p=format_p(t["p"]),
    )
    effect = t.get("effect_size") or {}
    if effect.get("value") is not None:
        line += say(
            "within_effect",
            name=name_of("effect", effect.get("name") or "", effect.get("name")),
            value=num(effect["value"], 3),
            ci=interval([effect.get("ci_low"), effect.get("ci_high")], num3),
        )
    lines = [line]
    if t.get("note") == "unweighted":
        lines.append(say("signed_rank_unweighted"))
    if t.get("caution"):
        lines.append("  " + caution_text(caution(t["caution"])))
    return lines


def scale_lines(name: str, s: dict[str, Any], weighted: bool) -> list[str]:
    mark = say("weighted_mark") if s.get("weighted") else say("unweighted_mark") if weighted else ""
    lines = [
        say(
            "scale",
            name=name,
            alpha=num(s["alpha"], 3),
            ci=interval([s["ci_low"], s["ci_high"]], num3),
            k=s["k"],
            n=s["n"],
            mark=mark,
        )
    ]
    if s.get("reverse"):
        lines.append(say("scale_reverse", items=join(s["reverse"])))
    if s.get("caution"):
        lines.append("  " + caution_text(caution(s["caution"])))
    for item, a in s["item_analysis"].items():
        mean = say("scale_item_mean", mean=num(a["mean"]), sd=num(a["sd"])) if "mean" in a else ""
        lines.append(
            say(
                "scale_item",
                item=item,
                mean=mean,
                r=num(a["item_total_r"], 3),
                alpha=num(a["alpha_if_deleted"], 3),
            )
        )
    return lines


def driver_lines(d: dict[str, Any]) -> list[str]:
    se = say("se_design") if d.get("weighted") else say("se_ols")
    heading = say("drivers_heading", outcome=d["outcome"], r2=num(d["r_squared"], 3), se=se)
    lines = ["", heading]
    for name, v in d["drivers"].items():
        beta = (
            say(
                "driver_beta",
                beta=num(v["beta"], 3),
                se=num(v.get("beta_se"), 3),
                p=format_p(v.get("beta_p")),
            )
            if v.get("beta_determined", True) or d.get("caution") != "collinear_drivers"
            else say("driver_undetermined")
        )
        lines.append(
            say(
                "driver",
                name=name,
                r=num(v["r"], 3),
                beta=beta,
                lmg=num(v.get("lmg"), 3),
                rw=num(v.get("relative_weight"), 3),
                share=pct(times100(v.get("relative_weight_share"))),
                vif=num(v.get("vif")),
            )
        )
    if d.get("caution"):
        text = caution_text(caution(d["caution"]))
        lines.append(say("caution_items", caution=text, items=join(d.get("collinear", []))))
    lines += [say("note", note=note) for note in d.get("notes", [])]
    return lines


def matrix_lines(m: dict[str, Any], weighted: bool) -> list[str]:
    name = "Pearson r" if m["method"] == "pearson" else "Spearman ρ"
    note = "" if m.get("weighted") or not weighted else say("unweighted_mark")
    lines = ["", say("matrix_heading", name=name, note=note)]
    cols = m["columns"]
    for i, x in enumerate(cols):
        for j in range(i + 1, len(cols)):
            lines.append(
                say(
                    "matrix_pair",
                    x=x,
                    y=cols[j],
                    r=num(m["r"][i][j], 3),
                    n=m["n"][i][j],
                    p=format_p(m["p"][i][j]),
                    p_adjusted=format_p(m["p_adjusted"][i][j]),
                )
            )
    return lines


def banner_lines(b: dict[str, Any]) -> list[str]:
    """One banner as text: a header naming each column's letter, then a line per row."""
    tests = b["tests"]
    used = [
        say("banner_test", what=say(what), test=name_of("banner_test", t))
        for what, t in (
            ("banner_proportions", tests["proportions"]),
            ("banner_means", tests["means"]),
        )
        if t
    ]
    lines = [
        say(
            "banner",
            row=b["row"],
            columns=join(x["question"] for x in b["banners"]),
            tests=join(used, "semicolon"),
            correction=name_of("correction", tests["correction"]),
            alpha=f"{b['alpha']:g}",
            weighted=say("banner_weighted" if b["weighted"] else "banner_unweighted"),
        )
    ]
    heads = [say("banner_total")] + [f"{c['label']}({c['letter']})" for c in b["columns"][1:]]
    columns = [f"{h} n={c['n']}" for h, c in zip(heads, b["columns"], strict=True)]
    lines.append(say("banner_columns", columns=" | ".join(columns)))
    share = say("banner_share") if b["row_kind"] == "multiple" else ""
    for r in b["rows"]:
        cells = [
            f"{pct(p)}{''.join(letters)}"
            for p, letters in zip(r["percent"], r["letters"], strict=True)
        ]
        lines.append(say("banner_row", label=r["label"], share=share, cells=" | ".join(cells)))
    if b.get("mean"):
        m = b["mean"]
        cells = [f"{num(v)}{''.join(x)}" for v, x in zip(m["mean"], m["letters"], strict=True)]
        lines.append(say("banner_mean", cells=" | ".join(cells)))
    lines.append(say("banner_legend"))
    return lines
