"""The response table's columns and cells, checked against the shapes in
docs/questionnaire-format.md written out by hand."""

from surveys.response_table import (
    column_labels,
    flatten_answers,
    question_columns,
    readable_columns,
    table_columns,
)

CHOICES = [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}]
DEFINITION = {
    "title": "全部题型",
    "pages": [
        {
            "id": "p1",
            "questions": [
                {"id": "intro", "type": "text", "title": "说明", "body": "欢迎"},
                {"id": "gender", "type": "single_choice", "title": "性别",
                 "options": [*CHOICES, {"value": "o", "label": "其他", "other": True}]},
                {"id": "apps", "type": "multiple_choice", "title": "常用 App", "options": CHOICES},
                {"id": "grid", "type": "matrix", "title": "评价",
                 "rows": [{"value": "r1", "label": "速度"}, {"value": "r2", "label": "价格"}],
                 "options": [{"value": "1", "label": "差"}, {"value": "5", "label": "好"}]},
                {"id": "grid_multi", "type": "matrix", "title": "多选矩阵", "multiple": True,
                 "rows": [{"value": "r1", "label": "早"}], "options": CHOICES},
                {"id": "rank", "type": "ranking", "title": "排序", "options": CHOICES},
                {"id": "feature", "type": "kano", "title": "夜间模式"},
                {"id": "agree", "type": "consent", "title": "同意"},
                {"id": "nps", "type": "nps", "title": "推荐"},
            ],
        }
    ],
}  # fmt: skip


def test_columns_follow_the_documented_shapes():
    assert table_columns([DEFINITION]) == [
        "response_id", "submitted_at", "duration_s",
        "gender", "gender/other_text",
        "apps/a", "apps/b",
        "grid/r1", "grid/r2",
        "grid_multi/r1/a", "grid_multi/r1/b",
        "rank/a", "rank/b",
        "feature/functional", "feature/dysfunctional",
        "agree", "nps",
    ]  # fmt: skip


def test_cells_of_a_full_response():
    answers = {
        "gender": "o",
        "gender/other_text": "不愿透露",
        "apps": ["b"],
        "grid": {"r1": "5", "r2": "1"},
        "grid_multi": {"r1": ["a", "b"]},
        "rank": ["b", "a"],
        "feature": {"functional": "like", "dysfunctional": "dislike"},
        "agree": True,
        "nps": 9,
    }
    assert flatten_answers(DEFINITION, answers) == {
        "gender": "o",
        "gender/other_text": "不愿透露",
        "apps/a": 0,
        "apps/b": 1,
        "grid/r1": "5",
        "grid/r2": "1",
        "grid_multi/r1/a": 1,
        "grid_multi/r1/b": 1,
        "rank/b": 1,
        "rank/a": 2,
        "feature/functional": "like",
        "feature/dysfunctional": "dislike",
        "agree": 1,
        "nps": 9,
    }


def test_unanswered_questions_leave_blanks_not_zeros():
    assert flatten_answers(DEFINITION, {"nps": 0}) == {"nps": 0}


def test_columns_of_older_versions_are_kept_after_the_latest_ones():
    old = {"pages": [{"id": "p", "questions": [
        {"id": "city", "type": "short_text", "title": "城市"},
        {"id": "nps", "type": "nps", "title": "推荐"}]}]}  # fmt: skip
    assert table_columns([DEFINITION, old])[-1] == "city"
    assert question_columns({"id": "t", "type": "text"}) == []


def test_column_labels_name_every_column_in_the_chosen_language():
    definition = {
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {
                        "id": "apps",
                        "type": "multiple_choice",
                        "title": "常用 App",
                        "options": [
                            {"value": "wx", "label": "微信"},
                            {"value": "o", "label": "其他", "other": True},
                        ],
                    },
                    {
                        "id": "grid",
                        "type": "matrix",
                        "title": "评价",
                        "rows": [{"value": "speed", "label": "速度"}],
                        "options": [{"value": "1", "label": "差"}],
                    },
                    {"id": "pay", "type": "kano", "title": "刷脸支付"},
                ],
            }
        ]
    }
    zh = column_labels([definition])
    assert set(zh) == set(table_columns([definition]))
    assert zh["apps/wx"] == "常用 App / 微信"
    assert zh["apps/other_text"] == "常用 App / 其他（请注明）"
    assert zh["grid/speed"] == "评价 / 速度"
    assert zh["pay/functional"] == "刷脸支付 / 具备时"
    en = column_labels([definition], "en")
    assert (en["duration_s"], en["apps/other_text"]) == (
        "Duration (s)",
        "常用 App / Other (please specify)",
    )


def test_readable_columns_put_labels_in_cells_and_join_multiple_answers():
    definition = {
        "pages": [
            {
                "questions": [
                    {
                        "id": "slots",
                        "type": "matrix",
                        "multiple": True,
                        "title": "送餐时段",
                        "rows": [{"value": "mon", "label": "周一"}],
                        "options": [
                            {"value": "am", "label": "上午"},
                            {"value": "pm", "label": "下午"},
                        ],
                    },
                    {"id": "pay", "type": "kano", "title": "刷脸支付"},
                ]
            }
        ]
    }
    nan = float("nan")
    flat = {
        "slots/mon/am": [1, 0, nan],
        "slots/mon/pm": [1, 0, nan],
        "pay/functional": ["must_be", nan, nan],
        "pay/dysfunctional": ["dislike", nan, nan],
    }
    readable = readable_columns([definition], flat, "en")
    assert list(readable) == ["slots/mon", "pay/functional", "pay/dysfunctional"]
    assert readable["slots/mon"] == ["上午；下午", "", None]  # blank only when unanswered
    assert readable["pay/functional"][0] == "It must be that way"
    labels = column_labels([definition], readable=True)
    assert labels["slots/mon"] == "送餐时段 / 周一"
