"""Responses imported from other tools' exports (issue 24.2): each layout of
`tests/data/imports/` lands as responses that the results count like any other, a file with
misfits is refused whole with a message per row, and importing a file again adds nothing."""

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import AuditEvent, Response, ResponseStatus
from app.responses import counts, importing
from app.results import services
from app.results.export_jobs import ExportSpec, write_export
from app.results.export_table import ExportFilters
from app.results.table import response_frame
from surveys.imports import ImportCode
from tests.factories import make_published, submit_all

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
DEFINITION = json.loads((DATA / "definition.json").read_text(encoding="utf-8"))
ZONE = "Asia/Shanghai"
# (fixture, tool recognised, complete responses, their satisfaction ratings): read off the
# fixture files by hand.
EXPORTS = [
    ("wjx_text.csv", "wjx", 3, [5, 4, 3]),
    ("wjx_codes.csv", "wjx", 3, [5, 4, 3]),
    ("tencent.csv", "tencent", 2, [5, 4]),
    ("qualtrics.csv", "qualtrics", 2, [5, 4]),
    ("kobo.csv", "kobo", 2, [5, 4]),
    ("surveymonkey.csv", "surveymonkey", 2, [5, 4]),
]


def _import(questionnaire, name, data=None, **options):
    data = data if data is not None else (DATA / name).read_bytes()
    return importing.import_responses(
        questionnaire, name, data, actor=None, zone=ZONE, locale="zh_CN", **options
    )


def _stored(questionnaire):
    return db.session.scalars(
        db.select(Response).where(Response.questionnaire_id == questionnaire.id)
    ).all()


@pytest.mark.parametrize(("name", "tool", "complete", "ratings"), EXPORTS)
def test_each_tools_export_is_imported_and_counted_in_the_results(
    ctx, name, tool, complete, ratings
):
    survey = make_published(DEFINITION)
    done = _import(survey, name)
    assert (done.tool, done.skipped) == (tool, 0)
    assert counts.counts(survey)["complete"] == complete
    frame = response_frame(survey)
    assert sorted(frame["satisfaction"].tolist()) == sorted(ratings)
    assert {r.source for r in _stored(survey)} == {tool}


def test_imported_answers_keep_choices_other_text_and_skips(ctx):
    survey = make_published(DEFINITION)
    _import(survey, "wjx_text.csv")
    by_id = {r.source_id: r for r in _stored(survey)}
    assert by_id["1"].answers["features"] == ["live", "group"]
    assert by_id["2"].answers["features"] == ["coupon", "other"]
    assert by_id["2"].answers["features/other_text"] == "拼单返现"
    assert "advice" not in by_id["2"].answers  # (跳过): not answered
    assert "features" not in by_id["3"].answers
    assert by_id["1"].answers["aspects"] == {"quality": "5", "delivery": "4"}
    # 2026/9/3 12:00:00 in Beijing, 125秒 before it
    assert by_id["1"].submitted_at.isoformat() == "2026-09-03T04:00:00+00:00"
    assert by_id["1"].duration_s == 125.0
    assert by_id["3"].duration_s == 130.0  # 2分10秒


def test_the_results_summary_counts_and_averages_imported_responses(ctx, tmp_path):
    survey = make_published(DEFINITION)
    _import(survey, "wjx_text.csv")
    figures = services.summary(survey, tmp_path).figures
    rating = figures["questions"]["satisfaction"]
    assert figures["n"] == 3
    assert rating["mean"] == pytest.approx((5 + 4 + 3) / 3)  # by hand, from the fixture


def test_a_bad_file_is_refused_whole_with_a_message_per_row(ctx):
    survey = make_published(DEFINITION)
    with pytest.raises(importing.ImportRefused) as refused:
        _import(survey, "wjx_bad.csv")
    problems = refused.value.preview.plan.problems
    assert {(p.row, p.code) for p in problems} == {
        (3, ImportCode.NOT_AN_OPTION),  # 外星人
        (4, ImportCode.NOT_A_TIME),  # 昨天下午
        (4, ImportCode.NOT_AN_OPTION),  # 外卖
        (4, ImportCode.NOT_A_NUMBER),  # 六
        (4, ImportCode.NOT_AN_ANSWER),  # NPS 11
        (5, ImportCode.DUPLICATE_SOURCE_ID),  # 序号 3 again
    }
    alien = next(p for p in problems if p.row == 3)
    assert (alien.column, alien.value) == ("1、您的性别", "外星人")
    assert alien.message("zh_CN") == "“外星人”不是本题的选项"
    assert _stored(survey) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "responses.import")) == 0  # fmt: skip


def test_importing_the_same_file_again_adds_nothing(ctx):
    survey = make_published(DEFINITION)
    assert _import(survey, "qualtrics.csv").stored == 4
    again = _import(survey, "qualtrics.csv")
    assert (again.stored, again.skipped) == (0, 4)
    assert len(_stored(survey)) == 4


def test_a_qualtrics_preview_is_a_test_response_and_an_unfinished_one_is_partial(ctx):
    survey = make_published(DEFINITION)
    _import(survey, "qualtrics.csv")
    by_id = {r.source_id: r for r in _stored(survey)}
    assert by_id["R_3c4D5e6F7g8H9i0"].is_test
    unfinished = by_id["R_4d5E6f7G8h9I0j1"]
    assert (unfinished.status, unfinished.submitted_at) == (ResponseStatus.PARTIAL, None)
    assert counts.counts(survey) == {"partial": 1, "complete": 2}


def test_a_file_of_no_known_layout_is_imported_through_a_column_mapping(ctx):
    survey = make_published(DEFINITION)
    checked = importing.preview(
        survey, "unknown_layout.csv", (DATA / "unknown_layout.csv").read_bytes(),
        zone=ZONE, locale="zh_CN",
    )  # fmt: skip
    assert checked.tool == "csv"
    assert checked.refusal.code == ImportCode.NOTHING_MAPPED
    mapping = {0: "response_id", 1: "submitted_at", 2: "gender", 3: "satisfaction", 4: "advice"}
    done = _import(survey, "unknown_layout.csv", mapping=mapping)
    assert done.stored == 2
    stored = {r.source_id: r for r in _stored(survey)}
    assert stored["A-01"].answers == {
        "gender": "1",
        "satisfaction": 5,
        "advice": "希望增加夜间配送",
    }
    assert stored["A-02"].submitted_at.isoformat() == "2026-09-03T04:05:00+00:00"


def test_a_mapping_that_names_one_question_twice_is_refused(ctx):
    survey = make_published(DEFINITION)
    with pytest.raises(importing.ImportRefused) as refused:
        _import(survey, "unknown_layout.csv", mapping={2: "gender", 3: "gender"})
    assert refused.value.preview.refusal.code == ImportCode.TARGET_TWICE


def test_wenfangs_own_export_imports_back_into_another_questionnaire(ctx, tmp_path):
    source = make_published(DEFINITION)
    answers = [
        {"gender": "1", "age": "18_24", "features": ["live", "other"],
         "features/other_text": "直播间抽奖", "satisfaction": 5, "nps": 9,
         "aspects": {"quality": "5", "delivery": "4"}, "advice": "希望增加夜间配送"},
        {"gender": "2", "features": ["coupon"], "satisfaction": 2, "nps": 4,
         "aspects": {"quality": "2"}},
    ]  # fmt: skip
    submit_all(source, answers)
    for label_cells in (False, True):
        out = tmp_path / f"export-{label_cells}.csv"
        spec = ExportSpec(format="csv", label_cells=label_cells, label_row=label_cells,
                          filters=ExportFilters())  # fmt: skip
        with force_locale("zh_CN"):  # as the export command does
            write_export(source, spec, out, locale="zh_CN", zone=ZONE)
        target = make_published(DEFINITION, study=source.study)
        assert _import(target, out.name, out.read_bytes()).tool == "wenfang"
        imported = sorted((r.answers for r in _stored(target)), key=lambda a: a["gender"])
        assert imported == answers
        seconds = [t[:19] for t in response_frame(source)["submitted_at"]]  # as exported
        assert [t[:19] for t in response_frame(target)["submitted_at"]] == seconds


def test_an_xlsx_export_is_read_like_its_csv(ctx):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    text = (DATA / "wjx_text.csv").read_text(encoding="utf-8-sig")
    import csv

    for row in csv.reader(io.StringIO(text)):
        sheet.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    survey = make_published(DEFINITION)
    assert _import(survey, "问卷星.xlsx", buffer.getvalue()).stored == 3
    assert sorted(response_frame(survey)["nps"].tolist()) == [7, 9, 10]


def _upload(client, survey, name, data=None, **fields):
    data = data if data is not None else (DATA / name).read_bytes()
    return client.post(
        f"/studies/{survey.study_id}/questionnaires/{survey.id}/responses/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _form_of(page: str) -> dict:
    """The dry run's form as the browser would send it: csrf, tool and each column's target."""
    import re

    fields = dict(re.findall(r'name="(csrf_token|tool)"[^>]*value="([^"]*)"', page))
    for name, options in re.findall(
        r'<select[^>]*name="(map-\d+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    fields.setdefault("tool", "")
    return fields


def test_a_researcher_uploads_checks_and_confirms_an_import(client, auth, ctx):
    survey = make_published(DEFINITION)
    auth.login("researcher@example.cn")
    reply = _upload(client, survey, "wjx_text.csv")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "问卷星" in page
    assert 'id="import-ready"' in page
    action = re.search(r'action="([^"]*/responses/import/[0-9a-f]{32})"', page).group(1)
    assert _stored(survey) == []  # the dry run stores nothing
    confirm = client.post(action, data={**_form_of(page), "confirm": "1"})
    assert confirm.status_code == 302
    assert counts.counts(survey)["complete"] == 3
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "responses.import"))
    assert event.detail["tool"] == "wjx" and event.detail["stored"] == 3


def test_the_dry_run_page_lists_each_bad_row_and_offers_no_confirmation(client, auth, ctx):
    survey = make_published(DEFINITION)
    auth.login("researcher@example.cn")
    reply = _upload(client, survey, "wjx_bad.csv")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "“外星人”不是本题的选项" in page
    assert "“昨天下午”不是可识别的时间" in page
    assert "答卷编号“3”在文件中重复（第 4 行已出现）" in page
    assert 'name="confirm"' not in page
    action = re.search(r'action="([^"]*/responses/import/[0-9a-f]{32})"', page).group(1)
    forced = client.post(action, data={**_form_of(page), "confirm": "1"})
    assert forced.status_code == 422
    assert _stored(survey) == []


def test_the_mapping_screen_imports_a_file_of_no_known_layout(client, auth, ctx):
    survey = make_published(DEFINITION)
    auth.login("owner@example.cn")
    page = _upload(client, survey, "unknown_layout.csv").get_data(as_text=True)
    assert "没有任何一列对应到问卷的题目" in page
    action = re.search(r'action="([^"]*/responses/import/[0-9a-f]{32})"', page).group(1)
    fields = {**_form_of(page), "map-0": "response_id", "map-1": "submitted_at",
              "map-2": "gender", "map-3": "satisfaction", "map-4": "advice"}  # fmt: skip
    checked = client.post(action, data={**fields, "check": "1"})
    assert 'id="import-ready"' in checked.get_data(as_text=True)
    assert _stored(survey) == []
    client.post(action, data={**fields, "confirm": "1"})
    assert sorted(r.source_id for r in _stored(survey)) == ["A-01", "A-02"]


def test_an_xls_file_is_refused_with_a_message(client, auth, ctx):
    survey = make_published(DEFINITION)
    auth.login("owner@example.cn")
    reply = _upload(client, survey, "问卷星.xls", b"\xd0\xcf\x11\xe0")
    assert reply.status_code == 422
    assert _stored(survey) == []


def test_the_command_line_dry_run_stores_nothing_and_the_import_stores_all(runner, ctx):
    survey = make_published(DEFINITION)
    file = str(DATA / "tencent.csv")
    dry = runner.invoke(args=["responses", "import", survey.slug, file, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "layout: tencent" in dry.output
    assert "dry run: 2 responses would be imported" in dry.output
    assert _stored(survey) == []
    done = runner.invoke(args=["responses", "import", survey.slug, file])
    assert "imported 2 responses (0 imported before, skipped)" in done.output
    db.session.expire_all()
    assert counts.counts(survey)["complete"] == 2


def test_the_command_line_refuses_a_bad_file_with_a_line_per_problem(runner, ctx):
    survey = make_published(DEFINITION)
    reply = runner.invoke(args=["responses", "import", survey.slug, str(DATA / "wjx_bad.csv")])
    assert reply.exit_code == 1
    assert "row 3, 1、您的性别: “外星人”不是本题的选项" in reply.output
    assert "row 5: 答卷编号“3”在文件中重复（第 4 行已出现）" in reply.output
    assert "nothing imported" in reply.output
    assert _stored(survey) == []


def test_the_command_line_maps_columns_of_an_unknown_layout(runner, ctx):
    survey = make_published(DEFINITION)
    maps = ["--map", "编号=response_id", "--map", "性别=gender", "--map", "#4=satisfaction"]
    args = ["responses", "import", survey.slug, str(DATA / "unknown_layout.csv"), *maps]
    reply = runner.invoke(args=args)
    assert reply.exit_code == 0, reply.output
    db.session.expire_all()
    assert sorted(r.answers["satisfaction"] for r in _stored(survey)) == [4, 5]


def test_an_imported_response_shows_where_it_came_from(client, auth, ctx):
    survey = make_published(DEFINITION)
    _import(survey, "wjx_text.csv")
    first = next(r for r in _stored(survey) if r.source_id == "1")
    auth.login("viewer@example.cn")
    page = client.get(
        f"/studies/{survey.study_id}/questionnaires/{survey.id}/results/responses/{first.id}"
    ).get_data(as_text=True)
    assert "导入自 问卷星（wjx.cn）（原编号：1）" in page


def test_the_audit_log_reads_the_import_as_a_sentence(ctx):
    from app.audit_sentences import describe

    survey = make_published(DEFINITION)
    _import(survey, "kobo.csv")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "responses.import"))
    with force_locale("zh_CN"):
        [line] = describe([event])
    assert line.sentence == f"系统 从 kobo.csv（KoboToolbox）向问卷“{survey.title}”导入了 2 份答卷"


@pytest.mark.parametrize("label_cells", [False, True])
def test_every_question_type_survives_a_wenfang_export_and_import(ctx, tmp_path, label_cells):
    from tests.web.test_respond import ALL_TYPES, FULL_ANSWERS

    source = make_published(ALL_TYPES)
    submit_all(source, [FULL_ANSWERS])
    out = tmp_path / "all-types.csv"
    spec = ExportSpec(format="csv", label_cells=label_cells, label_row=label_cells,
                      filters=ExportFilters())  # fmt: skip
    with force_locale("zh_CN"):
        write_export(source, spec, out, locale="zh_CN", zone=ZONE)
    target = make_published(ALL_TYPES, study=source.study)
    _import(target, out.name, out.read_bytes())
    [original] = _stored(source)
    [copied] = _stored(target)
    assert copied.answers == original.answers
