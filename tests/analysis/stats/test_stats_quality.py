"""Quality flags: duplicates, speeders, straight-liners, attention checks — flagged, not dropped.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import pandas as pd

from analysis.stats import flag_responses, prepare_frame, quality_summary, summarise

SCALE = [{"value": str(k), "label": str(k)} for k in range(1, 6)]
DEFINITION = {
    "pages": [
        {
            "id": "p",
            "questions": [
                {
                    "id": "m",
                    "type": "matrix",
                    "title": "矩阵",
                    "rows": [{"value": r, "label": r} for r in ("a", "b", "c")],
                    "options": SCALE,
                },
                {
                    "id": "att",
                    "type": "single_choice",
                    "title": "请选 2",
                    "attention_check": "2",
                    "options": SCALE,
                },
            ],
        }
    ]
}


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r4", "r5", "r1"],
            "duration_s": [300, 290, 310, 60, 305, 280],
            "m/a": ["1", "5", "3", "2", "1", "4"],
            "m/b": ["2", "5", "3", "2", "2", "4"],
            "m/c": ["3", "5", "4", "1", "3", "4"],
            "att": ["2", "2", "4", "2", "2", "2"],
        }
    )


def test_each_rule_flags_the_right_response():
    data = prepare_frame(DEFINITION, frame())
    flags = flag_responses(DEFINITION, data)
    # median duration 295 → a third is 98.3: r4 (60 s) is a speeder
    assert flags["speeder"].tolist() == [False, False, False, True, False, False]
    # r2 answered 5,5,5 and the repeated r1 4,4,4
    assert flags["straight_liner"].tolist() == [False, True, False, False, False, True]
    # r5 has the same answers as r1 (id aside) and the last row repeats r1's id
    assert flags["duplicate"].tolist() == [False, False, False, False, True, True]
    assert flags["attention_failed"].tolist() == [False, False, True, False, False, False]
    assert flags.loc[5, "reasons"] == "duplicate;straight_liner"
    assert quality_summary(flags)["flagged"] == 5


def test_nothing_is_dropped_unless_asked():
    kept = summarise(DEFINITION, frame())
    assert kept["n"] == 6 and kept["excluded"] == 0 and kept["quality"]["flagged"] == 5
    dropped = summarise(DEFINITION, frame(), exclude_flagged=True)
    assert dropped["n"] == 1 and dropped["excluded"] == 5
    assert dropped["questions"]["att"]["n"] == 1


def test_blank_attention_answer_is_not_a_failure_and_no_duration_no_speeder():
    data = prepare_frame(DEFINITION, frame().drop(columns="duration_s").assign(att=None))
    flags = flag_responses(DEFINITION, data)
    assert not flags["attention_failed"].any() and not flags["speeder"].any()
