"""The web's crosstab sentence says what the narrator decides, worded through Flask-Babel."""

from app.results.sentences import crosstab_sentence

FIGURES = {
    "questions": {
        "gender": {"title": "性别", "labels": {"m": "男", "f": "女"}},
        "pet": {"title": "宠物", "labels": {"cat": "猫", "dog": "狗"}},
    }
}


def crosstab(residual: float, p: float = 0.01) -> dict:
    return {
        "row": "gender", "col": "pet", "row_values": ["m", "f"], "col_values": ["cat", "dog"],
        "n": 80, "test": "chi2", "chi2": 6.1, "dof": 1, "p": p, "cramers_v": 0.28,
        "small_expected": False, "residuals": [[residual, -residual], [-residual, residual]],
    }  # fmt: skip


def test_the_most_different_cell_needs_a_residual_beyond_1_96_as_in_the_cli(app):
    # The web once said a cell at exactly |z| = 1.96 stood out while the CLI did not; among
    # equal residuals the first cell (row by row) is named, as before.
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        at_bound = crosstab_sentence(crosstab(1.96), FIGURES)
        beyond = crosstab_sentence(crosstab(-1.97), FIGURES)
    assert at_bound == (
        "“性别” and “宠物” are related (χ²(1) = 6.10, p = 0.010; "
        "Cramér's V = 0.28, a weak association; n = 80)."
    )
    assert beyond.endswith(" Most different from chance: 男 × 猫 (adjusted residual -2.0).")


def test_the_sentence_is_chinese_for_chinese_readers(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        unrelated = crosstab_sentence(crosstab(2.5, p=0.2), FIGURES)
        untestable = crosstab_sentence(crosstab(0.0) | {"p": None}, FIGURES)
    assert "性别" in unrelated and "p = 0.200" in unrelated and "Most" not in unrelated
    assert "No evidence" not in unrelated and "Too few" not in untestable
