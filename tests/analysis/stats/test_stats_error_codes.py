"""Common engine refusals have their own code, in Chinese and English (not the generic one)."""

import pandas as pd
import pytest

from analysis.stats.errors import Code, StatsInputError
from analysis.stats.groups import compare_groups
from analysis.stats.scores import nps


def test_a_bad_confidence_alternative_or_method_has_its_own_code():
    frame = pd.DataFrame({"x": [1.0, 2, 3, 4], "g": ["a", "a", "b", "b"]})
    for kwargs, code, location in (
        ({"confidence": 1.5}, Code.CONFIDENCE_RANGE, "confidence"),
        ({"alternative": "up"}, Code.ALTERNATIVE, "alternative"),
        ({"method": "magic"}, Code.METHOD_CHOICE, "method"),
    ):
        with pytest.raises(StatsInputError) as caught:
            compare_groups(frame, "x", "g", **kwargs)
        assert caught.value.code is code and caught.value.location == location
        assert caught.value.message("zh_CN") != caught.value.message("en")


def test_nps_answers_out_of_range_are_refused_in_both_languages():
    with pytest.raises(StatsInputError) as caught:
        nps([3, 11])
    assert caught.value.code is Code.NPS_ANSWERS
    assert caught.value.message("zh_CN") == "NPS 答案必须是 0–10 的整数"
    assert str(caught.value) == "NPS answers are whole numbers 0–10"
