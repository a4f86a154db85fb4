"""The names the CLI report gives the engine's codes (tests, effect sizes, reasons, cautions…),
in the one catalogue (`surveys.problems`), Chinese and English.

A name is looked up as `name(kind, code)`: the catalogue key is `report_<kind>_<code>`, except
cautions, which are narrator statements (`caution_<code>`) the web words through Flask-Babel.
"""

from __future__ import annotations

from typing import Any

from surveys import problems

TESTS = {
    "chi2": ("卡方检验", "chi-squared test"),
    "fisher": ("Fisher 精确检验", "Fisher's exact test"),
    "rao_scott": (
        "Rao–Scott 校正卡方检验（加权）",
        "Rao–Scott corrected chi-squared test (weighted)",
    ),
    "welch_t": ("Welch t 检验", "Welch's t-test"),
    "student_t": ("Student t 检验（假设方差相等）", "Student's t-test (equal variances)"),
    "mann_whitney_u": ("Mann–Whitney U 检验", "Mann–Whitney U test"),
    "anova": ("单因素方差分析", "one-way ANOVA"),
    "welch_anova": ("Welch 方差分析", "Welch's ANOVA"),
    "kruskal_wallis": ("Kruskal–Wallis 检验", "Kruskal–Wallis test"),
    "weighted_t": ("加权 t 检验（设计标准误）", "weighted t-test (design-based standard errors)"),
    "weighted_wald_f": (
        "加权 Wald F 检验（设计标准误）",
        "weighted Wald F-test (design-based standard errors)",
    ),
    "weighted_rank_t": (
        "加权秩检验（设计标准误）",
        "weighted rank test (design-based standard errors)",
    ),
    "weighted_rank_f": (
        "加权多组秩检验（设计标准误）",
        "weighted rank test of several groups (design-based standard errors)",
    ),
    "paired_t": ("配对 t 检验", "paired t-test"),
    "weighted_paired_t": (
        "加权配对 t 检验（设计标准误）",
        "weighted paired t-test (design-based standard errors)",
    ),
    "one_sample_t": ("单样本 t 检验", "one-sample t-test"),
    "weighted_one_sample_t": (
        "加权单样本 t 检验（设计标准误）",
        "weighted one-sample t-test (design-based standard errors)",
    ),
    "wilcoxon_signed_rank": ("Wilcoxon 符号秩检验", "Wilcoxon signed-rank test"),
    "none": ("无检验", "no test"),
    "untestable": ("无法检验", "not testable"),
}
EFFECTS = {
    "cohens_d": ("Cohen's d", "Cohen's d"),
    "r": ("r", "r"),
    "eta_squared": ("η²", "η²"),
    "eta_squared_h": ("η²(H)", "η²(H)"),
    "rank_biserial": ("秩二列相关 r", "rank-biserial r"),
    "cohens_h": ("Cohen's h", "Cohen's h"),
}
POSTHOC = {
    "tukey_hsd": ("Tukey HSD", "Tukey HSD"),
    "games_howell": ("Games–Howell", "Games–Howell"),
    "mann_whitney_u_holm": ("两两 U 检验，Holm 校正", "pairwise U tests, Holm correction"),
    "weighted_t_holm": ("两两加权 t 检验，Holm 校正", "pairwise weighted t-tests, Holm correction"),
    "weighted_rank_t_holm": (
        "两两加权秩检验，Holm 校正",
        "pairwise weighted rank tests, Holm correction",
    ),
}
_TWO, _SEVERAL = ("两组", "two groups"), ("三组及以上", "three groups or more")
REASONS = {
    "numeric_two_groups": (
        "数值型答案、两组：比较均值，用不假设方差相等的 Welch t 检验",
        "numeric answers, two groups: means compared by Welch's t-test (no equal variances)",
    ),
    "numeric_several_groups": (
        "数值型答案、三组及以上：不假设方差相等的 Welch 方差分析，Games–Howell 两两比较",
        "numeric answers, three groups or more: Welch's ANOVA (no equal variances), "
        "Games–Howell pairs",
    ),
    "ordinal_two_groups": (
        "等级型答案（如评分、量表）、两组：比较秩次，用 Mann–Whitney U 检验",
        "ordinal answers (a rating, a scale), two groups: ranks compared by the Mann–Whitney U "
        "test",
    ),
    "ordinal_several_groups": (
        "等级型答案、三组及以上：Kruskal–Wallis 检验，两两 U 检验（Holm 校正）",
        "ordinal answers, three groups or more: Kruskal–Wallis test, pairwise U tests (Holm "
        "correction)",
    ),
    "parametric_requested_two_groups": (
        "按要求比较均值：Welch t 检验",
        "means compared as asked: Welch's t-test",
    ),
    "parametric_requested_several_groups": (
        "按要求比较均值：Welch 方差分析，Games–Howell 两两比较",
        "means compared as asked: Welch's ANOVA, Games–Howell pairs",
    ),
    "equal_var_requested_two_groups": (
        "按要求假设各组方差相等：Student t 检验（合并方差）",
        "equal variances assumed as asked: Student's t-test (pooled variance)",
    ),
    "equal_var_requested_several_groups": (
        "按要求假设各组方差相等：单因素方差分析，Tukey HSD",
        "equal variances assumed as asked: one-way ANOVA, Tukey HSD",
    ),
    "nonparametric_requested_two_groups": (
        "按要求比较秩次：Mann–Whitney U 检验",
        "ranks compared as asked: Mann–Whitney U test",
    ),
    "nonparametric_requested_several_groups": (
        "按要求比较秩次：Kruskal–Wallis 检验",
        "ranks compared as asked: Kruskal–Wallis test",
    ),
    "single_group": (
        "只有一组有足够答案，无法比较",
        "only one group has enough answers: nothing to compare",
    ),
}
# Weighted comparisons: design-based tests (analysis.stats.weighted_groups), as R's survey.
_WEIGHTED = {
    "two": (
        ("加权均值的 t 检验（设计标准误，同 R svyttest）", "加权秩检验（同 R svyranktest）"),
        (
            "t-test of weighted means (design-based standard errors, as R's svyttest)",
            "weighted rank test (as R's svyranktest)",
        ),
    ),
    "several": (
        (
            "加权均值的 Wald F 检验（设计标准误），两两比较 Holm 校正",
            "加权秩分的 Wald F 检验，两两比较 Holm 校正",
        ),
        (
            "Wald F-test of weighted means (design-based standard errors), Holm-corrected pairs",
            "Wald F-test of weighted rank scores, Holm-corrected pairs",
        ),
    ),
}
REASONS |= {
    f"weighted_{kind}_{size}_groups": (
        f"已加权、{(_TWO if size == 'two' else _SEVERAL)[0]}："
        + _WEIGHTED[size][0][kind in ("ordinal", "nonparametric_requested")],
        f"weighted, {(_TWO if size == 'two' else _SEVERAL)[1]}: "
        + _WEIGHTED[size][1][kind in ("ordinal", "nonparametric_requested")],
    )
    for kind in ("numeric", "ordinal", "parametric_requested", "nonparametric_requested")
    for size in ("two", "several")
}
#: The engine's `caution` codes, said to the reader (what the number cannot be trusted for).
CAUTIONS = {
    "zero_variance_group": (
        "注意：{groups} 组内所有答案都相同，方差为 0，均值比较无法计算（不报告 p 值）",
        "Caution: every answer in {groups} is the same, the variance is 0: the means cannot be "
        "compared (no p-value reported)",
    ),
    "collinear_drivers": (
        "注意：部分驱动因素高度重合（VIF > 10），其标准化 β 无法区分各自的作用",
        "Caution: some drivers overlap strongly (VIF > 10): their standardised β cannot tell "
        "their effects apart",
    ),
    "too_few_respondents": (
        "注意：完整作答者少于 3 人，α 无法计算",
        "Caution: fewer than 3 complete respondents: α cannot be computed",
    ),
    "no_total_variance": (
        "注意：所有人的总分相同，α 无法计算",
        "Caution: everyone has the same total: α cannot be computed",
    ),
    "negative_alpha": (
        "注意：α 为负数，可能有反向计分的题目未转换",
        "Caution: α is negative: a reverse-keyed item may not have been reversed",
    ),
    "zero_variance_differences": (
        "注意：所有人的差值都相同，检验无法计算（不报告 p 值）",
        "Caution: every difference is the same: the test cannot be computed (no p-value reported)",
    ),
    "no_nonzero_differences": (
        "注意：所有差值都为 0，符号秩检验无法计算（不报告 p 值）",
        "Caution: every difference is 0: the signed-rank test cannot be computed (no p-value "
        "reported)",
    ),
    "too_few_answers": (
        "注意：答案少于 2 个，检验无法计算",
        "Caution: fewer than 2 answers: the test cannot be computed",
    ),
    "no_variance": (
        "注意：加权后差值没有变化（或权重全为 0），检验无法计算（不报告 p 值）",
        "Caution: the weighted differences do not vary (or every weight is 0): the test cannot "
        "be computed (no p-value reported)",
    ),
}
KANO = {
    "M": ("必备型(M)", "must-be (M)"),
    "O": ("期望型(O)", "one-dimensional (O)"),
    "A": ("魅力型(A)", "attractive (A)"),
    "I": ("无差异型(I)", "indifferent (I)"),
    "R": ("反向型(R)", "reverse (R)"),
    "Q": ("可疑(Q)", "questionable (Q)"),
}
IPA = {
    "concentrate_here": ("重点改进", "concentrate here"),
    "keep_up": ("继续保持", "keep up the good work"),
    "low_priority": ("次要改进", "low priority"),
    "possible_overkill": ("可能过度投入", "possible overkill"),
}
QUALITY = {
    "duplicate": ("重复作答", "duplicate"),
    "speeder": ("作答过快", "speeder"),
    "straight_liner": ("矩阵题直线作答", "straight-liner in a grid"),
    "attention_failed": ("未通过注意力检测", "failed an attention check"),
    "page_speeder": ("分页作答过快", "page speeder"),
    "similar_sequence": ("与他人答案几乎相同", "answers nearly the same as another's"),
    "random_answers": ("疑似随机作答", "random answers"),
    "same_device": ("同一设备重复提交", "same device again"),
    "gibberish_text": ("开放题乱填", "gibberish open answer"),
    "copied_text": ("开放题与他人雷同", "open answer copied from another"),
    "pasted_text": ("开放题整段粘贴", "open answer pasted"),
}
#: Sections of the report as the weighting sentence names them (in the report's order).
SECTIONS = {
    "crosstabs": ("交叉表（Rao–Scott 校正卡方检验）", "cross-tabulations (Rao–Scott chi-squared)"),
    "correlations": ("相关分析", "correlations"),
    "comparisons": ("组间比较", "group comparisons"),
    "scales": ("量表信度（α）", "scale reliability (α)"),
    "drivers": ("关键驱动因素", "key drivers"),
    "nps_differences": ("分组 NPS 差", "NPS differences between groups"),
    "paired_tests": ("配对检验", "paired tests"),
    "one_sample_tests": ("单样本检验", "one-sample tests"),
    "banners": ("横幅表", "banner tables"),
    "correlation_matrix": ("相关矩阵", "correlation matrix"),
}
BANNER_TESTS = {
    "z_pooled": (
        "两比例 z 检验（合并方差，同 SPSS 列比例比较）",
        "two-proportion z-test (pooled variance, as SPSS's column proportions test)",
    ),
    "t_pooled": ("两样本 t 检验（两列合并方差）", "two-sample t-test (pooled variance of the two)"),
    "z_linearised": (
        "加权 z 检验（设计标准误，线性化）",
        "weighted z-test (design-based standard errors, linearised)",
    ),
}
CORRECTIONS = {
    "bonferroni": ("Bonferroni 校正", "Bonferroni correction"),
    "holm": ("Holm 校正", "Holm correction"),
    "none": ("未校正", "uncorrected"),
}
KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "test": TESTS,
    "effect": EFFECTS,
    "posthoc": POSTHOC,
    "reason": REASONS,
    "kano": KANO,
    "ipa": IPA,
    "quality": QUALITY,
    "section": SECTIONS,
    "banner_test": BANNER_TESTS,
    "correction": CORRECTIONS,
}


def key(kind: str, code: str) -> str:
    return f"caution_{code}" if kind == "caution" else f"report_{kind}_{code}"


def known(kind: str, code: Any) -> bool:
    return isinstance(code, str) and key(kind, code) in problems.CATALOGUE


def name(kind: str, code: Any, locale: str, default: str | None = None) -> str:
    """The name of engine code *code* of *kind*; *default* (else the code) when it has none."""
    if known(kind, code):
        return problems.message(key(kind, code), locale)
    return str(code) if default is None else default


problems.register(
    {key(kind, code): texts for kind, names in KINDS.items() for code, texts in names.items()}
)
problems.register({key("caution", code): texts for code, texts in CAUTIONS.items()})
