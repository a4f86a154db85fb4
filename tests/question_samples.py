"""One sample question and answer per registered question type, built from the registry.

The questions are the builder's new-question defaults (`surveys.types.Builder.defaults`) with
Chinese labels; `SAMPLE_ANSWERS` has no entry for a type added without one, so every test that
walks the registry through these fails until the new type gets a sample answer too.
"""

import copy

from surveys.types import QUESTION_TYPES

SAMPLE_ANSWERS = {
    "single_choice": "1",
    "multiple_choice": ["1", "2"],
    "dropdown": "2",
    "matrix": {"r1": "4", "r2": "5"},
    "rating": 4,
    "nps": 9,
    "number": 3.5,
    "short_text": "结账很快",
    "long_text": "页面加载有点慢，希望优化支付步骤",
    "date": "2026-11-30",
    "ranking": ["2", "1"],
    "slider": 40,
    "kano": {"functional": "like", "dysfunctional": "dislike"},
    "consent": True,
}


def sample_question(name: str) -> dict:
    """A *name* question as the builder creates it, titled and labelled in Chinese."""
    spec = QUESTION_TYPES[name]
    question = {"id": f"q_{name}", "type": name, "title": f"示例：{spec.label_zh}"}
    if spec.answer != "none":
        question["required"] = True
    question.update(copy.deepcopy(spec.builder.defaults))
    for option in question.get("options", []):
        option.setdefault("label", f"选项{option['value']}")
    for row in question.get("rows", []):
        row.setdefault("label", f"方面{row['value'][1:]}")
    if name == "text":
        question["body"] = "以下问题关于结账流程。"
    return question


def sample_definition() -> dict:
    """Every registered type once, on one page."""
    return one_page(*(sample_question(name) for name in QUESTION_TYPES))


def one_page(*questions: dict) -> dict:
    """A definition of *questions* on one page."""
    return {
        "schema_version": 1,
        "title": "题型示例问卷",
        "pages": [{"id": "p1", "questions": list(questions)}],
    }
