"""The statistics engine: correct, explained numbers from a questionnaire's answers.

Entry point for the results page and the CLI:

    from analysis.stats import summarise, read_definition, read_responses
    summary = summarise(definition, frame, exclude_flagged=False, weights=None)

`summarise` returns a JSON-ready dict (see `report.summarise`). The building blocks are
importable one by one, each documented with its formula, reference and scipy/R equivalent:
estimates (Wilson, t intervals), descriptives (per question type), scores (NPS, CSAT, SUS,
Kano, IPA), crosstab, banner (banner tables, multiple-response sets, significance letters),
groups (Welch t / U / Welch ANOVA / Kruskal–Wallis, design-based under weights), differences
(intervals of differences, Newcombe, Games–Howell), effect_sizes (d, g, η², rank-biserial with
intervals), paired (paired / one-sample t, signed-rank, exact binomial), correlation (r, ρ),
matrix (correlation matrix), drivers (β with SEs, LMG, relative weights, VIF), scales
(Cronbach's alpha, item analysis), design (linearised variances), raking, corrections
(Benjamini–Hochberg, Holm), quality (reasons with their evidence, a score,
flags).
"""

from analysis.stats.banner import banner_table, multiple_response_table
from analysis.stats.corrections import benjamini_hochberg, holm
from analysis.stats.correlation import correlation
from analysis.stats.crosstab import adjusted_residuals, crosstab, independence_test
from analysis.stats.descriptives import describe_question
from analysis.stats.differences import mean_difference, proportion_difference
from analysis.stats.drivers import key_drivers
from analysis.stats.errors import StatsInputError, StatsWarning
from analysis.stats.estimates import mean_estimate, proportion, wilson_interval
from analysis.stats.groups import cohens_d, compare_groups, mann_whitney
from analysis.stats.matrix import correlation_matrix
from analysis.stats.narrative import format_report
from analysis.stats.paired import one_sample_test, paired_test, proportion_test
from analysis.stats.quality import (
    explain_responses,
    flag_responses,
    metric_shift,
    quality_summary,
)
from analysis.stats.report import json_ready, segment_mask, summarise
from analysis.stats.scales import cronbach_alpha
from analysis.stats.scores import (
    csat,
    importance_performance,
    kano,
    kano_category,
    nps,
    nps_difference,
    sus,
)
from analysis.stats.table import prepare_frame, read_definition, read_responses

__all__ = [
    "StatsInputError",
    "StatsWarning",
    "adjusted_residuals",
    "banner_table",
    "benjamini_hochberg",
    "cohens_d",
    "compare_groups",
    "correlation",
    "correlation_matrix",
    "cronbach_alpha",
    "crosstab",
    "csat",
    "describe_question",
    "explain_responses",
    "flag_responses",
    "format_report",
    "holm",
    "importance_performance",
    "independence_test",
    "json_ready",
    "kano",
    "kano_category",
    "key_drivers",
    "mann_whitney",
    "mean_difference",
    "mean_estimate",
    "metric_shift",
    "multiple_response_table",
    "nps",
    "nps_difference",
    "one_sample_test",
    "paired_test",
    "prepare_frame",
    "proportion",
    "proportion_difference",
    "proportion_test",
    "quality_summary",
    "read_definition",
    "read_responses",
    "segment_mask",
    "summarise",
    "sus",
    "wilson_interval",
]
