"""The anonymous respondent endpoints under attack and in a new respondent's hands (issues 30
and 27): bounded bodies and partials, answers shaped by their questions, keys scoped to their
questionnaire, no 500 for deep JSON or control characters, archived studies closed, the
server's consent time, the resume link through the consent page, a truthful end page.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Response, ResponseStatus
from app.responses import listing
from app.studies import services as studies
from tests.conftest import RequestPerContextClient, make_app
from tests.definitions import ALL_TYPES, FULL_ANSWERS
from tests.factories import make_published
from tests.web.test_respond import key, post, rows

CONSENT = {
    "required": True,
    "notice_version": "2026-12",
    "purpose": "改进外卖体验",
    "data_collected": "您的答案，不含姓名",
    "retention": "12 个月",
    "who_sees": "本研究团队",
}


@pytest.fixture
def survey(ctx):
    return make_published(ALL_TYPES)


def progress(client, slug, answers, **extra):
    return client.post(f"/s/{slug}/progress", json={"answers": answers, "page": "p1", **extra})


# ---- 30.1: bodies, shapes and partials bounded -------------------------------------------------


class CountingStream(io.BytesIO):
    """A request body that records whether anything read it."""

    def __init__(self, size: int):
        super().__init__(b'{"answers": {"name": "' + b"x" * size + b'"}}')
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)


@pytest.mark.parametrize("endpoint", ["progress", "submit"])
def test_a_body_over_the_respondent_limit_is_refused_before_it_is_read(
    client, survey, app, endpoint
):
    limit = app.config["RESPOND_MAX_BODY"]
    assert limit == 256 * 1024
    body = CountingStream(limit)
    reply = client.post(
        f"/s/{survey.slug}/{endpoint}",
        input_stream=body,
        content_type="application/json",
        content_length=len(body.getvalue()),
        headers={"Idempotency-Key": key()},
    )
    assert reply.status_code == 413
    assert reply.json["error"] == "too_large"
    assert "256 KB" in reply.json["message"] and "答案过长" in reply.json["message"]
    assert body.reads == 0
    assert rows() == []
    # The no-JavaScript form post too, with a page in the respondent's language.
    form = client.post(f"/s/{survey.slug}", data={"name": "x" * limit, "_key": key()})
    assert form.status_code == 413 and "答案过长" in form.get_data(as_text=True)
    # Just under the limit is an ordinary save (the test client escapes 好 as \u597d).
    assert progress(client, survey.slug, {"story": "好" * 40_000}).status_code == 200


@pytest.mark.parametrize(
    ("qid", "value"),
    [
        ("name", [["好"] * 200] * 100),  # a text answer that is a nested list
        ("name", "x" * 100_001),  # past the text limit
        ("region", "west"),  # not an option
        ("region", {"value": "north"}),
        ("channels", ["app", "app", "app"]),  # a repeated option
        ("channels", ["app", ["mini"]]),
        ("grid", {"speed": "4", "smell": "5"}),  # not a row
        ("grid", {"speed": ["4", "5"]}),  # one value per row in a single-choice matrix
        ("rank", ["a", "a"]),
        ("feature", {"functional": "like", "extra": "like"}),
        ("feature", {"functional": "love"}),
        ("agree", "yes"),
        ("age", {"years": 31}),
        ("age", "3" * 101),
        ("region/other_text", "西" * 1001),
    ],
)
def test_progress_refuses_answers_not_shaped_like_their_question(client, survey, qid, value):
    answers = {"region": "other", qid: value} if qid.endswith("other_text") else {qid: value}
    reply = progress(client, survey.slug, answers)
    assert reply.status_code == 422, reply.json
    assert set(reply.json["errors"]) == {qid.split("/")[0]}
    assert rows() == []


def test_progress_keeps_unfinished_answers_and_drops_unknown_keys(client, survey):
    answers = {
        "age": "3",  # typed so far
        "nps": 11,  # out of range, not yet checked
        "rank": ["c"],
        "grid": {"speed": "2"},
        "feature": {"functional": "like"},
        "nosuch": "x" * 1000,
        "grid/other_text": "no other option here",
    }
    assert progress(client, survey.slug, answers).status_code == 200
    [row] = rows()
    assert listing.answers_of(row.id) == {
        "age": "3",
        "nps": 11,
        "rank": ["c"],
        "grid": {"speed": "2"},
        "feature": {"functional": "like"},
    }


def _limited_app(database_url, instance, **settings):
    defaults = {
        "RATELIMIT_ENABLED": True,
        "RESPOND_NEW_RESPONDENT_LIMIT": "2/hour",
        "PROXY_HOPS": 1,
    }
    limited = make_app(database_url, instance, **{**defaults, **settings})
    limited.test_client_class = RequestPerContextClient
    return limited


def _from(address):
    return {"X-Forwarded-For": address}


@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:1/0"], ids=["up", "down"])
def test_new_responses_are_capped_per_client_address_and_questionnaire(
    database_url, tmp_path, storage
):
    """Each cookie-less save starts a partial: a client address may start two responses an
    hour here. A respondent saving again (with the cookie) is not counted, and completes
    their partial; a submit that completes none is one more new response; another address
    or another questionnaire has its own count. With the limiter's storage down (nothing
    listens on port 1), the count goes on in memory."""
    app = _limited_app(database_url, tmp_path / "i", RATELIMIT_STORAGE_URI=storage)
    with app.app_context():
        db.create_all()
        survey = make_published(ALL_TYPES)
        slug, other = survey.slug, make_published(ALL_TYPES, study=survey.study).slug
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    honest = app.test_client()
    saves = [
        client.post(
            f"/s/{slug}/progress", json={"answers": {"name": "小王"}}, headers=_from(address)
        ).status_code
        for client in (honest, app.test_client(), app.test_client())
    ]
    assert saves == [200, 200, 429]
    again = honest.post(
        f"/s/{slug}/progress", json={"answers": {"name": "小王二"}}, headers=_from(address)
    )
    assert again.status_code == 200
    refused = app.test_client().post(
        f"/s/{slug}/progress", json={"answers": {"name": "x"}}, headers=_from(address)
    )
    assert refused.status_code == 429 and refused.json["error"] == "too_many_respondents"
    assert "答案已保存在本设备上" in refused.json["message"]
    elsewhere = app.test_client().post(
        f"/s/{other}/progress", json={"answers": {"name": "x"}}, headers=_from(address)
    )
    neighbour = app.test_client().post(
        f"/s/{slug}/progress", json={"answers": {"name": "x"}}, headers=_from("198.51.100.9")
    )
    assert (elsewhere.status_code, neighbour.status_code) == (200, 200)

    def submit(client):
        return client.post(
            f"/s/{slug}/submit",
            json={"answers": FULL_ANSWERS},
            headers={"Idempotency-Key": key(), **_from(address)},
        ).status_code

    assert (submit(app.test_client()), submit(honest)) == (429, 201)
    with app.app_context():
        statuses = db.session.scalars(db.select(Response.status)).all()
        assert statuses.count(ResponseStatus.PARTIAL) == 3
        assert statuses.count(ResponseStatus.COMPLETE) == 1
        db.session.remove()
        db.engine.dispose()


# ---- 30.4: idempotency keys belong to one questionnaire ---------------------------------------


@pytest.mark.parametrize("found_before", [False, True], ids=["lookup", "one-statement"])
def test_a_key_used_on_one_questionnaire_is_a_new_response_on_another(client, survey, found_before):
    other = make_published(ALL_TYPES, study=survey.study)
    if found_before:  # the process remembers the second questionnaire: one-statement path
        assert post(client, other.slug, FULL_ANSWERS).status_code == 201
    shared = key()
    first = post(client, survey.slug, FULL_ANSWERS, shared)
    theirs = {**FULL_ANSWERS, "name": "另一位"}
    second = post(client, other.slug, theirs, shared)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json["response_id"] != first.json["response_id"]
    assert second.json["receipt"] != first.json["receipt"]
    stored = db.session.get(Response, second.json["response_id"])
    assert stored.questionnaire_id == other.id
    assert listing.answers_of(stored.id)["name"] == "另一位"
    repeat = post(client, other.slug, theirs, shared)
    assert (repeat.status_code, repeat.json["response_id"]) == (200, stored.id)
    assert repeat.json["receipt"] == second.json["receipt"]


# ---- 30.8 and 30.10: no 500 for deep JSON or control characters ------------------------------


@pytest.mark.parametrize("endpoint", ["progress", "submit"])
def test_json_nested_thousands_deep_is_refused_with_a_message(client, survey, endpoint):
    body = '{"answers": {"name": ' + "[" * 5000 + "]" * 5000 + "}}"
    reply = client.post(
        f"/s/{survey.slug}/{endpoint}",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": key()},
    )
    assert reply.status_code == 400
    assert reply.json["error"] == "bad_json" and "嵌套" in reply.json["message"]
    assert rows() == []


@pytest.mark.parametrize("control", ["\u0000", "\u0007", "\u001b", "\u0085", "\ud800"])
def test_control_characters_in_answers_are_refused_beside_the_question(client, survey, control):
    answers = {**FULL_ANSWERS, "name": f"小{control}王", "region/other_text": f"西{control}部"}
    submitted = post(client, survey.slug, answers)
    assert submitted.status_code == 422
    assert set(submitted.json["errors"]) == {"name", "region"}
    assert "控制字符" in submitted.json["errors"]["name"]
    saved = progress(client, survey.slug, {"name": f"小王{control}"})
    assert saved.status_code == 422 and "控制字符" in saved.json["errors"]["name"]
    assert rows() == []
    # Tab and line breaks (a form post sends CR LF) are text.
    fine = {**FULL_ANSWERS, "story": "送得快\r\n味道\t好"}
    assert post(client, survey.slug, fine).status_code == 201


def test_an_unknown_page_id_is_not_stored(client, survey):
    reply = progress(client, survey.slug, {"name": "小王"}, page="p2\u0000", next_page="p9")
    assert reply.status_code == 200
    assert rows()[0].page_id == ""


# ---- 30.11: an archived study is read-only for respondents too --------------------------------


def test_questionnaires_of_an_archived_study_take_no_answers(client, app, survey):
    """The process remembers the questionnaire as open before each archive, so the submits
    reach the one-statement writes: the UPDATE completing a partial, then a new
    respondent's INSERT; their guard refuses, and the long way answers 410 as for a
    closed questionnaire."""
    assert progress(client, survey.slug, {"name": "小王"}).status_code == 200  # remembered
    studies.set_archived(survey.study, True)
    page = client.get(f"/s/{survey.slug}")
    assert page.status_code == 410 and 'data-code="closed"' in page.get_data(as_text=True)
    completing = post(client, survey.slug, FULL_ANSWERS)
    assert (completing.status_code, completing.json["error"]) == (410, "closed")
    studies.set_archived(survey.study, False)
    assert post(app.test_client(), survey.slug, FULL_ANSWERS).status_code == 201  # remembered
    studies.set_archived(survey.study, True)
    newcomer = app.test_client()
    refused = post(newcomer, survey.slug, FULL_ANSWERS)
    assert (refused.status_code, refused.json["error"]) == (410, "closed")
    assert progress(newcomer, survey.slug, {"name": "x"}).status_code == 410
    form = newcomer.post(f"/s/{survey.slug}", data={"region": "south", "_key": key()})
    assert form.status_code == 410
    assert sorted(r.status.value for r in rows()) == ["complete", "partial"]


# ---- 30.12: the server's consent time; the form post's key ------------------------------------


def test_the_consent_time_is_the_servers_not_the_browsers(client, ctx):
    survey = make_published(ALL_TYPES, settings={"consent": CONSENT})
    before = datetime.now(UTC)
    claimed = {"notice_version": "2026-12", "given_at": "1900-01-01T00:00:00Z"}
    assert post(client, survey.slug, FULL_ANSWERS, consent=claimed).status_code == 201
    [row] = rows()
    assert before - timedelta(seconds=1) <= row.consent_given_at <= datetime.now(UTC)


def test_a_bad_key_on_the_form_post_keeps_the_answers_and_asks_to_submit_again(client, survey):
    page = client.post(f"/s/{survey.slug}", data={"region": "south", "name": "小王", "_key": "x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "本页面已被更改或已过期" in html and "本问卷暂不接受作答" not in html
    assert 'value="小王"' in html and 'name="_key" value="x"' not in html
    assert rows() == []


# ---- 27.2 and 27.3: resume through consent; the end page's promise ------------------------------


def test_the_resume_link_keeps_its_answers_through_the_consent_page(client, app, ctx):
    survey = make_published(ALL_TYPES, settings={"consent": CONSENT})
    client.post(f"/s/{survey.slug}/consent", data={"decision": "agree"})
    saved = progress(client, survey.slug, {"name": "小王"}, page="p2")
    resume = saved.json["resume_url"].replace("http://localhost", "")
    other = app.test_client()
    notice = other.get(resume).get_data(as_text=True)
    token = resume.split("?r=")[1]
    assert f'name="r" value="{token}"' in notice
    agreed = other.post(f"/s/{survey.slug}/consent", data={"decision": "agree", "r": token})
    assert agreed.status_code == 302 and agreed.location.endswith(resume)
    form = other.get(agreed.location).get_data(as_text=True)
    assert 'value="小王"' in form
    assert '"page": "p2"' in form or '"page":"p2"' in form


def test_the_end_page_promises_no_page_that_does_not_exist(client, survey):
    done = client.post(f"/s/{survey.slug}", data={"region": "south", "_key": key()})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "receipt-code" in html
    assert "查看或删除" not in html and "联系研究人员" in html
    page = client.get(f"/s/{make_published(ALL_TYPES, study=survey.study).slug}")
    assert "查看或删除" not in page.get_data(as_text=True)
    assert "联系研究人员" in page.get_data(as_text=True)  # the end panel of the script
