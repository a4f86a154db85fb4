"""Questionnaire definitions for tests: builders that read like the questionnaire they make, and
the few named definitions several test files share.

Each builder returns the plain definition dict of docs (the JSON that `make_published` takes);
every keyword not named is passed through as a field of the question (`required=True`,
`show_if="region = 'north'"`, `randomize=True`, …). Options are `(value, label)` pairs or, for
an option with flags (`other`, `exclusive`), a dict as written in the definition. Tests that
walk the type registry take their one sample question per type from tests/question_samples.py;
these are the questionnaires a reader of a test should recognise at a glance.
"""

from typing import Any

Option = tuple[str, str] | dict[str, Any]

YES_NO: tuple[Option, ...] = (("yes", "是"), ("no", "否"))


def options(*choices: Option) -> list[dict[str, Any]]:
    """`("north", "北方")` → `{"value": "north", "label": "北方"}`; a dict is kept as it is."""
    return [
        dict(choice) if isinstance(choice, dict) else {"value": choice[0], "label": choice[1]}
        for choice in choices
    ]


def scale(low: int, high: int) -> list[dict[str, Any]]:
    """Options labelled by their own number, as a 1–5 grid shows them."""
    return [{"value": str(i), "label": str(i)} for i in range(low, high + 1)]


def question(id: str, type: str, title: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "type": type, "title": title, **fields}


def _with_options(type: str, id: str, title: str, choices, fields) -> dict[str, Any]:
    return question(id, type, title, options=options(*choices), **fields)


def single_choice(id: str, title: str = "请选择", choices=YES_NO, **fields) -> dict[str, Any]:
    return _with_options("single_choice", id, title, choices, fields)


def multiple_choice(id: str, title: str = "可多选", choices=YES_NO, **fields) -> dict[str, Any]:
    return _with_options("multiple_choice", id, title, choices, fields)


def dropdown(id: str, title: str = "请选择", choices=YES_NO, **fields) -> dict[str, Any]:
    return _with_options("dropdown", id, title, choices, fields)


def ranking(id: str, title: str = "请排序", choices=YES_NO, **fields) -> dict[str, Any]:
    return _with_options("ranking", id, title, choices, fields)


def matrix(
    id: str,
    title: str = "请评价",
    rows=(("speed", "速度"), ("taste", "口味")),
    choices=None,
    **fields,
) -> dict[str, Any]:
    """A grid of *rows*, each answered on *choices* (by default a 1–5 scale)."""
    columns = scale(1, 5) if choices is None else options(*choices)
    return question(id, "matrix", title, rows=options(*rows), options=columns, **fields)


def rating(id: str = "stars", title: str = "总体评分", max: int = 5, **fields) -> dict[str, Any]:
    return question(id, "rating", title, max=max, **fields)


def nps(id: str = "nps", title: str = "推荐意愿", **fields) -> dict[str, Any]:
    return question(id, "nps", title, **fields)


def number(id: str, title: str = "数量", **fields) -> dict[str, Any]:
    return question(id, "number", title, **fields)


def short_text(id: str, title: str = "请填写", **fields) -> dict[str, Any]:
    return question(id, "short_text", title, **fields)


def long_text(id: str = "why", title: str = "原因", **fields) -> dict[str, Any]:
    return question(id, "long_text", title, **fields)


def date(id: str, title: str = "日期", **fields) -> dict[str, Any]:
    return question(id, "date", title, **fields)


def slider(id: str, title: str = "满意度", min: int = 0, max: int = 10, step: int = 1, **fields):
    return question(id, "slider", title, min=min, max=max, step=step, **fields)


def kano(id: str, title: str, **fields) -> dict[str, Any]:
    """Kano's pair (functional, dysfunctional) about one feature named by *title*."""
    return question(id, "kano", title, **fields)


def consent(id: str = "agree", title: str = "同意", text: str = "我同意", **fields):
    return question(id, "consent", title, text=text, **fields)


def text(id: str, title: str = "说明", body: str = "谢谢", **fields) -> dict[str, Any]:
    """A passage shown to the respondent, answered by nobody."""
    return question(id, "text", title, body=body, **fields)


def page(id: str, *questions: dict[str, Any], title: str | None = None, **fields) -> dict:
    """A page; *fields* such as `show_if` go on the page."""
    head: dict[str, Any] = {"id": id} if title is None else {"id": id, "title": title}
    return {**head, **fields, "questions": list(questions)}


def definition(
    *pages_or_questions: dict[str, Any], title: str = "测试问卷", settings=None, **fields
) -> dict:
    """A definition of *pages*, or of *questions* on one page `p1` when no page is given."""
    if pages_or_questions and all("questions" in item for item in pages_or_questions):
        pages = list(pages_or_questions)
    else:
        pages = [page("p1", *pages_or_questions)]
    built = {"schema_version": 1, "title": title, "language": "zh_CN", **fields, "pages": pages}
    if settings is not None:
        built["settings"] = settings
    return built


# Every answerable type and a static text, on two pages, with logic and piping: the questionnaire
# the respond, export, result and response-table tests submit FULL_ANSWERS to.
ALL_TYPES = definition(
    page(
        "p1",
        single_choice(
            "region",
            "您所在的地区",
            [
                ("north", "北方"),
                ("south", "南方"),
                {"value": "other", "label": "其他", "other": True},
            ],
            required=True,
        ),
        multiple_choice(
            "channels",
            "您通过哪些渠道点餐？",
            [
                ("app", "App"),
                ("mini", "小程序"),
                {"value": "none", "label": "都不用", "exclusive": True},
            ],
        ),
        dropdown("city", "城市", [("bj", "北京"), ("sh", "上海")]),
        matrix("grid"),
        rating(),
        nps(),
        short_text("north_only", "北方的您最爱吃什么？", show_if="region = 'north'"),
        title="基本情况",
    ),
    page(
        "p2",
        number("age", "年龄", min=0, max=120, integer=True),
        short_text("name", "称呼"),
        long_text("story", "您给 {stars} 分的原因"),
        date("born", "出生日期"),
        ranking("rank", "排序", [("a", "价格"), ("b", "速度"), ("c", "口味")]),
        slider("level"),
        kano("feature", "准时达"),
        consent(),
        text("note"),
        title="更多",
    ),
    title="外卖 App 体验调查",
)

FULL_ANSWERS = {
    "region": "other",
    "region/other_text": "西部",
    "channels": ["app", "mini"],
    "city": "sh",
    "grid": {"speed": "4", "taste": "5"},
    "stars": 4,
    "nps": 9,
    "age": 31,
    "name": "小王",
    "story": "送得快\n味道好",
    "born": "1995-03-08",
    "rank": ["b", "a", "c"],
    "level": 7,
    "feature": {"functional": "like", "dysfunctional": "dislike"},
    "agree": True,
}

# Three pages with a question and a whole page shown by logic and titles piped from answers:
# the phone respondent, the preview and the test-response tests walk it.
WITH_LOGIC = definition(
    page(
        "p1",
        single_choice(
            "region", "您在哪个地区？", [("north", "北方"), ("south", "南方")], required=True
        ),
        single_choice(
            "sweet",
            "您喜欢甜豆花吗？",
            [("y", "喜欢"), ("n", "不喜欢")],
            show_if="region = 'south'",
        ),
        title="基本情况",
    ),
    page(
        "p2",
        short_text("food", "{region}的您最爱吃什么？", required=True),
        title="北方专题",
        show_if="region = 'north'",
    ),
    page(
        "p3",
        rating(required=True),
        matrix(
            "grid",
            "分项评价",
            [("speed", "配送速度"), ("taste", "口味")],
            [("1", "差"), ("2", "一般"), ("3", "好")],
        ),
        long_text("why", "您给 {stars} 星的原因是？"),
        title="评价",
    ),
    title="外卖 App 体验调查",
)

# Two pages, the second shown only to those who answered yes: the lifecycle and CLI tests'.
TWO_PAGES = definition(
    page(
        "p1",
        single_choice(
            "uses", "您最近一个月点过外卖吗？", [("yes", "点过"), ("no", "没点过")], required=True
        ),
        title="使用情况",
    ),
    page(
        "p2",
        nps(title="您向朋友推荐的可能性有多大？"),
        long_text(title="您给 {nps} 分的主要原因是？"),
        title="满意度",
        show_if="uses = 'yes'",
    ),
    title="外卖 App 满意度调查",
)


# One page like the demo's: a city tier, NPS, stars and a reason, as the summary tests read it.
DEMO_LIKE = definition(
    page(
        "p1",
        single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
        nps(required=True),
        rating(),
        short_text("why", "原因"),
        title="基本",
    ),
    title="外卖 App 满意度",
)


def checkout(title: str, *extra: dict[str, Any]) -> dict:
    """The short one-page survey of the submit load tests: a required region and NPS, then
    *extra* questions and an open reason."""
    return definition(
        single_choice("region", "地区", [("north", "北方"), ("south", "南方")], required=True),
        nps(required=True),
        *extra,
        long_text(),
        title=title,
    )
