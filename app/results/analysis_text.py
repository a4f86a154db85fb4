"""What an analysis builder result means, in the reader's language: the test used, what it
found, and the cautions (small bases, no variation, collinear drivers, unweighted tests)."""

from flask_babel import gettext as _

from app.results.sentences import format_p

EFFECT_NAMES = {
    "cohens_d": "Cohen's d",
    "hedges_g": "Hedges' g",
    "r": "r",
    "rank_biserial": "r_rb",
    "eta_squared": "η²",
    "omega_squared": "ω²",
    "eta_squared_h": "η²_H",
}
RANK_TESTS = ("mann_whitney_u", "kruskal_wallis", "weighted_rank_t", "weighted_rank_f")


def test_name(code: str | None) -> str:
    """The name of a test of `analysis.stats.groups.compare_groups`."""
    names = {
        "welch_t": _("Welch's t-test"),
        "student_t": _("Student's t-test (equal variances)"),
        "mann_whitney_u": _("Mann–Whitney U test"),
        "welch_anova": _("Welch's ANOVA"),
        "anova": _("one-way ANOVA"),
        "kruskal_wallis": _("Kruskal–Wallis test"),
        "weighted_t": _("weighted t-test (design-based standard errors)"),
        "weighted_wald_f": _("weighted Wald F-test (design-based standard errors)"),
        "weighted_rank_t": _("weighted rank test (design-based standard errors)"),
        "weighted_rank_f": _("weighted rank test of several groups (design-based standard errors)"),
    }
    return names.get(code or "", code or "")


def _posthoc_name(code: str) -> str:
    names = {
        "tukey_hsd": "Tukey HSD",
        "games_howell": "Games–Howell",
        "mann_whitney_u_holm": _("pairwise U tests, Holm correction"),
        "weighted_t_holm": _("pairwise weighted t-tests, Holm correction"),
        "weighted_rank_t_holm": _("pairwise weighted rank tests, Holm correction"),
    }
    return names.get(code, code)


def _level(alpha: float) -> str:
    return f"{(1 - alpha) * 100:g} %"


def explain(result: dict) -> dict:
    """{"lines": [what the analysis found], "cautions": [what to read with care]}."""
    explainer = {
        "banner": _banner,
        "compare": _compare,
        "correlation_matrix": _matrix,
        "drivers": _drivers,
    }[result["kind"]]
    lines, cautions = explainer(result["result"], result)
    return {"lines": lines, "cautions": cautions}


def _test_label(code: str | None, alpha: float, correction: str) -> str:
    tests = {
        "z_pooled": _("z-test"),
        "t_pooled": _("t-test"),
        "z_linearised": _("weighted z-test with design-based standard errors"),
    }
    corrections = {"bonferroni": _("Bonferroni correction"), "holm": _("Holm correction")}
    return _(
        "%(test)s, %(correction)s, α = %(alpha)s",
        test=tests.get(code or "", code or ""),
        correction=corrections.get(correction, correction),
        alpha=f"{alpha:g}",
    )


def _banner(table: dict, result: dict) -> tuple[list[str], list[str]]:
    lines, cautions = [], []
    columns = table["columns"]
    tests, alpha = table["tests"], table["alpha"]
    proportions = _test_label(tests["proportions"], alpha, tests["correction"])
    means = _test_label(tests["means"], alpha, tests["correction"])
    used = [proportions] if tests["proportions"] else []
    used += [means] if tests["means"] else []
    lines.append(
        _(
            "A letter beside a figure names a column of the same question whose share (or mean) "
            "is significantly lower (%(methods)s).",
            methods="; ".join(used),
        )
    )
    for row in table["rows"]:
        for j, lower in enumerate(row["letters"]):
            if lower:
                lines.append(
                    _(
                        "Column %(higher)s (%(higher_label)s): the share answering “%(row)s” is "
                        "significantly higher than in column %(lower)s (%(method)s).",
                        higher=columns[j]["letter"],
                        higher_label=columns[j]["label"],
                        row=row["label"],
                        lower=", ".join(lower),
                        method=proportions,
                    )
                )
    mean = table.get("mean")
    for j, lower in enumerate(mean["letters"] if mean else []):
        if lower:
            lines.append(
                _(
                    "Column %(higher)s (%(higher_label)s): the mean is significantly higher than "
                    "in column %(lower)s (%(method)s).",
                    higher=columns[j]["letter"],
                    higher_label=columns[j]["label"],
                    lower=", ".join(lower),
                    method=means,
                )
            )
    if len(lines) == 1:
        lines.append(
            _(
                "No column differs significantly from another (%(method)s): at the %(level)s "
                "confidence level the columns cannot be told apart.",
                method=proportions if table["rows"] else means,
                level=_level(alpha),
            )
        )
    for column in columns[1:]:
        if column["n"] < result["small_base"]:
            cautions.append(
                _(
                    "Column %(letter)s (%(label)s) has only %(n)d answers (under %(limit)d): "
                    "its percentages are rough, read them with caution.",
                    letter=column["letter"],
                    label=column["label"],
                    n=column["n"],
                    limit=result["small_base"],
                )
            )
    return lines, cautions


def _compare(res: dict, result: dict) -> tuple[list[str], list[str]]:
    lines, cautions = [], []
    alpha = res["alpha"]
    groups = res["groups"]
    used = [g for g in groups.values() if g["n"] >= 2]
    if res.get("reason") == "single_group":
        cautions.append(
            _("Only one group has two answers or more: there is nothing to compare it with.")
        )
    elif res.get("caution") == "zero_variance_group":
        constant = ", ".join(res["group_labels"].get(g, g) for g in res.get("constant_groups", []))
        cautions.append(
            _(
                "Every answer is the same in %(groups)s: the means cannot be compared, so no "
                "p-value is given (a test would report a p-value of zero on no evidence).",
                groups=constant,
            )
        )
    elif res.get("p") is None:
        cautions.append(_("The answers do not vary: the test cannot be computed."))
    else:
        test = test_name(res["test"])
        basis = (
            _("compared on ranks, because the answer is ordinal (a rating or a scale)")
            if res["test"] in RANK_TESTS
            else _("compared on means, because the answer is a number")
        )
        detail = f"{test}, {format_p(res['p'])}"
        if res["p"] < alpha:
            lines.append(
                _(
                    "Significant difference: at the %(level)s confidence level the groups differ "
                    "in “%(metric)s” (%(test)s; %(basis)s).",
                    level=_level(alpha),
                    metric=res["metric_title"],
                    test=detail,
                    basis=basis,
                )
            )
        elif len(used) == 2:
            lines.append(
                _(
                    "No significant difference: at the %(level)s confidence level we cannot rule "
                    "out that the two groups are the same (%(test)s; %(basis)s).",
                    level=_level(alpha),
                    test=detail,
                    basis=basis,
                )
            )
        else:
            lines.append(
                _(
                    "No significant difference: at the %(level)s confidence level we cannot rule "
                    "out that the groups are the same (%(test)s; %(basis)s).",
                    level=_level(alpha),
                    test=detail,
                    basis=basis,
                )
            )
        names = list(groups)
        diff = res.get("difference")
        shown = diff and None not in (diff["difference"], diff["ci_low"], diff["ci_high"])
        if diff and shown and len(names) == 2:
            lines.append(
                _(
                    "Difference of the means (%(a)s − %(b)s): %(difference).2f, %(level)s "
                    "confidence interval %(low).2f to %(high).2f.",
                    a=res["group_labels"].get(names[0], names[0]),
                    b=res["group_labels"].get(names[1], names[1]),
                    difference=diff["difference"],
                    level=_level(1 - diff["confidence"]),
                    low=diff["ci_low"],
                    high=diff["ci_high"],
                )
            )
        if res.get("effect_size") is not None and res.get("effect_size_name"):
            name = EFFECT_NAMES.get(res["effect_size_name"], res["effect_size_name"])
            lines.append(
                _("Effect size: %(name)s = %(value).2f.", name=name, value=res["effect_size"])
            )
        for pair in res.get("posthoc", []):
            if pair.get("p_adjusted") is not None and pair["p_adjusted"] < alpha:
                lines.append(
                    _(
                        "“%(a)s” and “%(b)s” differ (%(method)s, adjusted %(p)s).",
                        a=res["group_labels"].get(pair["a"], pair["a"]),
                        b=res["group_labels"].get(pair["b"], pair["b"]),
                        method=_posthoc_name(pair.get("method", "")),
                        p=format_p(pair["p_adjusted"]),
                    )
                )
    for name, g in groups.items():
        if g["n"] < result["small_base"]:
            cautions.append(
                _(
                    "Group “%(group)s” has only %(n)d answers (under %(limit)d): read it with "
                    "caution.",
                    group=res["group_labels"].get(name, name),
                    n=g["n"],
                    limit=result["small_base"],
                )
            )
    if result["spec"]["weighted"] and not res.get("weighted"):
        cautions.append(_("This comparison is not weighted: it uses the unweighted answers."))
    return lines, cautions


def _matrix(res: dict, result: dict) -> tuple[list[str], list[str]]:
    alpha = res["alpha"]
    name = "r" if res["method"] == "pearson" else "ρ"
    method = _("Pearson's r") if res["method"] == "pearson" else _("Spearman's ρ")
    lines = [
        _(
            "%(method)s; * marks a correlation significantly different from 0 after the "
            "Benjamini–Hochberg correction (α = %(alpha)s).",
            method=method,
            alpha=f"{alpha:g}",
        )
    ]
    cautions, best = [], None
    k = len(res["columns"])
    for i in range(k):
        for j in range(i + 1, k):
            r, p = res["r"][i][j], res["p_adjusted"][i][j]
            if r is None:
                cautions.append(
                    _(
                        "“%(x)s” and “%(y)s”: no correlation, one of them does not vary or too "
                        "few answered both.",
                        x=res["titles"][i],
                        y=res["titles"][j],
                    )
                )
            elif p is not None and p < alpha and (best is None or abs(r) > abs(best[2])):
                best = (i, j, r, p)
    if best is None:
        lines.append(
            _(
                "No correlation is significant: at the %(level)s confidence level none can be "
                "told apart from 0.",
                level=_level(alpha),
            )
        )
    else:
        i, j, r, p = best
        lines.append(
            _(
                "Strongest significant correlation: “%(x)s” and “%(y)s” (%(name)s = %(r).2f, "
                "adjusted %(p)s, n = %(n)d).",
                x=res["titles"][i],
                y=res["titles"][j],
                name=name,
                r=r,
                p=format_p(p),
                n=res["n"][i][j],
            )
        )
    if result["spec"]["weighted"] and not res["weighted"]:
        cautions.append(_("Correlations are not weighted: they use the unweighted answers."))
    return lines, cautions


def _drivers(res: dict, result: dict) -> tuple[list[str], list[str]]:
    lines, cautions = [], []
    if res["r_squared"] is not None:
        lines.append(
            _(
                "β is the change of “%(outcome)s”, in standard deviations, for one standard "
                "deviation more of the driver with the others held fixed (standardised linear "
                "regression, R² = %(r2).2f, n = %(n)d).",
                outcome=res["outcome_title"],
                r2=res["r_squared"],
                n=res["n"],
            )
        )
        ranked = [(name, d) for name, d in res["drivers"].items() if d["beta"] is not None]
        if ranked:
            name, top = max(ranked, key=lambda item: abs(item[1]["beta"]))
            lines.append(
                _(
                    "Largest weight: “%(driver)s” (β = %(beta).2f).",
                    driver=res["titles"][name],
                    beta=top["beta"],
                )
            )
    if res["caution"] == "too_few_complete" or res["r_squared"] is None:
        cautions.append(
            _(
                "Too few complete answers (%(n)d) or a question without variation: the weights "
                "cannot be estimated.",
                n=res["n"],
            )
        )
    elif res["caution"] == "collinear_drivers":
        cautions.append(
            _(
                "Some drivers overlap strongly (VIF over 10): their β cannot be told apart and "
                "should not be read on their own."
            )
        )
    if res["n"] < result["small_base"]:
        cautions.append(_("Only %(n)d complete answers: read with caution.", n=res["n"]))
    if result["spec"]["weighted"] and not res["weighted"]:
        cautions.append(_("Key drivers are not weighted: they use the unweighted answers."))
    return lines, cautions
