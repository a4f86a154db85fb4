"""Simulated respondents for the quality checks (issue 20, build 6): seeded, so every run
makes the same table, and nothing binary is checked in.

A 4-page questionnaire about a food-delivery app (27 closed items, 2 open questions) answered by

- `human`: careful people. Each has a satisfaction level θ ~ N(0, 1); a scale item j is
  answered round(μ_j + λ_j·θ + ε), ε ~ N(0, 0.75), clipped to 1–5, with item means μ_j from
  1.8 to 4.5 (two reverse-keyed complaints with negative λ). One in eight is so satisfied that
  they tick 5 on every row of the satisfaction matrix (a legitimate uniform answer). Reading
  speed is a person factor (log-normal, σ = 0.35) times a page factor (σ = 0.25) on each
  page's typical seconds. Open answers are composed from aspects and opinions in Chinese
  (a third leave them blank; some write only "无"); 3 % paste an answer from elsewhere; 2 %
  share a browser with another respondent (a family, a shared office computer);
- `random`: random clickers: every closed item uniform over its options, at 0.2–1× human
  speed, open answers blank, keyboard mash or a word;
- `straight`: straight-liners: one value for every matrix row (and the rating), demographics
  like anybody's, at 0.3–0.8× human speed;
- `filler`: a form-filling script with rotating addresses: a few template answer sets, 1–2
  closed answers changed per submission, open answers from a pool of five sentences, a new
  device id (or none) each time, plausible durations, one submission every 30–120 s.

`simulate(seed)` returns (definition, frame, groups): the response table as
`app.results.table.response_frame` builds it (paradata columns included) and each row's group.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from surveys.paradata import paradata_columns
from surveys.response_table import flatten_columns

GROUPS = {"human": 1000, "random": 100, "straight": 100, "filler": 100}
AGREE = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
SCALE = [{"value": str(k), "label": label} for k, label in enumerate(AGREE, 1)]


def _choice(qid, title, labels):
    options = [{"value": f"o{k}", "label": t} for k, t in enumerate(labels, 1)]
    return {"id": qid, "type": "single_choice", "title": title, "options": options}


def _matrix(qid, title, rows):
    return {"id": qid, "type": "matrix", "title": title, "options": SCALE,
            "rows": [{"value": f"r{k}", "label": t} for k, t in enumerate(rows, 1)]}  # fmt: skip


DEFINITION = {
    "schema_version": 1,
    "title": "外卖 App 使用体验调查",
    "language": "zh_CN",
    "pages": [
        {"id": "p1", "title": "基本信息", "questions": [
            _choice("tier", "您所在城市", ["一线", "新一线", "二线", "三线及以下"]),
            _choice("gender", "性别", ["男", "女"]),
            _choice("age", "年龄", ["18–24", "25–34", "35–44", "45–54", "55 岁以上"]),
            _choice("freq", "点外卖的频率", ["每天", "每周几次", "每周一次", "每月几次", "更少"]),
        ]},
        {"id": "p2", "title": "满意度", "questions": [
            _matrix("sat", "您对以下方面满意吗", ["送餐速度", "菜品质量", "价格", "包装",
                                              "骑手服务", "客服", "优惠活动", "App 好用"]),
            {"id": "overall", "type": "rating", "title": "总体评分", "max": 5},
            {"id": "nps", "type": "nps", "title": "您向朋友推荐的可能性"},
        ]},
        {"id": "p3", "title": "体验", "questions": [
            _matrix("exp", "您同意以下说法吗", ["下单很方便", "常常送错餐", "配送费太贵",
                                            "推荐的菜合口味", "退款很顺利", "经常找不到想吃的"]),
            {"id": "why", "type": "short_text", "title": "您给出这个评分的主要原因是"},
        ]},
        {"id": "p4", "title": "习惯", "questions": [
            _matrix("habit", "以下情况多吗", ["看评价再下单", "用优惠券", "拼单", "自取",
                                          "给骑手好评"]),
            _choice("pay", "常用支付方式", ["微信", "支付宝", "银行卡", "其他"]),
            _choice("time", "最常点外卖的时段", ["早餐", "午餐", "下午茶", "晚餐", "夜宵"]),
            {"id": "suggest", "type": "long_text", "title": "您对我们有什么建议"},
        ]},
    ],
}  # fmt: skip

# (mean, loading on satisfaction) of each scale row, in page order
ITEMS = {
    "sat": [(3.9, 0.7), (3.6, 0.7), (2.6, 0.6), (4.1, 0.4), (4.3, 0.6), (3.0, 0.7),
            (2.8, 0.5), (3.8, 0.6)],
    "exp": [(4.4, 0.4), (1.8, -0.6), (3.9, -0.5), (3.1, 0.6), (3.3, 0.6), (2.4, -0.5)],
    "habit": [(4.2, 0.2), (3.7, 0.1), (2.2, 0.1), (1.9, 0.0), (3.0, 0.4)],
}  # fmt: skip
CHOICE_P = {
    "tier": [0.3, 0.3, 0.25, 0.15], "gender": [0.48, 0.52],
    "age": [0.25, 0.4, 0.2, 0.1, 0.05], "freq": [0.15, 0.45, 0.2, 0.15, 0.05],
    "pay": [0.6, 0.33, 0.05, 0.02], "time": [0.05, 0.45, 0.1, 0.3, 0.1],
}  # fmt: skip
PAGE_SECONDS = {"p1": 25.0, "p2": 70.0, "p3": 60.0, "p4": 55.0}
PREFIXES = ["", "", "我觉得", "感觉", "总的来说", "说实话", "个人觉得", "主要是"]
ASPECTS = ["送餐速度", "骑手", "价格", "菜品", "包装", "客服", "优惠券", "配送费", "App 界面",
           "退款", "商家", "售后", "选择", "会员"]  # fmt: skip
GOOD = ["挺快的", "很满意", "态度很好", "还不错", "比别家好", "一直很稳定", "挺划算", "很方便"]
BAD = ["太慢了", "有点贵", "经常出问题", "不太行", "需要改进", "让人失望", "不够透明", "太少了"]
DETAILS = ["", "", "", "，上次等了{n}分钟", "，用了{n}个月了", "，周末尤其明显", "，晚上点的时候",
           "，公司附近", "，家里老人也在用"]  # fmt: skip
TAILS = ["", "", "，希望继续保持", "，希望能改进", "，其他都还行", "，总体还可以", "，下次还会用",
         "。", "！"]  # fmt: skip
MASH = ["asdfgh", "sdfjkl", "qwerty", "1111", "啊啊啊啊", "。。。", "hjkhjk", "zxcvb"]
FILLER_TEXTS = ["服务很好，下次还会再来", "整体体验非常满意，推荐给大家", "价格实惠，送餐及时",
                "菜品质量好，包装也很用心", "骑手态度很好，非常专业"]  # fmt: skip


def _scale(value: float) -> str:
    return str(int(np.clip(np.rint(value), 1, 5)))


class _Respondents:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.rows: list[tuple[dict, float, dict | None, datetime, str]] = []
        self.clock = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def _open_text(self, theta: float) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.33:
            return ""
        if roll < 0.4:
            return str(rng.choice(["无", "没有", "暂无", "挺好的"]))
        aspect = str(rng.choice(ASPECTS))
        opinion = str(rng.choice(GOOD if theta + rng.normal(0, 0.8) > 0 else BAD))
        detail = str(rng.choice(DETAILS)).format(n=int(rng.integers(2, 60)))
        return str(rng.choice(PREFIXES)) + aspect + opinion + detail + str(rng.choice(TAILS))

    def _pages(self, speed: float) -> dict[str, float]:
        rng = self.rng
        return {p: round(s * speed * float(rng.lognormal(0, 0.25)), 1)
                for p, s in PAGE_SECONDS.items()}  # fmt: skip

    def _texts(self, answers: dict, pasted: bool) -> dict:
        rng = self.rng
        out = {}
        for qid in ("why", "suggest"):
            if answers.get(qid):
                typing = (
                    0.0 if pasted else round(len(answers[qid]) * float(rng.uniform(0.4, 1.2)), 1)
                )
                out[qid] = {"pasted": pasted, "typing_s": typing}
        return out

    def _add(self, answers, pages, paradata, gap_s):
        self.clock += timedelta(seconds=gap_s)
        duration = sum(pages.values()) + float(self.rng.uniform(5, 20))
        group = self.group
        self.rows.append((answers, round(duration, 1), paradata, self.clock, group))

    def _demographics(self) -> dict:
        return {q: f"o{self.rng.choice(len(p), p=p) + 1}" for q, p in CHOICE_P.items()}

    def human(self, devices: list[str]):
        rng = self.rng
        theta = float(rng.normal())
        answers = self._demographics()
        uniform = rng.random() < 0.125
        for qid, items in ITEMS.items():
            answers[qid] = {
                f"r{k}": "5"
                if uniform and qid == "sat"
                else _scale(m + lam * theta + rng.normal(0, 0.75))
                for k, (m, lam) in enumerate(items, 1)
            }
        answers["overall"] = int(_scale(3.7 + 0.9 * theta + rng.normal(0, 0.5)))
        answers["nps"] = int(np.clip(np.rint(7.5 + 1.8 * theta + rng.normal(0, 1.2)), 0, 10))
        for qid in ("why", "suggest"):
            text = self._open_text(theta)
            if text:
                answers[qid] = text
        pages = self._pages(float(rng.lognormal(0, 0.35)))
        device = (
            devices[-1] if devices and rng.random() < 0.02 else f"h{rng.integers(1 << 48):012x}"
        )
        devices.append(device)
        paradata = {
            "pages": pages,
            "texts": self._texts(answers, rng.random() < 0.03),
            "device": device,
        }
        self._add(answers, pages, paradata, float(rng.exponential(600)))

    def random(self):
        rng = self.rng
        answers = {q: f"o{rng.integers(len(p)) + 1}" for q, p in CHOICE_P.items()}
        for qid, items in ITEMS.items():
            answers[qid] = {f"r{k}": str(rng.integers(1, 6)) for k in range(1, len(items) + 1)}
        answers["overall"] = int(rng.integers(1, 6))
        answers["nps"] = int(rng.integers(0, 11))
        for qid in ("why", "suggest"):
            roll = rng.random()
            if roll < 0.3:
                answers[qid] = str(rng.choice(MASH))
            elif roll < 0.45:
                answers[qid] = str(rng.choice(["还行", "好", "一般"]))
        pages = self._pages(float(rng.uniform(0.2, 1.0)))
        paradata = {"pages": pages, "texts": self._texts(answers, False),
                    "device": f"r{rng.integers(1 << 48):012x}"}  # fmt: skip
        self._add(answers, pages, paradata, float(rng.exponential(600)))

    def straight(self):
        rng = self.rng
        answers = self._demographics()
        value = str(rng.choice(["3", "4", "5", "1"], p=[0.35, 0.3, 0.25, 0.1]))
        for qid, items in ITEMS.items():
            answers[qid] = {f"r{k}": value for k in range(1, len(items) + 1)}
        answers["overall"] = int(value)
        answers["nps"] = int(rng.integers(5, 11))
        if rng.random() < 0.2:
            answers["why"] = str(rng.choice(["还行", "一般", "无"]))
        pages = self._pages(float(rng.uniform(0.3, 0.8)))
        paradata = {"pages": pages, "texts": self._texts(answers, False),
                    "device": f"s{rng.integers(1 << 48):012x}"}  # fmt: skip
        self._add(answers, pages, paradata, float(rng.exponential(600)))

    def filler(self, templates: list[dict]):
        rng = self.rng
        answers = {k: (dict(v) if isinstance(v, dict) else v)
                   for k, v in templates[rng.integers(len(templates))].items()}  # fmt: skip
        for _ in range(int(rng.integers(1, 3))):
            qid = str(rng.choice(list(ITEMS)))
            row = f"r{rng.integers(1, len(ITEMS[qid]) + 1)}"
            answers[qid][row] = str(rng.integers(1, 6))
        answers["why"] = str(rng.choice(FILLER_TEXTS))
        answers["suggest"] = str(rng.choice(FILLER_TEXTS))
        # a script posting the JSON itself: no paradata, or a fresh device id each time
        seconds = float(rng.uniform(150, 400))
        pages = {p: seconds * s / sum(PAGE_SECONDS.values()) for p, s in PAGE_SECONDS.items()}
        paradata = {"device": f"f{rng.integers(1 << 48):012x}"} if rng.random() < 0.5 else None
        self._add(answers, pages, paradata, float(rng.uniform(30, 120)))


def _filler_templates(people: _Respondents, count: int = 3) -> list[dict]:
    rng = people.rng
    templates = []
    for _ in range(count):
        answers = people._demographics()
        for qid, items in ITEMS.items():
            answers[qid] = {f"r{k}": _scale(m + 0.8) for k, (m, _) in enumerate(items, 1)}
        answers["overall"], answers["nps"] = 5, int(rng.integers(9, 11))
        templates.append(answers)
    return templates


def respondents(seed: int = 20, groups: dict[str, int] | None = None) -> list[dict]:
    """The simulated responses in submission order, each {"group", "answers", "duration_s",
    "paradata" (None: none sent), "submitted_at"}, the groups interleaved in time."""
    groups = groups or GROUPS
    people = _Respondents(seed)
    order = [g for g, n in groups.items() for _ in range(n)]
    people.rng.shuffle(order)
    # the form-filler runs in two bursts, as a script does
    fillers = [g for g in order if g == "filler"]
    others = [g for g in order if g != "filler"]
    half = len(others) // 2
    order = (
        others[:half] + fillers[: len(fillers) // 2] + others[half:] + fillers[len(fillers) // 2 :]
    )
    devices: list[str] = []
    templates = _filler_templates(people)
    for group in order:
        people.group = group
        if group == "human":
            people.human(devices)
        elif group == "filler":
            people.filler(templates)
        else:
            getattr(people, group)()
    fields = ("answers", "duration_s", "paradata", "submitted_at", "group")
    return [dict(zip(fields, row, strict=True)) for row in people.rows]


def simulate(seed: int = 20, groups: dict[str, int] | None = None):
    """(definition, response frame, group of each row): the response table as
    `app.results.table.response_frame` and `with_paradata` build it."""
    rows = respondents(seed, groups)
    cells = {
        "response_id": list(range(1, len(rows) + 1)),
        "submitted_at": [row["submitted_at"].isoformat() for row in rows],
        "duration_s": [row["duration_s"] for row in rows],
        **flatten_columns(DEFINITION, [row["answers"] for row in rows], missing=np.nan),
        **paradata_columns(row["paradata"] for row in rows),
    }
    return DEFINITION, pd.DataFrame(cells), [row["group"] for row in rows]
