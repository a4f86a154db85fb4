"""What to say about a result, decided once: statements of codes and numbers, no language.

The CLI's Chinese report (`narrative.format_report`) renders these statements from the shared
catalogue (`surveys.problems`); the web (`app.results.sentences`) renders the same statements
through Flask-Babel. So the two can differ in wording but never in a rule: which p is
significant, which cell stands out, how strong an association is, which caution applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys import problems

#: The significance level of the plain-language sentences (the engine reports exact p).
ALPHA = 0.05
#: |adjusted residual| above this marks a cell off independence at the 5 % level: the
#: two-sided normal critical value (Agresti, *Categorical Data Analysis*, 3rd ed., §2.4.5).
RESIDUAL_CRITICAL = 1.96
#: Cohen (1988, §7.2) for w (Cramér's V on a 2 × k table): small 0.1, medium 0.3, large 0.5.
STRENGTHS = ((0.1, "negligible"), (0.3, "weak"), (0.5, "moderate"))


@dataclass(frozen=True)
class Statement:
    """One thing to say: `code` names the sentence, `params` holds its numbers and values."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = problems.DEFAULT_LOCALE, **labels: Any) -> str:
        return problems.message(self.code, locale, **self.params, **labels)


def significant(p: float | None, alpha: float = ALPHA) -> bool:
    return p is not None and p < alpha


def notable_residual(residual: float | None) -> bool:
    """Whether a cell's adjusted residual is off independence: |z| > 1.96 (strictly)."""
    return residual is not None and abs(residual) > RESIDUAL_CRITICAL


def strength(cramers_v: float | None) -> str | None:
    """Cohen's label for an association's effect size: negligible, weak, moderate, strong."""
    if cramers_v is None:
        return None
    return next((name for limit, name in STRENGTHS if cramers_v < limit), "strong")


def format_p(p: float | None) -> str:
    """APA style: "p = 0.032", and "p < 0.001" rather than a misleading "p = 0.000"."""
    if p is None:
        return "p = —"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def caution(code: str, **params: Any) -> Statement:
    """The engine's `caution` *code* of a result, said to the reader (`caution_<code>`)."""
    return Statement(f"caution_{code}", params)


def notable_cells(crosstab: dict[str, Any]) -> list[Statement]:
    """Every cell whose residual is off independence, row by row, as above/below statements."""
    out = []
    for i, row in enumerate(crosstab.get("residuals") or []):
        for j, residual in enumerate(row):
            if notable_residual(residual):
                out.append(
                    Statement(
                        "crosstab_cell_above" if residual > 0 else "crosstab_cell_below",
                        {"row": i, "col": j, "residual": residual, **_residual_kind(crosstab)},
                    )
                )
    return out


def crosstab_statements(crosstab: dict[str, Any], alpha: float = ALPHA) -> list[Statement]:
    """The verdict on a cross-tabulation, then the cell most off chance (when related), then
    the caution on small expected counts. `row`/`col` in a cell statement are indexes."""
    p = crosstab.get("p")
    if not crosstab.get("n") or p is None:
        statements = [Statement("crosstab_untestable")]
    else:
        v = crosstab.get("cramers_v")
        verdict = "crosstab_related" if significant(p, alpha) else "crosstab_unrelated"
        statements = [
            Statement(
                verdict,
                {
                    "test": crosstab.get("test"),
                    "chi2": crosstab.get("chi2"),
                    "dof": crosstab.get("dof"),
                    "p": p,
                    "n": crosstab["n"],
                    "cramers_v": v,
                    "strength": strength(v),
                },
            )
        ]
        cells = notable_cells(crosstab)
        if significant(p, alpha) and cells:
            most = max(cells, key=lambda s: abs(s.params["residual"]))
            statements.append(Statement("crosstab_most_different", most.params))
    if crosstab.get("small_expected"):  # the engine's StatsWarning, said to the reader
        statements.append(Statement("caution_small_expected"))
    return statements


def _residual_kind(crosstab: dict[str, Any]) -> dict[str, str]:
    """Weighted tables carry standardised (Rao–Scott) residuals, unweighted ones adjusted."""
    return {"kind": "standardised" if crosstab.get("weighted") else "adjusted"}


# (zh_CN, en) templates of the statements; labels (`row_label`, `residual_name`…) come from
# the renderer, which knows the questionnaire's option labels.
problems.register(
    {
        "crosstab_cell_above": (
            "{row_label} / {col_label}：高于独立时的期望（{residual_name} {residual:.2f}）",
            "{row_label} / {col_label}: above what independence expects "
            "({residual_name} {residual:.2f})",
        ),
        "crosstab_cell_below": (
            "{row_label} / {col_label}：低于独立时的期望（{residual_name} {residual:.2f}）",
            "{row_label} / {col_label}: below what independence expects "
            "({residual_name} {residual:.2f})",
        ),
        "residual_adjusted": ("调整残差", "adjusted residual"),
        "residual_standardised": ("标准化残差", "standardised residual"),
    }
)
