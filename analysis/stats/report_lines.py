"""The lines of the CLI report (`narrative.format_report`), in the one catalogue
(`surveys.problems`), Chinese and English. Numbers arrive formatted (`narrative` rounds them);
a template only places them. Codes are `report_<what>`.
"""

from __future__ import annotations

from surveys import problems

LINES: dict[str, tuple[str, str]] = {
    # pieces
    "ci": ("（95% CI {low} 至 {high}）", " (95% CI {low} to {high})"),
    "list": ("、", ", "),
    "comma": ("，", ", "),
    "semicolon": ("；", "; "),
    "unweighted_mark": ("（未加权）", " (unweighted)"),
    "weighted_mark": ("（加权）", " (weighted)"),
    "caution_items": ("{caution}：{items}", "{caution}: {items}"),
    "note": ("注：{note}", "Note: {note}"),
    # header and weighting sentence
    "sample": ("样本量：{n}（共 {total} 份答卷）", "Sample size: {n} (of {total} responses)"),
    "quality": (
        "数据质量：{flagged}；质量分达到 {threshold}（被标记）{count} 份",
        "Data quality: {flagged}; quality score of {threshold} or more (flagged): {count}",
    ),
    "quality_clean": ("无可疑信号", "no suspicious signals"),
    "quality_count": ("{name} {count}", "{name} {count}"),
    "excluded": ("已排除被标记的答卷 {n} 份", "{n} flagged responses excluded"),
    "filtered_out": ("按筛选条件排除 {n} 份", "{n} responses excluded by the filter"),
    "weighted_basics": (
        "各题百分比、均值、NPS、CSAT、SUS 及其置信区间（线性化标准误）",
        "each question's percentages, means, NPS, CSAT, SUS and their confidence intervals "
        "(linearised standard errors)",
    ),
    "weighted": ("已加权（调查权重）：{sections}", "Weighted (survey weights): {sections}"),
    "unweighted_sections": ("；未加权：{sections}", "; unweighted: {sections}"),
    "counts_unweighted": ("；频数为未加权的答卷数", "; counts are unweighted numbers of responses"),
    "zero_weight": ("；权重为 0 的答卷 {n} 份未计入", "; {n} responses of weight 0 not counted"),
    # questions
    "question": (
        "【{qid}】{title}  （有效 {n}，缺失 {missing}）",
        "[{qid}] {title}  (valid {n}, missing {missing})",
    ),
    "nps": (
        "  NPS = {nps}{ci}；推荐者 {promoters}，中立者 {passives}，贬损者 {detractors}",
        "  NPS = {nps}{ci}; promoters {promoters}, passives {passives}, detractors {detractors}",
    ),
    "matrix_row_mean": (
        "  {label}：均值 {mean}{ci}，前两项 {top2}，后两项 {bottom2}",
        "  {label}: mean {mean}{ci}, top two {top2}, bottom two {bottom2}",
    ),
    "labelled": ("  {label}：{text}", "  {label}: {text}"),
    "ranking": (
        "  {label}：平均排名 {mean_rank}，排第一 {first}",
        "  {label}: mean rank {mean_rank}, ranked first {first}",
    ),
    "kano": (
        "  Kano 类别：{name}；Better = {better}，Worse = {worse}",
        "  Kano category: {name}; Better = {better}, Worse = {worse}",
    ),
    "mean": (
        "  均值 {mean}{ci}，标准差 {sd}，中位数 {median}，四分位 {q1}–{q3}",
        "  mean {mean}{ci}, SD {sd}, median {median}, quartiles {q1}–{q3}",
    ),
    "csat": ("  CSAT（满意及以上）{percent}{ci}", "  CSAT (satisfied or better) {percent}{ci}"),
    "option": ("  {label}：{count}（{percent}）{ci}", "  {label}: {count} ({percent}){ci}"),
    "other_texts": ("  其他（请注明）：{texts}", "  Other (please specify): {texts}"),
    "not_scored": (
        "  {names}未计入均值等基于分值的统计",
        "  {names} not counted in the mean and other score-based figures",
    ),
    # headings
    "heading_crosstabs": ("== 交叉分析 ==", "== Cross-tabulations =="),
    "heading_comparisons": ("== 组间比较 ==", "== Group comparisons =="),
    "heading_within": ("== 配对与单样本检验 ==", "== Paired and one-sample tests =="),
    "heading_correlations": ("== 相关分析 ==", "== Correlations =="),
    "heading_scales": ("== 量表信度 ==", "== Scale reliability =="),
    "heading_ipa": ("== 重要性–表现分析 ==", "== Importance–performance analysis =="),
    "heading_banners": ("== 横幅表 ==", "== Banner tables =="),
    # crosstabs, correlations, SUS, IPA
    "crosstab": (
        "{row} × {col}（n = {n}）：{test}，{stat}{p}（BH 校正 {p_adjusted}），Cramér's V = {v}",
        "{row} × {col} (n = {n}): {test}, {stat}{p} (BH-adjusted {p_adjusted}), Cramér's V = {v}",
    ),
    "crosstab_chi2": ("χ² = {chi2}，df = {dof}，", "χ² = {chi2}, df = {dof}, "),
    "crosstab_rao_scott": (
        "F = {f}，自由度 {ndf} 与 {ddf}（加权 χ² = {chi2}），",
        "F = {f}, df {ndf} and {ddf} (weighted χ² = {chi2}), ",
    ),
    "correlation": (
        "{x} 与 {y}：{name} = {r}{ci}，{p}，n = {n}",
        "{x} and {y}: {name} = {r}{ci}, {p}, n = {n}",
    ),
    "sus": ("SUS 得分 {score}{ci}，等级 {grade}", "SUS score {score}{ci}, grade {grade}"),
    "ipa": (
        "{label}：重要性 {importance}，表现 {performance}，{quadrant}",
        "{label}: importance {importance}, performance {performance}, {quadrant}",
    ),
    # comparisons
    "comparison": (
        "{metric} 按 {by}{mark}：{test}，统计量 {statistic}，{p}（BH 校正 {p_adjusted}）",
        "{metric} by {by}{mark}: {test}, statistic {statistic}, {p} (BH-adjusted {p_adjusted})",
    ),
    "effect_size": ("，效应量 {name} = {value}{ci}", ", effect size {name} = {value}{ci}"),
    "mean_difference": (
        "  均值差（{a} − {b}）= {difference}{ci}",
        "  difference of means ({a} − {b}) = {difference}{ci}",
    ),
    "proportion_difference": (
        "  比例差（{a} − {b}）= {difference} 个百分点{ci}，Newcombe 区间，Cohen's h = {h}",
        "  difference of proportions ({a} − {b}) = {difference} percentage points{ci}, "
        "Newcombe interval, Cohen's h = {h}",
    ),
    "reason": ("  选择理由：{reason}", "  why this test: {reason}"),
    "pair": ("  {a} 与 {b}：{difference}{method} {p}", "  {a} and {b}: {difference}{method} {p}"),
    "pair_difference": ("差 {difference}{ci}，", "difference {difference}{ci}, "),
    "nps_difference": (
        "  NPS 差（{a} − {b}）{mark}= {difference}{ci}，{p}（Holm 校正 {p_adjusted}）",
        "  NPS difference ({a} − {b}){mark} = {difference}{ci}, {p} (Holm-adjusted {p_adjusted})",
    ),
    "group": (
        "  {label}：n = {n}，均值 {mean}，中位数 {median}",
        "  {label}: n = {n}, mean {mean}, median {median}",
    ),
    # paired and one-sample tests
    "within": (
        "{title}（n = {n}）：{test}，{what} {estimate}{ci}，{p}",
        "{title} (n = {n}): {test}, {what} {estimate}{ci}, {p}",
    ),
    "within_effect": ("，{name} = {value}{ci}", ", {name} = {value}{ci}"),
    "one_sample_title": ("{column} 对比 {value}", "{column} against {value}"),
    "what_difference": ("差值", "difference"),
    "what_mean": ("均值", "mean"),
    "what_median_difference": ("中位数差值", "median difference"),
    "what_median": ("中位数", "median"),
    "signed_rank_unweighted": (
        "  符号秩检验没有加权形式，此项未加权",
        "  the signed-rank test has no weighted form: this one is unweighted",
    ),
    # scales
    "scale": (
        "{name}：Cronbach's α = {alpha}{ci}，{k} 题，n = {n}{mark}",
        "{name}: Cronbach's α = {alpha}{ci}, {k} items, n = {n}{mark}",
    ),
    "scale_reverse": (
        "  反向计分（最小值 + 最大值 − 原分）：{items}",
        "  reverse-keyed (minimum + maximum − score): {items}",
    ),
    "scale_item": (
        "  {item}：{mean}校正题总相关 {r}，删除后 α = {alpha}",
        "  {item}: {mean}corrected item–total r {r}, α if deleted {alpha}",
    ),
    "scale_item_mean": ("均值 {mean}，标准差 {sd}，", "mean {mean}, SD {sd}, "),
    # drivers
    "drivers_heading": (
        "== 关键驱动因素（{outcome}，R² = {r2}，{se}）==",
        "== Key drivers ({outcome}, R² = {r2}, {se}) ==",
    ),
    "se_design": (
        "设计标准误（线性化，加权）",
        "design-based standard errors (linearised, weighted)",
    ),
    "se_ols": ("OLS 标准误", "OLS standard errors"),
    "driver": (
        "{name}：r = {r}，标准化 β = {beta}，LMG = {lmg}，相对权重 = {rw}（占 R² {share}），"
        "VIF = {vif}",
        "{name}: r = {r}, standardised β = {beta}, LMG = {lmg}, relative weight = {rw} "
        "({share} of R²), VIF = {vif}",
    ),
    "driver_beta": ("{beta}（SE {se}，{p}）", "{beta} (SE {se}, {p})"),
    "driver_undetermined": (
        "无法确定（与其他因素完全重合）",
        "undetermined (fully overlaps other drivers)",
    ),
    # correlation matrix
    "matrix_heading": (
        "== 相关矩阵（{name}，成对删除，BH 校正）{note} ==",
        "== Correlation matrix ({name}, pairwise deletion, BH correction){note} ==",
    ),
    "matrix_pair": (
        "{x} 与 {y}：{r}，n = {n}，{p}（BH 校正 {p_adjusted}）",
        "{x} and {y}: {r}, n = {n}, {p} (BH-adjusted {p_adjusted})",
    ),
    # banners
    "banner": (
        "{row} × {columns}（{tests}，{correction}，α = {alpha}{weighted}）",
        "{row} × {columns} ({tests}, {correction}, α = {alpha}{weighted})",
    ),
    "banner_test": ("{what}：{test}", "{what}: {test}"),
    "banner_proportions": ("列比例", "column proportions"),
    "banner_means": ("列均值", "column means"),
    "banner_weighted": ("，加权", ", weighted"),
    "banner_unweighted": ("，未加权", ", unweighted"),
    "banner_total": ("总计", "total"),
    "banner_columns": ("  列：{columns}", "  columns: {columns}"),
    "banner_share": ("（占作答者 %）", " (% of respondents)"),
    "banner_row": ("  {label}{share}：{cells}", "  {label}{share}: {cells}"),
    "banner_mean": ("  均值：{cells}", "  mean: {cells}"),
    "banner_legend": (
        "  字母表示该列显著高于所标字母的列（同一列变量内比较）",
        "  a letter marks a column significantly higher than the column it names (within the "
        "same banner question)",
    ),
}

problems.register({f"report_{code}": texts for code, texts in LINES.items()})
