"""Exports that SPSS, PSPP, Excel and R open as they should (issue 24.1): round trips of the
`.sav` through pyreadstat and GNU PSPP, the XLSX through openpyxl, the CSV, and the filters."""

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import openpyxl
import pyreadstat
import pytest

from app.extensions import db
from app.models import Job, JobStatus, Membership, Response, Role
from app.responses.drafts import save_partial
from app.results import export_stream_files
from tests import definitions as d
from tests.factories import make_published, make_study, make_user, submit_all
from tests.web.test_results import results_url

SATISFACTION = [
    ("1", "很不满意"),
    ("2", "不满意"),
    ("3", "一般"),
    ("4", "满意"),
    ("5", "很满意"),
    {"value": "dk", "label": "不知道", "scored": False},
    {"value": "na", "label": "不适用", "scored": False},
]
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
    d.kano("feature", "准时达"),
    title="外卖配送满意度调查",
)
# 300 Chinese characters: 900 bytes of UTF-8, past SPSS's 255-byte short strings
LONG_ANSWER = ("配送员态度很好但是经常迟到，希望能改进高峰时段的调度。" * 12)[:300]
ANSWERS = [
    {"sat": "4", "city": "t1", "uses": ["live", "order"], "grid": {"speed": "5", "taste": "3"},
     "why": LONG_ANSWER, "note": "=HYPERLINK(\"http://x\")", "stars": 4,
     "feature": {"functional": "like", "dysfunctional": "dislike"}},
    {"sat": "dk", "city": "t2", "uses": ["coupon"], "note": "-1+1", "stars": 2},
    {"sat": "na", "city": "t1", "uses": [], "why": "还行"},
]  # fmt: skip
EXPECTED_SAT_LABELS = {
    1.0: "很不满意",
    2.0: "不满意",
    3.0: "一般",
    4.0: "满意",
    5.0: "很满意",
    99.0: "不知道",  # not scored: user-missing codes above the scale
    98.0: "不适用",
}


@pytest.fixture
def survey(ctx):
    questionnaire = make_published(SURVEY)
    submit_all(questionnaire, ANSWERS)
    return questionnaire


def _export(runner, survey, out, *args):
    result = runner.invoke(args=["responses", "export", survey.slug, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def bundle(runner, survey, tmp_path, monkeypatch):
    """The SPSS zip, unpacked into tmp_path/bundle; its `.sav` written a row at a time, so
    every reader below reads one file joined from three batches (`export_sav_batches`)."""
    monkeypatch.setattr(export_stream_files, "SAV_BATCH_ROWS", 1)
    out = tmp_path / "responses.zip"
    _export(runner, survey, out, "--format", "sav")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["data.sav", "dictionary.csv", "mrsets.sps"]
        archive.extractall(tmp_path / "bundle")
    return tmp_path / "bundle"


def test_sav_reads_back_with_chinese_labels_codes_and_missing_values(bundle):
    data, meta = pyreadstat.read_sav(str(bundle / "data.sav"), user_missing=True)
    assert meta.column_names_to_labels["sat"] == "您对本次配送的总体满意度"
    assert meta.column_names_to_labels["uses_live"] == "用过的功能 / 直播购物"
    assert meta.column_names_to_labels["grid_speed"] == "请评价以下方面 / 速度"
    assert meta.variable_value_labels["sat"] == EXPECTED_SAT_LABELS
    assert meta.variable_value_labels["city"] == {1.0: "一线城市", 2.0: "二线城市"}
    assert sorted(r["lo"] for r in meta.missing_ranges["sat"]) == [98.0, 99.0]
    assert data["sat"].tolist() == [4.0, 99.0, 98.0]
    assert data["uses_live"].tolist() == [1.0, 0.0, 0.0]
    assert data["uses_coupon"].tolist() == [0.0, 1.0, 0.0]
    assert meta.variable_value_labels["feature_functional"][1.0] == "我喜欢"
    assert data["feature_functional"].tolist()[0] == 1.0
    measures = meta.variable_measure
    assert (measures["sat"], measures["grid_speed"], measures["stars"]) == (
        "nominal",
        "ordinal",
        "ordinal",
    )
    assert measures["uses_live"] == "nominal" and measures["duration_s"] == "scale"
    assert data["why"][0] == LONG_ANSWER and len(data["why"][0]) == 300
    assert meta.original_variable_types["why"] == "A900"
    assert data["note"].tolist()[:2] == ['\'=HYPERLINK("http://x")', "'-1+1"]
    assert all(name.isascii() and len(name.encode()) <= 64 for name in meta.column_names)


def test_submission_times_read_back_as_spss_datetimes_in_utc(bundle, survey):
    """Written as SPSS seconds (`export_sav.spss_seconds`), read back as the stored times."""
    data, meta = pyreadstat.read_sav(str(bundle / "data.sav"))
    assert meta.original_variable_types["submitted_at"] == "DATETIME20"
    stored = db.session.scalars(
        db.select(Response.submitted_at)
        .where(Response.questionnaire_id == survey.id)
        .order_by(Response.id)
    ).all()
    read = list(data.sort_values("response_id")["submitted_at"])
    assert len(read) == len(stored) == 3
    for back, kept in zip(read, stored, strict=True):
        assert abs(back - kept.replace(tzinfo=None)) < timedelta(milliseconds=1)


def test_without_missing_codes_spss_leaves_unscored_answers_out_of_the_mean(bundle):
    data, _meta = pyreadstat.read_sav(str(bundle / "data.sav"))  # user-missing read as NaN
    assert data["sat"].tolist()[0] == 4.0 and data["sat"].isna().tolist() == [False, True, True]


def test_the_syntax_file_defines_one_set_per_multiple_choice(bundle):
    syntax = (bundle / "mrsets.sps").read_text(encoding="utf-8")
    assert "/MDGROUP NAME=$uses LABEL='用过的功能' CATEGORYLABELS=VARLABELS" in syntax
    assert "VARIABLES=uses_live uses_coupon uses_order VALUE=1" in syntax


def test_the_dictionary_lists_every_code_with_its_label(bundle):
    rows = list(csv.reader(io.StringIO((bundle / "dictionary.csv").read_text("utf-8-sig"))))
    sat = [r for r in rows[1:] if r[0] == "sat"]
    assert [(r[5], r[6], r[7], r[8]) for r in sat] == [
        ("1", "1", "很不满意", "0"),
        ("2", "2", "不满意", "0"),
        ("3", "3", "一般", "0"),
        ("4", "4", "满意", "0"),
        ("5", "5", "很满意", "0"),
        ("dk", "99", "不知道", "1"),
        ("na", "98", "不适用", "1"),
    ]
    assert any(r[0] == "why" and r[2] == "您对我们有什么建议？" for r in rows)


PSPP = shutil.which("pspp")
PM = Role.PRODUCT_MANAGER


@pytest.mark.skipif(PSPP is None, reason="GNU PSPP is not installed (make system-deps)")
def test_pspp_reads_the_labels_the_long_answer_and_the_response_set(bundle, tmp_path):
    listing, values = tmp_path / "dictionary.csv", tmp_path / "values.csv"
    syntax = tmp_path / "check.sps"
    syntax.write_text(
        f"GET FILE='{bundle / 'data.sav'}'.\n"
        f"INSERT FILE='{bundle / 'mrsets.sps'}'.\n"
        "DISPLAY DICTIONARY.\n"
        "MRSETS /DISPLAY NAME=ALL.\n"
        f"SAVE TRANSLATE /OUTFILE='{values}' /TYPE=CSV /FIELDNAMES /CELLS=VALUES /REPLACE.\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [PSPP, "-O", "format=csv", "-o", str(listing), str(syntax)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    output = listing.read_text(encoding="utf-8")
    for words in ("您对本次配送的总体满意度", "不知道", "不适用", "用过的功能 / 直播购物"):
        assert words in output
    assert "$uses" in output and "Dichotomies" in output
    rows = list(csv.DictReader(io.StringIO(values.read_text(encoding="utf-8"))))
    assert rows[0]["why"].rstrip() == LONG_ANSWER
    assert [float(r["sat"]) for r in rows] == [4.0, 99.0, 98.0]


def test_xlsx_opens_with_openpyxl_with_a_codebook_sheet(runner, survey, tmp_path):
    out = tmp_path / "responses.xlsx"
    _export(runner, survey, out, "--format", "xlsx", "--labels")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["答卷", "编码本"]
    header, labels, *rows = [list(r) for r in book["答卷"].iter_rows(values_only=True)]
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert labels[header.index("sat")] == "您对本次配送的总体满意度"
    assert [c["sat"] for c in cells] == ["4", "dk", "na"]
    assert cells[0]["why"] == LONG_ANSWER
    assert [c["note"] for c in cells] == ['\'=HYPERLINK("http://x")', "'-1+1", None]
    assert (cells[0]["uses/live"], cells[1]["uses/live"]) == (1, 0)
    codebook = [list(r) for r in book["编码本"].iter_rows(values_only=True)]
    assert codebook[0][:3] == ["变量（SPSS）", "列", "题目"]
    assert ["sat", "sat", "您对本次配送的总体满意度", "single_choice", "nominal", "dk", 99,
            "不知道", 1] in codebook  # fmt: skip


def test_xlsx_with_option_text_in_the_cells(runner, survey, tmp_path):
    out = tmp_path / "readable.xlsx"
    _export(runner, survey, out, "--format", "xlsx", "--cell-labels")
    header, *rows = [list(r) for r in openpyxl.load_workbook(out)["答卷"].values]
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert [c["sat"] for c in cells] == ["满意", "不知道", "不适用"]
    assert cells[0]["uses"] == "直播购物；点餐"


def test_csv_keeps_chinese_and_neutralises_formulas(runner, survey, tmp_path):
    out = tmp_path / "responses.csv"
    _export(runner, survey, out, "--format", "csv")
    body = out.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["why"] == LONG_ANSWER and rows[2]["why"] == "还行"
    assert rows[0]["note"] == '\'=HYPERLINK("http://x")'


def _ids(path):
    return [r["response_id"] for r in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))]


def test_filters_by_segment_and_date_range(runner, survey, tmp_path):
    every, out = tmp_path / "all.csv", tmp_path / "f.csv"
    _export(runner, survey, every)
    first, second, third = _ids(every)
    _export(runner, survey, out, "--segment", "city=t1")
    assert _ids(out) == [first, third]
    _export(runner, survey, out, "--segment", "city=t1", "--segment", "city=t2")
    assert _ids(out) == [first, second, third]
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    _export(runner, survey, out, "--from", tomorrow)
    assert _ids(out) == []
    _export(runner, survey, out, "--until", tomorrow)
    assert _ids(out) == [first, second, third]


def test_an_unknown_segment_question_is_refused(runner, survey, tmp_path):
    args = ["responses", "export", survey.slug, "--out", str(tmp_path / "x.csv")]
    result = runner.invoke(args=[*args, "--segment", "nosuch=1"])
    assert result.exit_code == 1 and "nosuch" in result.output
    assert runner.invoke(args=[*args, "--segment", "city"]).exit_code == 2


def test_unfinished_responses_only_when_asked(runner, survey, tmp_path):
    save_partial(
        survey.latest_version,
        None,
        {"sat": "5", "why": "还没写完"},
        page_id="p1",
        invitation_hash=None,
        consent=None,
    )
    out = tmp_path / "p.csv"
    _export(runner, survey, out)
    assert len(_ids(out)) == 3
    _export(runner, survey, out, "--include-partial")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["status"] for r in rows] == ["complete", "complete", "complete", "partial"]
    assert rows[-1]["why"] == "还没写完" and rows[-1]["submitted_at"] == ""


def test_a_wave_and_a_version_choose_the_responses(runner, survey, tmp_path):
    from app.findings.waves import start_next_wave
    from app.questionnaires import services as questionnaires

    second = start_next_wave(survey, survey.study.created_by)
    questionnaires.publish(second, survey.study.created_by)
    submit_all(second, [{"sat": "5", "city": "t2", "why": "第二轮的答卷"}])
    out = tmp_path / "wave.csv"
    _export(runner, survey, out, "--wave", "2")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["why"] for r in rows] == ["第二轮的答卷"]
    _export(runner, survey, out, "--version", "1")
    assert len(_ids(out)) == 3
    args = ["responses", "export", survey.slug, "--out", str(out)]
    missing = runner.invoke(args=[*args, "--wave", "3"])
    assert missing.exit_code == 1 and "no published wave 3" in missing.output


def test_a_sav_path_gets_its_syntax_and_dictionary_beside_it(runner, survey, tmp_path):
    out = tmp_path / "配送.sav"
    _export(runner, survey, out, "--format", "sav")
    assert (tmp_path / "配送.sps").is_file() and (tmp_path / "配送.dictionary.csv").is_file()
    assert pyreadstat.read_sav(str(out))[1].number_rows == 3


def test_the_export_page_writes_the_file_as_a_job(client, auth, survey):
    auth.login("researcher@example.cn")
    page = client.get(results_url(survey, "/export"))
    assert page.status_code == 200 and "SPSS" in page.get_data(as_text=True)
    reply = client.post(
        results_url(survey, "/export"),
        data={"format": "sav", "cells": "values", "wave": "1", "seg.city": "t2"},
    )
    assert reply.status_code == 302
    job = db.session.scalars(db.select(Job).order_by(Job.id.desc())).first()
    assert job.kind == "response_export" and job.status is JobStatus.DONE
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "文件已生成" in page and 'id="job-download"' in page
    status = client.get(results_url(survey, f"/exports/{job.id}/status")).json
    download = client.get(status["download_url"])
    assert download.mimetype == "application/zip"
    assert f"responses-{survey.slug}.zip" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "mrsets.sps" in archive.namelist()


def test_the_export_page_refuses_a_version_the_questionnaire_lacks(client, auth, survey):
    auth.login("researcher@example.cn")
    reply = client.post(
        results_url(survey, "/export"), data={"format": "csv", "cells": "values", "wave": "1",
                                              "version": "7"}
    )  # fmt: skip
    assert reply.status_code == 200 and "没有第 7 版" in reply.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0


EXPORT_ACCESS = {
    "anonymous": (302, 302),
    "outsider": (404, 404),
    "viewer": (200, 302),
    "product_manager": (403, 403),
    "researcher": (200, 302),
    "owner": (200, 302),
}


@pytest.mark.parametrize("caller", EXPORT_ACCESS)
def test_export_access_by_role(client, auth, survey, caller):
    """Respondent-level data: every member but the product manager (test_needs_access.py)."""
    manager = make_user("product_manager@example.cn")
    db.session.add(Membership(user_id=manager.id, study_id=survey.study_id, role=PM))
    db.session.commit()
    if caller != "anonymous":
        auth.login(f"{caller}@example.cn")
    page, posted = EXPORT_ACCESS[caller]
    assert client.get(results_url(survey, "/export")).status_code == page
    form = {"format": "csv", "cells": "values", "wave": "1"}
    assert client.post(results_url(survey, "/export"), data=form).status_code == posted
    summary = client.get(results_url(survey, "/")).get_data(as_text=True)
    assert ("export-link" in summary) == (page == 200)


def test_another_studys_export_job_is_not_found(client, auth, survey):
    auth.login("researcher@example.cn")
    client.post(results_url(survey, "/export"), data={"format": "csv", "cells": "values",
                                                      "wave": "1"})  # fmt: skip
    job = db.session.scalars(db.select(Job)).one()
    other = make_published(SURVEY, study=make_study(make_user("other@example.cn")))
    other_url = results_url(other, f"/exports/{job.id}/download")
    assert client.get(other_url).status_code == 404
    assert client.get(results_url(survey, f"/exports/{job.id}/download")).status_code == 200
