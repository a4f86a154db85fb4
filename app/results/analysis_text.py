"""What an analysis builder result means, in the reader's language: the test used, what it
found, and the cautions (small bases, no variation, collinear drivers, unweighted tests).

What to say is decided by `analysis.stats.narrator_analyses` (statements of codes and numbers);
this module only words each statement through Flask-Babel, with the result's labels.
"""

from flask_babel import gettext as _

from analysis.stats.narrator import Statement
from analysis.stats.narrator_analyses import narrate
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
    render = {
        "banner": _banner,
        "compare": _compare,
        "correlation_matrix": _matrix,
        "drivers": _drivers,
    }[result["kind"]]
    narration = narrate(result)
    res = result["result"]
    return {
        "lines": [render(s, res) for s in narration.lines],
        "cautions": [render(s, res) for s in narration.cautions],
        "marks": narration.marks,
    }


def _test_label(tests: dict | None) -> str:
    if not tests:
        return ""
    names = {
        "z_pooled": _("z-test"),
        "t_pooled": _("t-test"),
        "z_linearised": _("weighted z-test with design-based standard errors"),
    }
    corrections = {"bonferroni": _("Bonferroni correction"), "holm": _("Holm correction")}
    code, correction = tests["test"], tests["correction"]
    return _(
        "%(test)s, %(correction)s, α = %(alpha)s",
        test=names.get(code or "", code or ""),
        correction=corrections.get(correction, correction),
        alpha=f"{tests['alpha']:g}",
    )


def _banner(s: Statement, table: dict) -> str:
    p = s.params
    columns = table["columns"]
    if s.code == "banner_letters":
        used = [_test_label(t) for t in (p["proportions"], p["means"]) if t]
        return _(
            "A letter beside a figure names a column of the same question whose share (or mean) "
            "is significantly lower (%(methods)s).",
            methods="; ".join(used),
        )
    if s.code == "banner_share_higher":
        column = columns[p["col"]]
        return _(
            "Column %(higher)s (%(higher_label)s): the share answering “%(row)s” is "
            "significantly higher than in column %(lower)s (%(method)s).",
            higher=column["letter"],
            higher_label=column["label"],
            row=table["rows"][p["row"]]["label"],
            lower=", ".join(p["lower"]),
            method=_test_label(p),
        )
    if s.code == "banner_mean_higher":
        column = columns[p["col"]]
        return _(
            "Column %(higher)s (%(higher_label)s): the mean is significantly higher than "
            "in column %(lower)s (%(method)s).",
            higher=column["letter"],
            higher_label=column["label"],
            lower=", ".join(p["lower"]),
            method=_test_label(p),
        )
    if s.code == "banner_no_difference":
        return _(
            "No column differs significantly from another (%(method)s): at the %(level)s "
            "confidence level the columns cannot be told apart.",
            method=_test_label(p),
            level=_level(p["alpha"]),
        )
    column = columns[p["col"]]  # banner_small_column
    return _(
        "Column %(letter)s (%(label)s) has only %(n)d answers (under %(limit)d): "
        "its percentages are rough, read them with caution.",
        letter=column["letter"],
        label=column["label"],
        n=p["n"],
        limit=p["limit"],
    )


def _compare(s: Statement, res: dict) -> str:
    p = s.params
    labels = res["group_labels"]
    if s.code == "compare_single_group":
        return _("Only one group has two answers or more: there is nothing to compare it with.")
    if s.code == "caution_zero_variance_group":
        return _(
            "Every answer is the same in %(groups)s: the means cannot be compared, so no "
            "p-value is given (a test would report a p-value of zero on no evidence).",
            groups=", ".join(labels.get(g, g) for g in p["groups"]),
        )
    if s.code == "compare_untestable":
        return _("The answers do not vary: the test cannot be computed.")
    if s.code in ("compare_significant", "compare_not_significant_two", "compare_not_significant"):
        return _compare_verdict(s, res)
    if s.code == "compare_mean_difference":
        return _(
            "Difference of the means (%(a)s − %(b)s): %(difference).2f, %(level)s "
            "confidence interval %(low).2f to %(high).2f.",
            a=labels.get(p["a"], p["a"]),
            b=labels.get(p["b"], p["b"]),
            difference=p["difference"],
            level=_level(1 - p["confidence"]),
            low=p["low"],
            high=p["high"],
        )
    if s.code == "compare_effect_size":
        name = EFFECT_NAMES.get(p["name"], p["name"])
        return _("Effect size: %(name)s = %(value).2f.", name=name, value=p["value"])
    if s.code == "compare_pair_differs":
        return _(
            "“%(a)s” and “%(b)s” differ (%(method)s, adjusted %(p)s).",
            a=labels.get(p["a"], p["a"]),
            b=labels.get(p["b"], p["b"]),
            method=_posthoc_name(p["method"]),
            p=format_p(p["p"]),
        )
    if s.code == "compare_small_group":
        return _(
            "Group “%(group)s” has only %(n)d answers (under %(limit)d): read it with caution.",
            group=labels.get(p["group"], p["group"]),
            n=p["n"],
            limit=p["limit"],
        )
    return _("This comparison is not weighted: it uses the unweighted answers.")


def _compare_verdict(s: Statement, res: dict) -> str:
    p = s.params
    basis = (
        _("compared on ranks, because the answer is ordinal (a rating or a scale)")
        if p["ranks"]
        else _("compared on means, because the answer is a number")
    )
    detail = f"{test_name(p['test'])}, {format_p(p['p'])}"
    level = _level(p["alpha"])
    if s.code == "compare_significant":
        return _(
            "Significant difference: at the %(level)s confidence level the groups differ "
            "in “%(metric)s” (%(test)s; %(basis)s).",
            level=level,
            metric=res["metric_title"],
            test=detail,
            basis=basis,
        )
    if s.code == "compare_not_significant_two":
        return _(
            "No significant difference: at the %(level)s confidence level we cannot rule "
            "out that the two groups are the same (%(test)s; %(basis)s).",
            level=level,
            test=detail,
            basis=basis,
        )
    return _(
        "No significant difference: at the %(level)s confidence level we cannot rule "
        "out that the groups are the same (%(test)s; %(basis)s).",
        level=level,
        test=detail,
        basis=basis,
    )


def _matrix(s: Statement, res: dict) -> str:
    p = s.params
    titles = res["titles"]
    if s.code == "matrix_method":
        method = _("Pearson's r") if p["method"] == "pearson" else _("Spearman's ρ")
        return _(
            "%(method)s; * marks a correlation significantly different from 0 after the "
            "Benjamini–Hochberg correction (α = %(alpha)s).",
            method=method,
            alpha=f"{p['alpha']:g}",
        )
    if s.code == "matrix_pair_undefined":
        return _(
            "“%(x)s” and “%(y)s”: no correlation, one of them does not vary or too "
            "few answered both.",
            x=titles[p["x"]],
            y=titles[p["y"]],
        )
    if s.code == "matrix_none_significant":
        return _(
            "No correlation is significant: at the %(level)s confidence level none can be "
            "told apart from 0.",
            level=_level(p["alpha"]),
        )
    if s.code == "matrix_strongest":
        return _(
            "Strongest significant correlation: “%(x)s” and “%(y)s” (%(name)s = %(r).2f, "
            "adjusted %(p)s, n = %(n)d).",
            x=titles[p["x"]],
            y=titles[p["y"]],
            name="r" if p["method"] == "pearson" else "ρ",
            r=p["r"],
            p=format_p(p["p"]),
            n=p["n"],
        )
    return _("Correlations are not weighted: they use the unweighted answers.")


def _drivers(s: Statement, res: dict) -> str:
    p = s.params
    if s.code == "drivers_beta":
        return _(
            "β is the change of “%(outcome)s”, in standard deviations, for one standard "
            "deviation more of the driver with the others held fixed (standardised linear "
            "regression, R² = %(r2).2f, n = %(n)d).",
            outcome=res["outcome_title"],
            r2=p["r_squared"],
            n=p["n"],
        )
    if s.code == "drivers_largest":
        return _(
            "Largest weight: “%(driver)s” (β = %(beta).2f).",
            driver=res["titles"][p["driver"]],
            beta=p["beta"],
        )
    if s.code == "drivers_too_few":
        return _(
            "Too few complete answers (%(n)d) or a question without variation: the weights "
            "cannot be estimated.",
            n=p["n"],
        )
    if s.code == "caution_collinear_drivers":
        return _(
            "Some drivers overlap strongly (VIF over 10): their β cannot be told apart and "
            "should not be read on their own."
        )
    if s.code == "drivers_small_base":
        return _("Only %(n)d complete answers: read with caution.", n=p["n"])
    return _("Key drivers are not weighted: they use the unweighted answers.")
