"""Large imports (issue 30.9): past a limit refused with a message and nothing stored; within
it, one short write, so respondents submitting meanwhile are not refused."""

import io
import threading
import uuid

from analysis.qda.refi import MAX_CODES
from app.extensions import db
from app.interviews import exchange
from app.models import AuditEvent, Code, Questionnaire, Response, Study
from tests.factories import make_published, study_with_roles
from tests.hostile import codebook, xlsform
from tests.web.test_respond_concurrency import DEFINITION, server, submit  # noqa: F401


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_an_xlsform_with_20000_questions_is_refused_with_the_limit(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    reply = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(xlsform(20_000)), "大问卷.xlsx")},
        content_type="multipart/form-data",
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "题目过多：共 20000 题，一份问卷最多 2000 题" in page
    assert _count(Questionnaire) == 0


def test_a_codebook_past_the_code_limit_is_refused_and_nothing_stored(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    reply = client.post(
        f"/studies/{study.id}/interviews/codes/import",
        data={"file": (io.BytesIO(codebook(MAX_CODES + 1)), "大编码簿.qdc")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "编码簿的编码超过 5000 个，未导入任何编码。" in reply.get_data(as_text=True)
    assert _count(Code) == 0
    actions = db.select(db.func.count()).where(
        AuditEvent.action.in_(["codebook.import", "code.create"])
    )
    assert db.session.scalar(actions) == 0


def test_respondents_submit_while_a_codebook_at_the_limit_is_imported(app, ctx, server):  # noqa: F811
    study, _ = study_with_roles()
    slug = make_published(DEFINITION, study=study).slug
    study_id, data = study.id, codebook(MAX_CODES)
    imported: list[int] = []

    def run_import():
        with app.app_context():
            imported.append(exchange.import_qdc(db.session.get(Study, study_id), data))

    worker = threading.Thread(target=run_import)
    worker.start()
    statuses = []
    while worker.is_alive() or not statuses:
        status, _ = submit(
            f"{server}/s/{slug}/submit", uuid.uuid4().hex, {"region": "north", "nps": 8}
        )
        statuses.append(status)
    worker.join()
    assert imported == [MAX_CODES]
    assert set(statuses) == {201}
    db.session.rollback()
    assert _count(Response) == len(statuses)
    assert _count(Code) == MAX_CODES


def test_a_response_export_past_the_row_limit_is_refused_and_nothing_stored(client, auth, ctx):
    from surveys.imports import MAX_ROWS
    from tests.web.test_response_import import DEFINITION

    survey = make_published(DEFINITION)
    auth.login("owner@example.cn")
    lines = ["序号,提交答卷时间,所用时间,1、您的性别"]
    lines += [f"{n},2026/9/3 12:00:00,60秒,男" for n in range(1, MAX_ROWS + 2)]
    reply = client.post(
        f"/studies/{survey.study_id}/questionnaires/{survey.id}/responses/import",
        data={"file": (io.BytesIO("\n".join(lines).encode()), "问卷星.csv")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 422
    assert f"答卷过多：文件超过 {MAX_ROWS} 行，请分批导入" in reply.get_data(as_text=True)
    assert _count(Response) == 0
