"""The response table's cache follows every write of a response (`app.responses.cache`).

Each way a response is written or deleted is driven in turn, against sealed blocks: a new
respondent's submit the long way and the one-statement way, a progress save, a partial completed
late by the guarded UPDATE and by the transactional submit (a quota), a deleted response, the
test responses cleared. After each, the table read through the blocks is the table of the
answers themselves, a deleted response's answers are in no stored block, and every statement
that wrote to `responses` ran inside the one hook, `cache.response_write`.
"""

import re
import uuid
import zlib

import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import event

from app.extensions import db
from app.models import Response, ResponseStatus, ResponseTableBlock
from app.responses import cache, importing, listing, submission
from app.results.table import response_frame
from tests.factories import make_published
from tests.web.test_respond import ALL_TYPES, FULL_ANSWERS
from tests.web.test_response_table import reference_frame

BLOCK = 3
RESPONSE_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?responses"?\s', re.I)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", BLOCK)


@pytest.fixture
def writes(app, ctx):
    """Every statement run against `responses`, with whether it ran inside the hook."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if RESPONSE_WRITE.match(statement):
            seen.append((" ".join(statement.split()).upper(), cache.in_response_write()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def submit(client, slug, answers, **extra):
    reply = client.post(
        f"/s/{slug}/submit",
        json={"answers": answers, **extra},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert reply.status_code == 201, reply.json
    return reply.json["response_id"]


def save_progress(client, slug, answers):
    reply = client.post(f"/s/{slug}/progress", json={"answers": answers, "page": "p1"})
    assert reply.status_code == 200, reply.json


def follows(survey):
    """The table through the blocks is the table of the answers (test responses left out);
    the blocks are then sealed."""
    db.session.expire_all()
    tests = db.session.scalars(db.select(Response.id).where(Response.is_test)).all()
    expected = reference_frame(survey)
    expected = expected[~expected["response_id"].isin(tests)].reset_index(drop=True)
    assert_frame_equal(response_frame(survey), expected, check_exact=True)
    db.session.commit()


def stored_payloads(survey) -> list[bytes]:
    return db.session.scalars(
        db.select(ResponseTableBlock.payload).where(
            ResponseTableBlock.questionnaire_id == survey.id
        )
    ).all()


def stored_text(survey) -> bytes:
    """Every stored block of *survey*, uncompressed (a wiped block is empty)."""
    return b"".join(zlib.decompress(payload) for payload in stored_payloads(survey) if payload)


def test_every_write_of_a_response_passes_the_hook_and_the_table_follows(app, writes):
    survey = make_published(ALL_TYPES)
    quota = make_published(ALL_TYPES, settings={"quota": {"total": 100}}, study=survey.study)
    early = app.test_client()
    save_progress(early, survey.slug, {"name": "晚到的人"})  # a progress save
    quota_late = app.test_client()
    save_progress(quota_late, quota.slug, {"name": "配额里晚到的人"})
    for i in range(7):  # the long way first, then the remembered questionnaire's one statement
        submit(app.test_client(), survey.slug, {**FULL_ANSWERS, "name": f"受访者{i}"})
        submit(app.test_client(), quota.slug, {**FULL_ANSWERS, "name": f"配额{i}"})
    follows(survey)
    follows(quota)
    assert len(stored_payloads(survey)) == 2 and len(stored_payloads(quota)) == 2
    inserts = [statement for statement, _ in writes if statement.startswith("INSERT")]
    assert any(" SELECT " in s for s in inserts)  # the one-statement INSERT … SELECT
    assert any(" SELECT " not in s for s in inserts)  # the transactional submit's INSERT

    # A partial inside a sealed block's range completed late: the guarded UPDATE, …
    updates = len([s for s, _ in writes if s.startswith("UPDATE")])
    late = submit(early, survey.slug, {**FULL_ANSWERS, "name": "晚到的人"})
    assert db.session.get(Response, late).status is ResponseStatus.COMPLETE
    assert len([s for s, _ in writes if s.startswith("UPDATE")]) == updates + 1
    follows(survey)
    # … and the transactional submit, which locks the quota.
    quota_late_id = submit(quota_late, quota.slug, {**FULL_ANSWERS, "name": "配额里晚到的人"})
    assert quota_late_id < max(r.id for r in listing_rows(quota))  # inside a sealed range
    follows(quota)

    # A deleted response: no stored block keeps a copy of its answers, even before a read.
    doomed = next(r for r in listing_rows(survey) if r.answers.get("name") == "受访者1")
    assert "受访者1".encode() in stored_text(survey)
    assert listing.delete_response(survey, doomed.id) is not None
    db.session.commit()
    assert "受访者1".encode() not in stored_text(survey)
    follows(survey)

    # Test responses, stored and cleared: none is in the table at any point.
    for number in range(2):
        submission.submit(
            survey.latest_version,
            f"test-response-{number}",
            FULL_ANSWERS,
            secret=app.config["SECRET_KEY"],
            is_test=True,
        )
    follows(survey)
    assert listing.delete_test_responses(survey) == 2
    db.session.commit()
    follows(survey)

    assert {statement.split()[0] for statement, _ in writes} == {"INSERT", "UPDATE", "DELETE"}
    assert [statement for statement, hooked in writes if not hooked] == []


def test_a_write_outside_the_hook_is_seen(app, client, writes):
    """The guard above can fail: a statement that skips the hook is reported."""
    survey = make_published(ALL_TYPES)
    response_id = submit(client, survey.slug, FULL_ANSWERS)
    db.session.execute(db.delete(Response).where(Response.id == response_id))
    db.session.commit()
    assert [(statement.split()[0], hooked) for statement, hooked in writes] == [
        ("INSERT", True),
        ("DELETE", False),
    ]


def listing_rows(survey) -> list[Response]:
    return db.session.scalars(
        db.select(Response)
        .where(Response.questionnaire_id == survey.id, Response.status == ResponseStatus.COMPLETE)
        .order_by(Response.id)
    ).all()


def test_an_import_passes_the_hook_and_the_table_follows(app, writes):
    """Responses imported from another tool's export (`app.responses.importing`), added
    after sealed blocks, are in the table read through the blocks."""
    from tests.factories import submit_all
    from tests.web.test_response_import import DATA, DEFINITION

    survey = make_published(DEFINITION)
    submit_all(survey, [{"gender": "1", "satisfaction": n} for n in (1, 2, 3, 4)])
    follows(survey)
    importing.import_responses(
        survey, "wjx_text.csv", (DATA / "wjx_text.csv").read_bytes(), actor=None,
        zone="Asia/Shanghai", locale="zh_CN",
    )  # fmt: skip
    follows(survey)
    assert len(response_frame(survey)) == 7
    assert [statement for statement, hooked in writes if not hooked] == []
