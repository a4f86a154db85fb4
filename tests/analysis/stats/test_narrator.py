"""One narrator: the rules of what to say about a result, shared by the CLI and the web."""

import pandas as pd
import pytest

from analysis.stats import crosstab
from analysis.stats.narrative import format_report
from analysis.stats.narrator import (
    crosstab_statements,
    format_p,
    notable_cells,
    notable_residual,
    strength,
)
from analysis.stats.report import summarise


def crosstab_with_residual(residual: float, p: float = 0.01) -> dict:
    """A 2 × 2 result whose first cell has `residual` (the others mirror it)."""
    return {
        "row": "gender", "col": "pet", "row_values": ["m", "f"], "col_values": ["cat", "dog"],
        "n": 80, "test": "chi2", "chi2": 6.1, "dof": 1, "p": p, "p_adjusted": p,
        "cramers_v": 0.28, "small_expected": False,
        "residuals": [[residual, -residual], [-residual, residual]],
    }  # fmt: skip


def test_a_residual_of_exactly_1_96_is_not_notable_the_literature_uses_a_strict_bound():
    # |z| > 1.96 is the two-sided 5 % critical value (Agresti 2013, §2.4.5); 1.96 itself is not
    # beyond it. The web once used >= and the CLI >; now both ask `notable_residual`.
    assert not notable_residual(1.96) and not notable_residual(-1.96)
    assert notable_residual(1.9601) and notable_residual(-1.97)
    assert not notable_residual(None)
    assert notable_cells(crosstab_with_residual(1.96)) == []
    codes = [s.code for s in crosstab_statements(crosstab_with_residual(1.96))]
    assert codes == ["crosstab_related"]


def test_above_and_below_cells_are_stated_with_their_indexes():
    cells = notable_cells(crosstab_with_residual(-2.5))
    assert [(s.code, s.params["row"], s.params["col"]) for s in cells] == [
        ("crosstab_cell_below", 0, 0),
        ("crosstab_cell_above", 0, 1),
        ("crosstab_cell_above", 1, 0),
        ("crosstab_cell_below", 1, 1),
    ]


def test_the_most_different_cell_is_said_only_when_the_table_is_significant():
    related = crosstab_statements(crosstab_with_residual(2.5, p=0.01))
    assert [s.code for s in related] == ["crosstab_related", "crosstab_most_different"]
    unrelated = crosstab_statements(crosstab_with_residual(2.5, p=0.05))  # p = α is not < α
    assert [s.code for s in unrelated] == ["crosstab_unrelated"]


def test_untestable_tables_and_small_expected_counts_are_stated():
    table = crosstab_with_residual(0.5) | {"p": None, "small_expected": True}
    assert [s.code for s in crosstab_statements(table)] == [
        "crosstab_untestable",
        "caution_small_expected",
    ]


def test_strength_labels_follow_cohens_conventions_at_their_bounds():
    # Cohen (1988) §7.2.3: w = 0.1 small, 0.3 medium, 0.5 large
    assert [strength(v) for v in (0.0, 0.099, 0.1, 0.299, 0.3, 0.499, 0.5, 0.9)] == [
        "negligible", "negligible", "weak", "weak", "moderate", "moderate", "strong", "strong",
    ]  # fmt: skip
    assert strength(None) is None


def test_statements_carry_the_engines_numbers_checked_by_hand():
    # [[30, 10], [10, 30]], n = 80: every expected count is 20 and every margin share 1/2, so
    # the adjusted residual is (30 - 20) / sqrt(20 · (1 - 1/2) · (1 - 1/2)) = 10 / √5 = 4.4721;
    # φ = (30·30 - 10·10) / √(40·40·40·40) = 800 / 1600 = 0.5 = Cramér's V, "strong".
    rows = [("a", "x")] * 30 + [("a", "y")] * 10 + [("b", "x")] * 10 + [("b", "y")] * 30
    result = crosstab(pd.DataFrame(rows, columns=["r", "c"]), "r", "c")
    verdict, most = crosstab_statements(result)
    assert verdict.code == "crosstab_related" and verdict.params["strength"] == "strong"
    assert verdict.params["cramers_v"] == pytest.approx(0.5)
    assert most.code == "crosstab_most_different"
    assert abs(most.params["residual"]) == pytest.approx(10 / 5**0.5)


def test_p_is_written_the_apa_way():
    assert [format_p(p) for p in (0.0321, 0.00099, 0.001, None)] == [
        "p = 0.032",
        "p < 0.001",
        "p = 0.001",
        "p = —",
    ]


def test_the_cli_prints_the_narrators_cells_and_nothing_at_the_bound():
    def options(*pairs):
        return [{"value": v, "label": label} for v, label in pairs]

    definition = {
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {"id": "gender", "type": "single_choice", "title": "性别",
                     "options": options(("m", "男"), ("f", "女"))},
                    {"id": "pet", "type": "single_choice", "title": "宠物",
                     "options": options(("cat", "猫"), ("dog", "狗"))},
                ],
            }
        ]
    }  # fmt: skip
    frame = pd.DataFrame({"gender": ["m", "m", "f", "f"] * 5, "pet": ["cat", "dog"] * 10})
    summary = summarise(definition, frame, crosstabs=[("gender", "pet")])

    def report(residual: float) -> str:
        summary["crosstabs"][0]["residuals"] = crosstab_with_residual(residual)["residuals"]
        return format_report(summary)

    assert "独立时的期望" not in report(1.96)
    assert "  男 / 猫：高于独立时的期望（调整残差 1.97）" in report(1.97)
    assert "  男 / 狗：低于独立时的期望（调整残差 -1.97）" in report(1.97)
