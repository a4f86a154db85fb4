"""The priority formulas against hand computations."""

import pytest

from analysis.needs.priority import opportunity, priority, rice, top2_to_ten


def test_rice_is_reach_times_impact_times_confidence_over_effort():
    # 2,000 users a quarter × impact 2 × 80% ÷ 4 person-months = 800
    result = rice(2000, 2, 80, 4)
    assert result["score"] == pytest.approx(2000 * 2 * 0.8 / 4) == 800
    assert result["reach"] == 2000 and result["confidence"] == 80


@pytest.mark.parametrize(
    "inputs", [(None, 2, 80, 4), (2000, None, 80, 4), (2000, 2, None, 4), (2000, 2, 80, 0)]
)
def test_rice_waits_for_every_input_and_a_positive_effort(inputs):
    assert rice(*inputs)["score"] is None


def test_opportunity_adds_the_unmet_part_of_importance():
    # importance 8.5, satisfaction 3.5: 8.5 + (8.5 − 3.5) = 13.5
    assert opportunity(8.5, 3.5) == {
        "score": 13.5,
        "importance": 8.5,
        "satisfaction": 3.5,
        "gap": 5.0,
    }
    # over-served: satisfaction above importance adds nothing
    assert opportunity(4.0, 7.0)["score"] == 4.0
    assert opportunity(None, 7.0)["score"] is None


def test_top2_shares_go_on_the_ten_point_scale():
    assert top2_to_ten(85.0) == 8.5
    assert top2_to_ten(None) is None


def test_priority_prefers_the_override_then_rice_then_opportunity():
    r, o = rice(100, 1, 50, 1), opportunity(6, 2)
    assert priority(r, o, 7.0) == {"value": 7.0, "source": "override"}
    assert priority(r, o, None) == {"value": 50.0, "source": "rice"}
    assert priority(rice(None, 1, 1, 1), o, None) == {"value": 10, "source": "opportunity"}
    assert priority(rice(None, 1, 1, 1), opportunity(None, 1), None)["value"] is None


def test_ipa_splits_at_the_means_of_three_or_more_needs():
    from analysis.needs.priority import ipa_positions

    # importance mean (8 + 6 + 4) / 3 = 6, performance mean (3 + 7 + 5) / 3 = 5, by hand
    result = ipa_positions({1: (8.0, 3.0), 2: (6.0, 7.0), 3: (4.0, 5.0), 4: (None, 2.0)})
    assert result["split"] == "means"
    assert result["importance_mean"] == pytest.approx(6.0)
    assert result["performance_mean"] == pytest.approx(5.0)
    quadrants = {k: v["quadrant"] for k, v in result["attributes"].items()}
    # 1: important, performing below the mean; 2: at the importance mean (≥) and above
    # on performance; 3: below on importance, at the performance mean (≥)
    assert quadrants == {1: "concentrate_here", 2: "keep_up", 3: "possible_overkill"}


def test_ipa_of_fewer_than_three_needs_splits_at_the_scale_midpoint():
    from analysis.needs.priority import ipa_positions

    result = ipa_positions({7: (8.5, 3.5), 8: (2.0, 4.0)})
    assert result["split"] == "midpoint" and result["importance_mean"] == 5.0
    assert {k: v["quadrant"] for k, v in result["attributes"].items()} == {
        7: "concentrate_here",
        8: "low_priority",
    }
    assert ipa_positions({})["attributes"] == {}
