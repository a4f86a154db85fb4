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
