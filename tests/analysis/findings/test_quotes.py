"""Quotes for people outside the study: personal information masked, newest first."""

import pandas as pd

from analysis.findings.quotes import deidentified_quotes, mask_personal


def test_numbers_emails_and_titled_names_are_masked():
    text = "请王女士打 138-1234-5678 或写信到 li@example.cn，欧阳老师也知道"
    assert mask_personal(text) == "请[姓名]打 [手机号] 或写信到 [邮箱]，[姓名]也知道"
    assert mask_personal("配送太慢了") == "配送太慢了"


def test_the_newest_answers_of_each_question_come_first_up_to_the_limit():
    frame = pd.DataFrame(
        {
            "response_id": [1, 2, 3],
            "submitted_at": ["2026-12-01T08:00:00", "2026-12-02T08:00:00", "2026-12-02T08:00:00"],
            "why": ["一", "  ", "三"],
            "other": [None, None, None],
        }
    )
    assert deidentified_quotes(frame, ["why", "other", "missing"], limit=5) == {"why": ["三", "一"]}
    assert deidentified_quotes(frame, ["why"], limit=1) == {"why": ["三"]}
