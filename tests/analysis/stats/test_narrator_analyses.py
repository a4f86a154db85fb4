"""The analysis builder's narrator: what is said about a result, decided once, as statements."""

from analysis.stats.narrator_analyses import (
    banner_statements,
    compare_statements,
    drivers_statements,
    matrix_statements,
    narrate,
)


def comparison(p: float | None, **extra) -> dict:
    return {
        "alpha": 0.05, "p": p, "test": "welch_t", "reason": "numeric_two_groups",
        "groups": {"a": {"n": 40}, "b": {"n": 40}}, "weighted": False,
        "difference": {"difference": 1.5, "ci_low": 0.5, "ci_high": 2.5, "confidence": 0.95},
        "effect_size": 0.4, "effect_size_name": "cohens_d",
    } | extra  # fmt: skip


def codes(statements) -> list[str]:
    return [s.code for s in statements]


def test_a_comparison_at_p_equal_to_alpha_is_not_significant():
    # the rule is p < α, strictly (the same `narrator.significant` as the crosstab sentences)
    assert (
        codes(compare_statements(comparison(0.0499), 30, False).lines)[0] == "compare_significant"
    )
    said = compare_statements(comparison(0.05), 30, False).lines
    assert codes(said) == [
        "compare_not_significant_two", "compare_mean_difference", "compare_effect_size",
    ]  # fmt: skip
    assert said[0].params["groups_compared"] == 2 and said[0].params["ranks"] is False


def test_a_comparison_of_three_groups_and_a_rank_test_say_so():
    three = comparison(0.2, test="kruskal_wallis", groups={k: {"n": 40} for k in "abc"})
    verdict = compare_statements(three, 30, False).lines[0]
    assert verdict.code == "compare_not_significant" and verdict.params["ranks"] is True


def test_pairs_are_said_only_when_their_adjusted_p_is_below_alpha():
    pairs = [
        {"a": "a", "b": "b", "method": "games_howell", "p_adjusted": 0.01},
        {"a": "a", "b": "c", "method": "games_howell", "p_adjusted": 0.05},
        {"a": "b", "b": "c", "method": "games_howell", "p_adjusted": None},
    ]
    res = comparison(0.01, posthoc=pairs, groups={k: {"n": 40} for k in "abc"})
    said = [s for s in compare_statements(res, 30, False).lines if s.code == "compare_pair_differs"]
    assert [(s.params["a"], s.params["b"], s.params["p"]) for s in said] == [("a", "b", 0.01)]


def test_comparison_cautions_small_groups_constant_groups_and_unweighted_tests():
    small = comparison(0.3, groups={"a": {"n": 29}, "b": {"n": 30}})
    cautions = compare_statements(small, 30, True).cautions
    assert codes(cautions) == ["compare_small_group", "compare_unweighted"]
    assert cautions[0].params == {"group": "a", "n": 29, "limit": 30}
    constant = comparison(None, caution="zero_variance_group", constant_groups=["b"])
    said = compare_statements(constant, 30, False)
    assert said.lines == [] and codes(said.cautions) == ["caution_zero_variance_group"]
    assert said.cautions[0].params == {"groups": ["b"]}
    single = compare_statements(comparison(None, reason="single_group"), 30, False)
    assert codes(single.cautions) == ["compare_single_group"]
    assert codes(compare_statements(comparison(None), 30, False).cautions) == ["compare_untestable"]


def test_the_strongest_significant_correlation_is_the_largest_absolute_r():
    matrix = {
        "alpha": 0.05, "method": "spearman", "weighted": False, "columns": ["x", "y", "z"],
        "r": [[1, 0.3, -0.6], [0.3, 1, None], [-0.6, None, 1]],
        "p_adjusted": [[0, 0.01, 0.02], [0.01, 0, None], [0.02, None, 0]],
        "n": [[50, 50, 48], [50, 50, 2], [48, 2, 50]],
    }  # fmt: skip
    said = matrix_statements(matrix, 30, True)
    assert codes(said.lines) == ["matrix_method", "matrix_strongest"]
    assert {k: said.lines[1].params[k] for k in ("x", "y", "r", "n")} == {
        "x": 0, "y": 2, "r": -0.6, "n": 48,
    }  # fmt: skip
    assert codes(said.cautions) == ["matrix_pair_undefined", "matrix_unweighted"]
    matrix["p_adjusted"] = [[0, 0.05, 0.2], [0.05, 0, None], [0.2, None, 0]]  # p = α: not < α
    assert codes(matrix_statements(matrix, 30, False).lines)[1] == "matrix_none_significant"


def test_banner_letters_and_small_columns():
    table = {
        "alpha": 0.05,
        "tests": {"proportions": "z_pooled", "means": None, "correction": "holm"},
        "columns": [{"n": 100}, {"n": 60}, {"n": 20}],
        "rows": [{"letters": [[], ["C"], []]}],
    }
    said = banner_statements(table, 30, False)
    assert codes(said.lines) == ["banner_letters", "banner_share_higher"]
    assert said.lines[1].params == {
        "row": 0, "col": 1, "lower": ["C"], "test": "z_pooled", "correction": "holm",
        "alpha": 0.05,
    }  # fmt: skip
    assert codes(said.cautions) == ["banner_small_column"] and said.cautions[0].params["col"] == 2
    table["rows"] = [{"letters": [[], [], []]}]
    assert codes(banner_statements(table, 30, False).lines)[1] == "banner_no_difference"


def test_drivers_name_the_largest_absolute_beta_and_why_weights_are_missing():
    res = {
        "r_squared": 0.4, "n": 25, "caution": "collinear_drivers", "weighted": False,
        "drivers": {"a": {"beta": 0.2}, "b": {"beta": -0.5}, "c": {"beta": None}},
    }  # fmt: skip
    said = narrate({"kind": "drivers", "result": res, "small_base": 30, "spec": {"weighted": True}})
    assert codes(said.lines) == ["drivers_beta", "drivers_largest"]
    assert said.lines[1].params == {"driver": "b", "beta": -0.5}
    assert codes(said.cautions) == [
        "caution_collinear_drivers", "drivers_small_base", "drivers_unweighted",
    ]  # fmt: skip
    none = drivers_statements(res | {"r_squared": None, "caution": None, "n": 40}, 30, False)
    assert none.lines == [] and codes(none.cautions) == ["drivers_too_few"]


def test_the_matrix_marks_are_the_cells_below_alpha_off_the_diagonal():
    matrix = {
        "alpha": 0.05, "method": "pearson", "weighted": False, "columns": ["x", "y"],
        "r": [[1, 0.5], [0.5, 1]], "p_adjusted": [[0.0, 0.049], [0.049, 0.0]],
        "n": [[50, 50], [50, 50]],
    }  # fmt: skip
    assert matrix_statements(matrix, 30, False).marks == [[False, True], [True, False]]
    matrix["p_adjusted"] = [[0.0, 0.05], [0.05, None]]
    assert matrix_statements(matrix, 30, False).marks == [[False, False], [False, False]]
