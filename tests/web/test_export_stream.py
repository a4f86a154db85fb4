"""The streamed exports (`export_stream`) write what the whole-table path writes
(`export_jobs.write_whole_export`, the plain reference): CSV byte for byte, XLSX cell for cell
(value and type, through openpyxl), SPSS values, labels and metadata (pyreadstat read-back),
for every filter, over tables of many small blocks where a column's kind changes from block
to block; and the command line, the job and the download use the streamed path."""

import copy
import random
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Response
from app.questionnaires import services as questionnaires
from app.responses import cache, submission
from app.responses.drafts import save_partial
from app.results import export_stream_files, export_table
from app.results.export_jobs import ExportSpec, write_export, write_whole_export
from app.results.export_stream import read_table
from app.results.export_table import ExportFilters
from tests import definitions as d
from tests.factories import make_published
from tests.web.test_export_formats import LONG_ANSWER, SATISFACTION
from tests.web.test_results import results_url

SURVEY = d.definition(
    d.single_choice("sat", "您对本次配送的总体满意度", SATISFACTION),
    d.single_choice("city", "所在城市", [("t1", "一线城市"), ("t2", "二线城市")]),
    d.multiple_choice(
        "uses", "用过的功能", [("live", "直播购物"), ("coupon", "领券"), ("order", "点餐")]
    ),
    d.matrix("grid", "请评价以下方面"),
    d.long_text("why", "您对我们有什么建议？", max_length=2000),
    d.short_text("note", "备注"),
    d.rating("stars", "总体评分"),
    d.number("spend", "每周花费（元）"),
    d.number("orders", "每周点单次数"),
    d.kano("feature", "准时达"),
    title="外卖配送满意度调查",
)
NOTES = ['=HYPERLINK("http://x")', "-1+1", "+86 138", "@提醒", "普通备注", "-3", "3.5"]
WHY = [LONG_ANSWER, "还行", "骑手很有礼貌，餐也热", "=1+1", "", "包装可以再好一点"]
BLOCK = 4  # rows per stored block here: 40 responses make ten blocks of changing kinds


def _answers(i: int, rng: random.Random) -> dict:
    answers: dict = {
        "sat": rng.choice(["1", "2", "3", "4", "5", "dk", "na"]),
        "city": rng.choice(["t1", "t2"]),
        "uses": rng.sample(["live", "coupon", "order"], rng.randint(0, 3)),
        "grid": {"speed": rng.choice("12345"), "taste": rng.choice("12345")},
        "why": WHY[i % len(WHY)],
        "note": NOTES[i % len(NOTES)],
        "stars": rng.randint(1, 5),
        # whole numbers in the first blocks, a decimal later: 3.0 everywhere once it is
        "spend": rng.randint(10, 90) + (0.5 if i == 25 else 0),
        "orders": rng.randint(1, 9),  # whole: shown 9, not 9.0, by the label modes
        "feature": {"functional": "like", "dysfunctional": "must"},
    }
    for qid in ("why", "stars", "grid", "orders") if i % 9 == 4 else ():
        answers.pop(qid)  # blanks in some blocks only
    if i < 8:
        answers.pop("spend")  # the first blocks have no cell at all in this column
    if not answers.get("why", "x"):
        answers.pop("why")
    return answers


@pytest.fixture
def study(ctx, monkeypatch):
    """40 complete responses to two versions, their submission days spread over 20 days, and
    unfinished responses between them; a second wave with its own responses."""
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", BLOCK)
    monkeypatch.setattr(export_stream_files, "SAV_BATCH_ROWS", 2 * BLOCK + 1)  # many batches
    rng = random.Random(24)
    questionnaire = make_published(SURVEY)
    ids = []
    for i in range(40):
        if i == 20:  # version 2: a new option and a question dropped
            draft = copy.deepcopy(questionnaire.latest_version.definition)
            draft["pages"][0]["questions"] = [
                q for q in draft["pages"][0]["questions"] if q["id"] != "orders"
            ]
            city = next(q for q in draft["pages"][0]["questions"] if q["id"] == "city")
            city["options"].append({"value": "t3", "label": "三线城市"})
            questionnaire.draft = draft
            questionnaires.publish(questionnaire, questionnaire.study.created_by)
        answers = _answers(i, rng)
        if i >= 20:
            answers.pop("orders", None)
            answers["city"] = rng.choice(["t1", "t2", "t3"])
        version = questionnaire.latest_version
        ids.append(submission.submit(version, f"stream-{i}", answers, secret="s").response_id)
        if i % 6 == 1:
            save_partial(questionnaire.latest_version, None, {"sat": "5", "why": f"还没写完{i}",
                         "note": "=SUM(A1)"}, page_id="p1", invitation_hash=None,
                         consent=None)  # fmt: skip
    start = datetime(2026, 11, 1, 2, 30, tzinfo=UTC)
    for n, rid in enumerate(ids):  # before the first read: no stored block holds the times
        db.session.execute(
            sa.update(Response).where(Response.id == rid)
            .values(submitted_at=start + timedelta(hours=12 * n))
        )  # fmt: skip
    db.session.commit()
    return questionnaire


MODES = [
    ("csv", False, False),
    ("csv", True, False),
    ("csv", True, True),
    ("csv", False, True),
    ("xlsx", False, False),
    ("xlsx", True, True),
    ("sav", False, False),
]
FILTERS = {
    "complete only": ExportFilters(),
    "with partials": ExportFilters(include_partial=True),
    "date range": ExportFilters(
        submitted_from=date(2026, 11, 4), submitted_until=date(2026, 11, 12)
    ),
    "version 1": ExportFilters(version=1),
    "version 2": ExportFilters(version=2),
    "version 2 with partials": ExportFilters(version=2, include_partial=True),
    "segment": ExportFilters(segments={"city": ("t1",)}),
    "numeric segment": ExportFilters(segments={"stars": ("4", "5")}),
    "flagged left out": ExportFilters(exclude_flagged=True),
    "all at once": ExportFilters(
        include_partial=True,
        submitted_from=date(2026, 11, 3),
        segments={"city": ("t1", "t3")},
        version=2,
    ),
    "none left": ExportFilters(submitted_from=date(2030, 1, 1)),
}


def _cells(path):
    book = openpyxl.load_workbook(path, read_only=True)
    return {
        sheet.title: [[(type(c), c) for c in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def _sav(path):
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    kept = ("column_names", "column_names_to_labels", "variable_value_labels", "missing_ranges",
            "variable_measure", "original_variable_types", "file_label", "number_rows",
            "variable_storage_width", "variable_display_width")  # fmt: skip
    return data, {k: getattr(meta, k) for k in kept}


def assert_same_export(questionnaire, spec, tmp_path, locale="zh_CN"):
    """The streamed file equals the reference file; the number of rows written."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    suffix = {"csv": "csv", "xlsx": "xlsx", "sav": "sav"}[spec.format]
    reference, streamed = tmp_path / f"whole.{suffix}", tmp_path / f"streamed.{suffix}"
    expected, _files = write_whole_export(questionnaire, spec, reference, locale=locale, zone=zone)
    count, _files = write_export(questionnaire, spec, streamed, locale=locale, zone=zone)
    assert count == expected
    if spec.format == "csv":
        assert streamed.read_bytes() == reference.read_bytes()
    elif spec.format == "xlsx":
        assert _cells(streamed) == _cells(reference)
    else:
        (data, meta), (want, want_meta) = _sav(streamed), _sav(reference)
        assert meta == want_meta
        assert data.equals(want) and list(data.dtypes) == list(want.dtypes)
    return count


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_streamed_file_is_the_whole_tables(study, tmp_path, name):
    for fmt, label_row, label_cells in MODES:
        spec = ExportSpec(format=fmt, label_row=label_row, label_cells=label_cells,
                          filters=FILTERS[name])  # fmt: skip
        folder = tmp_path / f"{fmt}-{label_row}-{label_cells}"
        folder.mkdir()
        count = assert_same_export(study, spec, folder)
        assert (count == 0) == (name == "none left")


def test_the_table_spans_blocks_of_changing_kinds(study):
    """What the comparisons above lean on: many blocks, and columns whose kind changes."""
    table = read_table(study, ExportFilters(include_partial=True), "Asia/Shanghai")
    try:
        frames = list(table.frames())
        assert len(frames) >= 10 and table.rows_read == sum(len(f) for f in frames)
        assert str(table.dtypes["spend"]) == "float64" and str(table.dtypes["stars"]) == "float64"
        assert [f["status"].iloc[0] for f in frames[:2]] == ["complete", "complete"]
        assert "partial" in {s for f in frames for s in f["status"]}
        ids = [i for f in frames for i in f["response_id"]]
        assert ids == sorted(ids)
    finally:
        table.close()


def test_english_labels_are_the_same_too(study, tmp_path):
    for fmt in ("csv", "xlsx"):
        spec = ExportSpec(format=fmt, label_row=True, label_cells=True)
        assert assert_same_export(study, spec, tmp_path, locale="en") == 40


@pytest.fixture
def no_whole_table(monkeypatch):
    """The whole-table reference refuses to run: what still works streams."""

    def refused(*args, **kwargs):
        raise AssertionError("the whole response table was built")

    monkeypatch.setattr(export_table, "response_frame", refused)


def test_the_command_line_streams_every_format(study, runner, tmp_path, no_whole_table):
    for fmt, out in (("csv", "r.csv"), ("xlsx", "r.xlsx"), ("sav", "r.zip")):
        result = runner.invoke(args=["responses", "export", study.slug, "--format", fmt,
                                     "--out", str(tmp_path / out), "--labels"])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "wrote 40 responses" in result.output


def test_the_download_and_the_job_stream(study, client, auth, no_whole_table):
    from tests.web.test_export_formats import Job, JobStatus

    auth.login("researcher@example.cn")
    reply = client.get(results_url(study, "/responses.csv?labels=1"))
    assert reply.status_code == 200
    body = reply.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").count("\r\n") == 40 + 2
    posted = client.post(results_url(study, "/export"),
                         data={"format": "xlsx", "cells": "labels", "wave": "1"})  # fmt: skip
    assert posted.status_code == 302
    job = db.session.scalars(db.select(Job).order_by(Job.id.desc())).first()
    assert job.status == JobStatus.DONE and job.progress == 100
