# Over 400 lines: every section of the Chinese report, in the order the report prints them.
"""The readable Chinese report printed by `python -m analysis stats` without `--json`.

Formatting (rounding, percent signs) happens only here; `summarise` returns full precision.
What to say where a rule decides it (which cells stand out, how p is written) comes from
`analysis.stats.narrator`, the same statements the web page renders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from analysis.stats.narrator import Statement, format_p, notable_cells
from surveys.problems import message

LOCALE = "zh_CN"

TEST_NAMES = {
    "chi2": "卡方检验",
    "fisher": "Fisher 精确检验",
    "rao_scott": "Rao–Scott 校正卡方检验（加权）",
    "welch_t": "Welch t 检验",
    "student_t": "Student t 检验（假设方差相等）",
    "mann_whitney_u": "Mann–Whitney U 检验",
    "anova": "单因素方差分析",
    "welch_anova": "Welch 方差分析",
    "kruskal_wallis": "Kruskal–Wallis 检验",
    "weighted_t": "加权 t 检验（设计标准误）",
    "weighted_wald_f": "加权 Wald F 检验（设计标准误）",
    "weighted_rank_t": "加权秩检验（设计标准误）",
    "weighted_rank_f": "加权多组秩检验（设计标准误）",
    "paired_t": "配对 t 检验",
    "weighted_paired_t": "加权配对 t 检验（设计标准误）",
    "one_sample_t": "单样本 t 检验",
    "weighted_one_sample_t": "加权单样本 t 检验（设计标准误）",
    "wilcoxon_signed_rank": "Wilcoxon 符号秩检验",
}
EFFECT_NAMES = {
    "cohens_d": "Cohen's d",
    "r": "r",
    "eta_squared": "η²",
    "eta_squared_h": "η²(H)",
    "rank_biserial": "秩二列相关 r",
    "cohens_h": "Cohen's h",
}
POSTHOC_NAMES = {
    "tukey_hsd": "Tukey HSD",
    "games_howell": "Games–Howell",
    "mann_whitney_u_holm": "两两 U 检验，Holm 校正",
    "weighted_t_holm": "两两加权 t 检验，Holm 校正",
    "weighted_rank_t_holm": "两两加权秩检验，Holm 校正",
}
REASONS = {
    "numeric_two_groups": "数值型答案、两组：比较均值，用不假设方差相等的 Welch t 检验",
    "numeric_several_groups": (
        "数值型答案、三组及以上：不假设方差相等的 Welch 方差分析，Games–Howell 两两比较"
    ),
    "ordinal_two_groups": "等级型答案（如评分、量表）、两组：比较秩次，用 Mann–Whitney U 检验",
    "ordinal_several_groups": (
        "等级型答案、三组及以上：Kruskal–Wallis 检验，两两 U 检验（Holm 校正）"
    ),
    "parametric_requested_two_groups": "按要求比较均值：Welch t 检验",
    "parametric_requested_several_groups": "按要求比较均值：Welch 方差分析，Games–Howell 两两比较",
    "equal_var_requested_two_groups": "按要求假设各组方差相等：Student t 检验（合并方差）",
    "equal_var_requested_several_groups": "按要求假设各组方差相等：单因素方差分析，Tukey HSD",
    "nonparametric_requested_two_groups": "按要求比较秩次：Mann–Whitney U 检验",
    "nonparametric_requested_several_groups": "按要求比较秩次：Kruskal–Wallis 检验",
    "single_group": "只有一组有足够答案，无法比较",
}
# Weighted comparisons: design-based tests (analysis.stats.weighted_groups), as R's survey.
_WEIGHTED = {
    "two": ("加权均值的 t 检验（设计标准误，同 R svyttest）", "加权秩检验（同 R svyranktest）"),
    "several": (
        "加权均值的 Wald F 检验（设计标准误），两两比较 Holm 校正",
        "加权秩分的 Wald F 检验，两两比较 Holm 校正",
    ),
}
REASONS |= {
    f"weighted_{kind}_{size}_groups": f"已加权、{'两组' if size == 'two' else '三组及以上'}："
    + _WEIGHTED[size][kind in ("ordinal", "nonparametric_requested")]
    for kind in ("numeric", "ordinal", "parametric_requested", "nonparametric_requested")
    for size in ("two", "several")
}
#: The engine's `caution` codes, said to the reader (what the number cannot be trusted for).
CAUTIONS = {
    "zero_variance_group": (
        "注意：{groups} 组内所有答案都相同，方差为 0，均值比较无法计算（不报告 p 值）"
    ),
    "collinear_drivers": "注意：部分驱动因素高度重合（VIF > 10），其标准化 β 无法区分各自的作用",
    "too_few_respondents": "注意：完整作答者少于 3 人，α 无法计算",
    "no_total_variance": "注意：所有人的总分相同，α 无法计算",
    "negative_alpha": "注意：α 为负数，可能有反向计分的题目未转换",
    "zero_variance_differences": "注意：所有人的差值都相同，检验无法计算（不报告 p 值）",
    "no_nonzero_differences": "注意：所有差值都为 0，符号秩检验无法计算（不报告 p 值）",
    "too_few_answers": "注意：答案少于 2 个，检验无法计算",
    "no_variance": "注意：加权后差值没有变化（或权重全为 0），检验无法计算（不报告 p 值）",
}
KANO_NAMES = {
    "M": "必备型(M)",
    "O": "期望型(O)",
    "A": "魅力型(A)",
    "I": "无差异型(I)",
    "R": "反向型(R)",
    "Q": "可疑(Q)",
}
IPA_NAMES = {
    "concentrate_here": "重点改进",
    "keep_up": "继续保持",
    "low_priority": "次要改进",
    "possible_overkill": "可能过度投入",
}
QUALITY_NAMES = {
    "duplicate": "重复作答",
    "speeder": "作答过快",
    "straight_liner": "矩阵题直线作答",
    "attention_failed": "未通过注意力检测",
    "page_speeder": "分页作答过快",
    "similar_sequence": "与他人答案几乎相同",
    "random_answers": "疑似随机作答",
    "same_device": "同一设备重复提交",
    "gibberish_text": "开放题乱填",
    "copied_text": "开放题与他人雷同",
    "pasted_text": "开放题整段粘贴",
}


def _num(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _num1(v: float | None) -> str:
    return _num(v, 1)


def _num3(v: float | None) -> str:
    return _num(v, 3)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _ci(pair: Sequence[float | None] | None, fmt: Callable[[float | None], str] = _pct) -> str:
    if not pair or pair[0] is None:
        return ""
    return f"（95% CI {fmt(pair[0])} 至 {fmt(pair[1])}）"


_p = format_p


def _cell_text(summary: dict[str, Any], t: dict[str, Any], cell: Statement) -> str:
    """A narrator's cell statement in Chinese, with the questionnaire's option labels."""
    i, j = cell.params["row"], cell.params["col"]
    return cell.message(
        LOCALE,
        row_label=_value_label(summary, t["row"], t["row_values"][i]),
        col_label=_value_label(summary, t["col"], t["col_values"][j]),
        residual_name=message(f"residual_{cell.params['kind']}", LOCALE),
    )


def _question_lines(qid: str, q: dict[str, Any]) -> list[str]:
    lines = [f"【{qid}】{q.get('title', '')}  （有效 {q['n']}，缺失 {q['missing']}）"]
    labels = q.get("labels", {})
    if "nps" in q:
        lines.append(
            f"  NPS = {_num(q['nps'], 1)}{_ci(q['ci'], _num1)}；推荐者 "
            f"{_pct(q['promoters'])}，中立者 {_pct(q['passives'])}，贬损者 {_pct(q['detractors'])}"
        )
    elif "rows" in q:
        for row, r in q["rows"].items():
            label = q.get("row_labels", {}).get(row, row)
            if "mean" in r:
                lines.append(
                    f"  {label}：均值 {_num(r['mean'])}{_ci(r['mean_ci'], _num)}，"
                    f"前两项 {_pct(r['top2']['percent'])}，后两项 {_pct(r['bottom2']['percent'])}"
                )
            else:
                parts = [f"{labels.get(v, v)} {_pct(p)}" for v, p in r["percent"].items()]
                lines.append(f"  {label}：" + "，".join(parts))
    elif "options" in q and q["type"] == "ranking":
        for v, o in q["options"].items():
            lines.append(
                f"  {labels.get(v, v)}：平均排名 {_num(o['mean_rank'])}，"
                f"排第一 {_pct(o['first_place_percent'])}"
            )
    elif "category" in q:
        name = KANO_NAMES.get(q["category"], "—")
        lines.append(
            f"  Kano 类别：{name}；Better = {_num(q['better'])}，Worse = {_num(q['worse'])}"
        )
    elif "mean" in q:
        lines.append(
            f"  均值 {_num(q['mean'])}{_ci(q['ci'], _num)}"
            f"，标准差 {_num(q['sd'])}，中位数 {_num(q['median'])}，"
            f"四分位 {_num(q['q1'])}–{_num(q['q3'])}"
        )
        if "csat" in q:
            lines.append(f"  CSAT（满意及以上）{_pct(q['csat']['percent'])}{_ci(q['csat']['ci'])}")
    elif "percent" in q:
        for v, p in q["percent"].items():
            lines.append(f"  {labels.get(v, v)}：{q['counts'][v]}（{_pct(p)}）{_ci(q['ci'][v])}")
        if q.get("other_texts"):
            lines.append("  其他（请注明）：" + "；".join(q["other_texts"][:10]))
    if q.get("not_scored"):
        names = "、".join(f"“{labels.get(v, v)}”" for v in q["not_scored"])
        lines.append(f"  {names}未计入均值等基于分值的统计")
    return lines


def _value_label(summary: dict[str, Any], column: str, value: str) -> str:
    """The option label of `value` in `column` (a question id or `qid/row` column)."""
    q = summary["questions"].get(column.split("/")[0], {})
    label: str = q.get("labels", {}).get(value, value)
    return label


def _comparison_lines(summary: dict[str, Any], c: dict[str, Any]) -> list[str]:
    """A group comparison: the test, the difference with its interval, the effect size with
    its interval, why this test, cautions, pairs and the groups."""

    def label(g: str) -> str:
        return _value_label(summary, c["by"], g)

    effect = EFFECT_NAMES.get(c["effect_size_name"], "")
    head = (
        f"{c['metric']} 按 {c['by']}{_mark(c)}：{TEST_NAMES.get(c['test'], '无检验')}，"
        f"统计量 {_num(c['statistic'])}，{_p(c['p'])}（BH 校正 {_p(c.get('p_adjusted'))}）"
    )
    if effect:
        head += f"，效应量 {effect} = {_num(c['effect_size'], 3)}"
        head += _ci(c.get("effect_size_ci"), _num3)
    lines = [head]
    names = list(c["groups"])
    diff = c.get("difference")
    if diff and len(names) == 2:
        lines.append(
            f"  均值差（{label(names[0])} − {label(names[1])}）= {_num(diff['difference'])}"
            f"{_ci([diff['ci_low'], diff['ci_high']], _num)}"
        )
    prop = c.get("proportion_difference")
    if prop and len(names) == 2:
        pct = [None if v is None else v * 100 for v in (prop["difference"], prop["ci_low"])]
        high = None if prop["ci_high"] is None else prop["ci_high"] * 100
        lines.append(
            f"  比例差（{label(names[0])} − {label(names[1])}）= {_num1(pct[0])} 个百分点"
            f"{_ci([pct[1], high], _num1)}，Newcombe 区间，Cohen's h = {_num(prop['cohens_h'], 3)}"
        )
    lines.append(f"  选择理由：{REASONS.get(c['reason'], c['reason'])}")
    if c.get("caution"):
        groups = "、".join(label(g) for g in c["constant_groups"])
        lines.append("  " + CAUTIONS[c["caution"]].format(groups=groups))
    for pair in c.get("posthoc", []):
        interval = _ci(pair.get("ci"), _num) if pair.get("ci") else ""
        diff_text = f"差 {_num(pair['difference'])}{interval}，" if "difference" in pair else ""
        lines.append(
            f"  {label(pair['a'])} 与 {label(pair['b'])}：{diff_text}"
            f"{POSTHOC_NAMES.get(pair['method'], pair['method'])} {_p(pair['p_adjusted'])}"
        )
    for d in c.get("nps_differences", []):
        a, b = label(d["a"]), label(d["b"])
        lines.append(
            f"  NPS 差（{a} − {b}）{_mark(d)}= {_num(d['difference'], 1)}"
            f"{_ci([d['ci_low'], d['ci_high']], _num1)}，{_p(d['p'])}"
            f"（Holm 校正 {_p(d['p_adjusted'])}）"
        )
    for name, g in c["groups"].items():
        lines.append(
            f"  {label(name)}：n = {g['n']}，均值 {_num(g['mean'])}，中位数 {_num(g['median'])}"
        )
    return lines


def _within_lines(title: str, t: dict[str, Any], what: str) -> list[str]:
    """A paired or one-sample test: the test, the estimate with its interval, the effect."""
    name = TEST_NAMES.get(t["test"], t["test"])
    if t["test"] == "wilcoxon_signed_rank":
        what = "中位数差值" if what == "差值" else "中位数"
    interval = _ci([t.get("ci_low"), t.get("ci_high")], _num) if "ci_low" in t else ""
    line = f"{title}（n = {t['n']}）：{name}，{what} {_num(t['estimate'])}{interval}，{_p(t['p'])}"
    effect = t.get("effect_size") or {}
    if effect.get("value") is not None:
        label = EFFECT_NAMES.get(effect.get("name") or "", effect.get("name"))
        line += f"，{label} = {_num(effect['value'], 3)}"
        line += _ci([effect.get("ci_low"), effect.get("ci_high")], _num3)
    lines = [line]
    if t.get("note") == "unweighted":
        lines.append("  符号秩检验没有加权形式，此项未加权")
    if t.get("caution"):
        lines.append("  " + CAUTIONS[t["caution"]])
    return lines


#: Sections of the report as the weighting sentence names them.
SECTION_NAMES = {
    "crosstabs": "交叉表（Rao–Scott 校正卡方检验）",
    "correlations": "相关分析",
    "comparisons": "组间比较",
    "scales": "量表信度（α）",
    "drivers": "关键驱动因素",
    "nps_differences": "分组 NPS 差",
    "paired_tests": "配对检验",
    "one_sample_tests": "单样本检验",
    "banners": "横幅表",
    "correlation_matrix": "相关矩阵",
}
UNWEIGHTED_MARK = "（未加权）"


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
    weighted = ["各题百分比、均值、NPS、CSAT、SUS 及其置信区间（线性化标准误）"]
    unweighted: list[str] = []
    for section, results in _section_results(summary).items():
        if results:
            done = all(r.get("weighted") for r in results)
            (weighted if done else unweighted).append(SECTION_NAMES[section])
    line = "已加权（调查权重）：" + "、".join(weighted)
    if unweighted:
        line += "；未加权：" + "、".join(unweighted)
    line += "；频数为未加权的答卷数"
    if summary.get("zero_weight"):
        line += f"；权重为 0 的答卷 {summary['zero_weight']} 份未计入"
    return line


def _mark(result: dict[str, Any]) -> str:
    return UNWEIGHTED_MARK if result.get("unweighted_note") else ""


def _crosstab_stat(t: dict[str, Any]) -> str:
    if t["test"] == "chi2":
        return f"χ² = {_num(t['chi2'])}，df = {t['dof']}，"
    if t["test"] == "rao_scott" and t.get("f") is not None:
        return (
            f"F = {_num(t['f'])}，自由度 {_num(t['ndf'])} 与 {_num(t['ddf'], 1)}"
            f"（加权 χ² = {_num(t['chi2'])}），"
        )
    return ""


def format_report(summary: dict[str, Any]) -> str:
    """Chinese plain-text report of a `summarise` result."""
    lines = [f"样本量：{summary['n']}（共 {summary['n_total']} 份答卷）"]
    quality = summary["quality"]
    flagged = "，".join(f"{QUALITY_NAMES[k]} {quality[k]}" for k in QUALITY_NAMES if quality[k])
    threshold = f"质量分达到 {quality['threshold']:g}"
    lines.append(
        f"数据质量：{flagged or '无可疑信号'}；{threshold}（被标记）{quality['flagged']} 份"
    )
    if summary["excluded"]:
        lines.append(f"已排除被标记的答卷 {summary['excluded']} 份")
    if summary["filtered_out"]:
        lines.append(f"按筛选条件排除 {summary['filtered_out']} 份")
    if summary["weighted"]:
        lines.append(weighting_sentence(summary))
    lines.append("")
    for qid, q in summary["questions"].items():
        lines += _question_lines(qid, q)
    if summary["crosstabs"]:
        lines += ["", "== 交叉分析 =="]
    for t in summary["crosstabs"]:
        test = TEST_NAMES.get(t["test"], "无法检验")
        stat = _crosstab_stat(t)
        lines.append(
            f"{t['row']} × {t['col']}（n = {t['n']}）：{test}，{stat}{_p(t['p'])}"
            f"（BH 校正 {_p(t.get('p_adjusted'))}），Cramér's V = {_num(t['cramers_v'], 3)}"
        )
        lines += ["  " + _cell_text(summary, t, cell) for cell in notable_cells(t)]
    if summary["comparisons"]:
        lines += ["", "== 组间比较 =="]
    for c in summary["comparisons"]:
        lines += _comparison_lines(summary, c)
    if summary.get("paired_tests") or summary.get("one_sample_tests"):
        lines += ["", "== 配对与单样本检验 =="]
    for t in summary.get("paired_tests", []):
        lines += _within_lines(f"{t['first']} − {t['second']}", t, "差值")
    for t in summary.get("one_sample_tests", []):
        lines += _within_lines(f"{t['column']} 对比 {_num(t['value'])}", t, "均值")
    if summary.get("correlations"):
        lines += ["", "== 相关分析 =="]
    for c in summary.get("correlations", []):
        name = "Pearson r" if c["method"] == "pearson" else "Spearman ρ"
        lines.append(
            f"{c['x']} 与 {c['y']}：{name} = {_num(c['r'], 3)}"
            f"{_ci([c['ci_low'], c['ci_high']], _num3)}，{_p(c['p'])}，n = {c['n']}"
        )
    if summary["scales"]:
        lines += ["", "== 量表信度 =="]
    for name, s in summary["scales"].items():
        lines += _scale_lines(name, s, summary["weighted"])
    if "sus" in summary:
        s = summary["sus"]
        lines += [
            "",
            f"SUS 得分 {_num(s['score'], 1)}{_ci(s['ci'], _num1)}，等级 {s['grade']}",
        ]
    if "ipa" in summary:
        lines += ["", "== 重要性–表现分析 =="]
        for a in summary["ipa"]["attributes"].values():
            lines.append(
                f"{a['label']}：重要性 {_num(a['importance'])}，表现 {_num(a['performance'])}，"
                f"{IPA_NAMES[a['quadrant']]}"
            )
    if "drivers" in summary:
        lines += _driver_lines(summary["drivers"])
    if "correlation_matrix" in summary:
        lines += _matrix_lines(summary["correlation_matrix"], summary["weighted"])
    if summary.get("banners"):
        lines += ["", "== 横幅表 =="]
    for b in summary.get("banners", []):
        lines += _banner_lines(b)
    return "\n".join(lines) + "\n"


BANNER_TESTS = {
    "z_pooled": "两比例 z 检验（合并方差，同 SPSS 列比例比较）",
    "t_pooled": "两样本 t 检验（两列合并方差）",
    "z_linearised": "加权 z 检验（设计标准误，线性化）",
}
CORRECTION_NAMES = {"bonferroni": "Bonferroni 校正", "holm": "Holm 校正", "none": "未校正"}
UNWEIGHTED = "（未加权）"


def _scale_lines(name: str, s: dict[str, Any], weighted: bool) -> list[str]:
    lines = [
        f"{name}：Cronbach's α = {_num(s['alpha'], 3)}"
        f"{_ci([s['ci_low'], s['ci_high']], _num3)}，{s['k']} 题，n = {s['n']}"
        + ("（加权）" if s.get("weighted") else UNWEIGHTED if weighted else "")
    ]
    if s.get("reverse"):
        lines.append("  反向计分（最小值 + 最大值 − 原分）：" + "、".join(s["reverse"]))
    if s.get("caution"):
        lines.append("  " + CAUTIONS[s["caution"]])
    for item, a in s["item_analysis"].items():
        mean = f"均值 {_num(a['mean'])}，标准差 {_num(a['sd'])}，" if "mean" in a else ""
        lines.append(
            f"  {item}：{mean}校正题总相关 {_num(a['item_total_r'], 3)}，"
            f"删除后 α = {_num(a['alpha_if_deleted'], 3)}"
        )
    return lines


def _driver_lines(d: dict[str, Any]) -> list[str]:
    se = "设计标准误（线性化，加权）" if d.get("weighted") else "OLS 标准误"
    lines = ["", f"== 关键驱动因素（{d['outcome']}，R² = {_num(d['r_squared'], 3)}，{se}）=="]
    for name, v in d["drivers"].items():
        beta = (
            f"{_num(v['beta'], 3)}（SE {_num(v.get('beta_se'), 3)}，{_p(v.get('beta_p'))}）"
            if v.get("beta_determined", True) or d.get("caution") != "collinear_drivers"
            else "无法确定（与其他因素完全重合）"
        )
        lines.append(
            f"{name}：r = {_num(v['r'], 3)}，标准化 β = {beta}，"
            f"LMG = {_num(v.get('lmg'), 3)}，相对权重 = {_num(v.get('relative_weight'), 3)}"
            f"（占 R² {_pct(_times100(v.get('relative_weight_share')))}），"
            f"VIF = {_num(v.get('vif'))}"
        )
    if d.get("caution"):
        lines.append(CAUTIONS[d["caution"]] + "：" + "、".join(d.get("collinear", [])))
    lines += [f"注：{note}" for note in d.get("notes", [])]
    return lines


def _times100(v: float | None) -> float | None:
    return None if v is None else v * 100


def _matrix_lines(m: dict[str, Any], weighted: bool) -> list[str]:
    name = "Pearson r" if m["method"] == "pearson" else "Spearman ρ"
    note = "" if m.get("weighted") or not weighted else UNWEIGHTED
    lines = ["", f"== 相关矩阵（{name}，成对删除，BH 校正）{note} =="]
    cols = m["columns"]
    for i, x in enumerate(cols):
        for j in range(i + 1, len(cols)):
            lines.append(
                f"{x} 与 {cols[j]}：{_num(m['r'][i][j], 3)}，n = {m['n'][i][j]}，"
                f"{_p(m['p'][i][j])}（BH 校正 {_p(m['p_adjusted'][i][j])}）"
            )
    return lines


def _banner_lines(b: dict[str, Any]) -> list[str]:
    """One banner as text: a header naming each column's letter, then a line per row."""
    tests = b["tests"]
    used = [
        f"{what}：{BANNER_TESTS[t]}"
        for what, t in (("列比例", tests["proportions"]), ("列均值", tests["means"]))
        if t
    ]
    lines = [
        f"{b['row']} × {'、'.join(x['question'] for x in b['banners'])}"
        f"（{'；'.join(used)}，{CORRECTION_NAMES[tests['correction']]}，"
        f"α = {b['alpha']:g}{'，加权' if b['weighted'] else '，未加权'}）"
    ]
    heads = ["总计"] + [f"{c['label']}({c['letter']})" for c in b["columns"][1:]]
    lines.append(
        "  列：" + " | ".join(f"{h} n={c['n']}" for h, c in zip(heads, b["columns"], strict=True))
    )
    share = "（占作答者 %）" if b["row_kind"] == "multiple" else ""
    for r in b["rows"]:
        cells = [
            f"{_pct(p)}{''.join(letters)}"
            for p, letters in zip(r["percent"], r["letters"], strict=True)
        ]
        lines.append(f"  {r['label']}{share}：" + " | ".join(cells))
    if b.get("mean"):
        m = b["mean"]
        cells = [f"{_num(v)}{''.join(x)}" for v, x in zip(m["mean"], m["letters"], strict=True)]
        lines.append("  均值：" + " | ".join(cells))
    lines.append("  字母表示该列显著高于所标字母的列（同一列变量内比较）")
    return lines
