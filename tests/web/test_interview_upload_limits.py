"""A researcher's large upload never stops respondents (issue 30.2), and a file past a limit
is refused with a message naming it."""

import io
import re
import threading
import uuid

import pytest
from sqlalchemy import event

from app.extensions import db
from app.interviews import services
from app.models import Interview, Response
from tests.factories import make_published, study_with_roles
from tests.web.test_respond_concurrency import server, submit  # noqa: F401 - fixture

DEFINITION = {
    "schema_version": 1,
    "title": "上传期间的提交",
    "language": "zh_CN",
    "pages": [
        {
            "id": "p1",
            "questions": [{"id": "nps", "type": "nps", "title": "推荐意愿", "required": True}],
        }
    ],
}
WRITES = ("INSERT", "UPDATE", "DELETE")


JOB_ROW = re.compile(r"\s*(INSERT INTO|UPDATE) jobs\b", re.IGNORECASE)


def _upload(client, study_id, *files, **fields):
    data = {
        "files": [(io.BytesIO(content), name) for name, content in files],
        "kind": "interview",
        "encoding": "",
        "mask": "y",
        **fields,
    }
    return client.post(
        f"/studies/{study_id}/interviews/upload", data=data, content_type="multipart/form-data"
    )


def _long_transcript(turns: int) -> bytes:
    """`turns` alternating turns, about 60 bytes each: large, but under every limit."""
    lines = []
    for i in range(turns):
        if i % 2:
            lines.append(f"受访者：第{i}次说到，我一般早上七点去菜市场买新鲜的蔬菜和水果。")
        else:
            lines.append(f"主持人：第{i}个问题，您平时在哪里买菜？")
    return "\n".join(lines).encode()


def test_respondents_submit_while_a_large_upload_is_parsed(app, client, auth, ctx, server):  # noqa: F811
    """The upload (a job of two files, run inline) parses both files before it writes
    anything, so respondents who submit meanwhile get 201, not 500 "database is locked"
    (SQLite's one write lock)."""
    study, _ = study_with_roles()
    slug = make_published(DEFINITION, study=study).slug
    auth.login("researcher@example.cn")
    upload_thread = threading.get_ident()
    writes_before_parse: list[list[str]] = []
    statuses: list[int] = []
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        # The job's own row (its progress after each file) is a short commit of its own.
        if threading.get_ident() == upload_thread and not JOB_ROW.match(statement):
            statements.append(statement.split(None, 1)[0].upper())

    real_parse = services.parse_transcript

    def parse_while_respondents_submit(*args, **kwargs):
        writes_before_parse.append([s for s in statements if s in WRITES])
        transcript = real_parse(*args, **kwargs)
        # Still inside the upload request: respondents submit through the live server.
        for _ in range(2):
            status, _body = submit(f"{server}/s/{slug}/submit", uuid.uuid4().hex, {"nps": 9})
            statuses.append(status)
        return transcript

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(services, "parse_transcript", parse_while_respondents_submit)
            response = _upload(
                client,
                study.id,
                ("焦点小组全天.txt", _long_transcript(19_000)),
                ("访谈02.txt", _long_transcript(4_000)),
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert response.status_code == 302
    assert statuses == [201, 201, 201, 201]
    assert writes_before_parse == [[], []]  # nothing written until both files were parsed
    # Then one short write: a statement or two per table, not one per turn (23,000 of them).
    assert len([s for s in statements if s in WRITES]) <= 8
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 4
    turns = {i.source_filename: len(i.turns) for i in db.session.scalars(db.select(Interview))}
    assert turns == {"焦点小组全天.txt": 19_000, "访谈02.txt": 4_000}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_long_transcript(20_001), "最多 20000 段发言"),
        (("受访者：" + "很长的话" * 260_000).encode(), "最多 1000000 个字符"),
    ],
    ids=["turns", "text"],
)
def test_a_file_past_a_limit_is_refused_naming_it(client, auth, ctx, content, message):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    reply = _upload(
        client, study.id, ("超长访谈.txt", content), ("访谈02.txt", _long_transcript(10))
    )
    page = client.get(reply.location).get_data(True)  # the import job's page
    assert "超长访谈.txt</strong>: " in page and message in page
    assert [i.source_filename for i in db.session.scalars(db.select(Interview))] == ["访谈02.txt"]
