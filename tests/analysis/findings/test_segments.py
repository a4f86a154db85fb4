"""Segments: single-answer questions, and participant attributes once a table carries them."""

import numpy as np
import pandas as pd

from analysis.findings.scan import scan
from analysis.findings.segments import segment_levels, segment_questions
from analysis.stats.table import prepare_frame
from tests.definitions import definition, nps, rating, single_choice

SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")]), nps(), rating()
)


def frame_with_attributes() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 400
    gender = np.where(np.arange(n) % 2 == 0, "女", "男")
    # women recommend far less: a difference the scan must find on the attribute
    scores = np.where(gender == "女", rng.integers(0, 7, n), rng.integers(8, 11, n))
    return pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1),
            "submitted_at": "2026-12-01T08:00:00+00:00",
            "duration_s": 120.0,
            "tier": rng.choice(["t1", "t2"], n),
            "nps": scores,
            "stars": rng.integers(1, 6, n),
            "attribute:性别": gender,
            "attribute:手机号": [f"138{i:08d}" for i in range(n)],  # one value each: no segment
        }
    )


def test_an_attribute_column_is_a_segment_beside_the_questions():
    frame = prepare_frame(SURVEY, frame_with_attributes())
    assert "attribute:性别" in frame.columns  # kept by prepare_frame, as text
    ids = [q["id"] for q in segment_questions(SURVEY, frame)]
    assert ids == ["tier", "attribute:性别"]
    assert [q["id"] for q in segment_questions(SURVEY)] == ["tier"]
    assert segment_levels(SURVEY, frame, "attribute:性别") == [
        {"value": "女", "label": "女", "n": 200},
        {"value": "男", "label": "男", "n": 200},
    ]


def test_the_scan_finds_a_difference_between_attribute_levels():
    frame = prepare_frame(SURVEY, frame_with_attributes())
    result = scan(SURVEY, frame, weights=None, key_metrics=[{"kind": "nps", "question": "nps"}])
    claims = [c for c in result["claims"] if c["segment"]["question"] == "attribute:性别"]
    assert claims and claims[0]["metric"] == {"kind": "nps", "question": "nps"}
    assert claims[0]["segment"]["title"] == "性别"
