"""Benchmark of the response import (issue 24.2):
`python tests/benchmarks/bench_response_import.py`.

A 问卷星 "按选项文本" export of 20,000 respondents to the 7 questions of
`tests/data/imports/definition.json` (a multiple choice joined with ┋, a matrix, text), on a
fresh SQLite file, in one process:

- baseline: the bare cost of the same file and the same rows, `csv.reader` over the decoded
  text and one executemany INSERT of the finished answer documents;
- ours: `importing.preview` (the dry run: read, recognise, match, check every row) and
  `importing.import_responses` (which checks the file again, then stores it in one
  transaction). The ratio is the price of checking every cell against the questionnaire.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ROWS = 20_000
HEADER = (
    "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别,2、您的年龄段,3、您用过哪些功能？,"
    "4、您对本平台的总体满意度,5、您向朋友推荐本平台的可能性有多大？,6(商品质量),6(配送速度),7、您还有什么建议？"
)


def export() -> bytes:
    rows = [HEADER] + [
        f"{i},2026/9/3 12:00:00,{60 + i % 300}秒,微信,N/A,1.1.1.1,{'男' if i % 2 else '女'},"
        f"18–24岁,直播购物┋社区团购,{1 + i % 5},{i % 11},很满意,满意,希望增加夜间配送{i}"
        for i in range(1, ROWS + 1)
    ]
    return "\n".join(rows).encode("utf-8-sig")


def main() -> None:
    from app.extensions import db
    from app.models import Response
    from app.responses import importing
    from tests.conftest import make_app
    from tests.factories import make_published

    definition = json.loads((ROOT / "tests/data/imports/definition.json").read_text("utf-8"))
    data = export()
    folder = Path(tempfile.mkdtemp())
    app = make_app(f"sqlite:///{folder / 'bench.sqlite3'}", folder / "instance")
    with app.app_context():
        db.create_all()
        base = make_published(definition)
        survey = make_published(definition, study=base.study)
        options = {"zone": "Asia/Shanghai", "locale": "zh_CN"}
        plan = importing.preview(survey, "wjx.csv", data, **options).plan
        assert plan is not None and plan.ok
        documents = [r.answers for r in plan.responses]
        version = base.published_version.id

        start = time.perf_counter()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        values = [
            {"questionnaire_id": base.id, "version_id": version, "answers": answers,
             "resume_token_hash": f"{n:064x}", "source": "wjx", "source_id": row[0]}
            for n, (row, answers) in enumerate(zip(rows[1:], documents, strict=True))
        ]  # fmt: skip
        db.session.execute(Response.__table__.insert(), values)
        db.session.commit()
        bare = time.perf_counter() - start

        start = time.perf_counter()
        importing.preview(survey, "wjx.csv", data, **options)
        dry_run = time.perf_counter() - start
        start = time.perf_counter()
        done = importing.import_responses(survey, "wjx.csv", data, actor=None, **options)
        ours = time.perf_counter() - start
        assert done.stored == ROWS
    print(f"{platform.node()} Python {platform.python_version()}, {ROWS} rows, "
          f"{len(data) / 1e6:.1f} MB")  # fmt: skip
    print(f"baseline (csv.reader + one INSERT): {bare:.2f} s")
    print(f"dry run: {dry_run:.2f} s ({dry_run / bare:.1f}×)")
    print(f"import (checks again, stores all): {ours:.2f} s ({ours / bare:.1f}×)")


if __name__ == "__main__":
    main()
