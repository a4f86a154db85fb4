"""The respondent's form: every question type stored, validation, resume, exactly once,
logic on the server, HTML kept as text, access modes, quotas, consent, end page."""

import os
import re
import uuid

import pytest

from app.extensions import db
from app.models import Invitation, QuestionnaireStatus, Response, ResponseStatus
from app.questionnaires.services import PublishRefused
from app.respond.settings import read_settings
from app.responses import invitations, listing, records
from tests.definitions import ALL_TYPES, FULL_ANSWERS
from tests.factories import make_published


def key() -> str:
    return uuid.uuid4().hex


def post(client, slug, answers, idem=None, **extra):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": answers, **extra},
        headers={"Idempotency-Key": idem or key()},
    )


def rows(**where):
    query = db.select(Response)
    for name, value in where.items():
        query = query.where(getattr(Response, name) == value)
    return db.session.scalars(query).all()


@pytest.fixture
def survey(ctx):
    return make_published(ALL_TYPES)


def test_every_question_type_is_submitted_and_stored(client, survey):
    reply = post(client, survey.slug, FULL_ANSWERS)
    assert reply.status_code == 201, reply.json
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", reply.json["receipt"])
    [row] = rows()
    assert row.status is ResponseStatus.COMPLETE
    assert listing.answers_of(row.id) == FULL_ANSWERS
    assert row.submitted_at is not None and row.duration_s >= 0
    assert row.receipt_hash == records.token_hash(reply.json["receipt"])
    assert row.version.number == 1


def test_server_validation_errors_are_per_question_in_the_language(client, survey):
    reply = post(client, survey.slug, {"age": 300, "stars": 9})
    assert reply.status_code == 422
    assert set(reply.json["errors"]) == {"region", "age", "stars"}
    assert reply.json["errors"]["region"] == "此题为必答题"
    english = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": {}},
        headers={"Idempotency-Key": key(), "Accept-Language": "en"},
    )
    assert english.json["errors"]["region"] == "This question is required"
    assert rows() == []


def test_answers_to_hidden_questions_are_dropped(client, survey):
    answers = {**FULL_ANSWERS, "north_only": "饺子"}
    assert post(client, survey.slug, answers).status_code == 201
    stored = listing.answers_of(rows()[0].id)
    assert "north_only" not in stored
    north = {**answers, "region": "north"}
    del north["region/other_text"]
    assert post(client, survey.slug, north).status_code == 201
    assert {listing.answers_of(r.id).get("north_only") for r in rows()} == {None, "饺子"}


def test_same_key_twice_stores_one_row(client, survey):
    idem = key()
    first = post(client, survey.slug, FULL_ANSWERS, idem)
    second = post(client, survey.slug, {**FULL_ANSWERS, "name": "别人"}, idem)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["response_id"] == second.json["response_id"]
    assert first.json["receipt"] == second.json["receipt"]
    assert len(rows()) == 1
    assert listing.answers_of(first.json["response_id"])["name"] == "小王"


def test_submit_needs_an_idempotency_key_and_json(client, survey):
    assert client.post(f"/s/{survey.slug}/submit", json={"answers": {}}).status_code == 400
    assert client.post(f"/s/{survey.slug}/submit", data={"a": "1"}).status_code == 415
    assert client.post("/s/nosuchslug/submit", json={"answers": {}}).status_code == 404


def test_html_in_answers_is_stored_as_text_and_never_rendered(client, survey):
    evil = '<script>alert("x")</script><b onmouseover=alert(1)>粗</b>'
    answers = {**FULL_ANSWERS, "name": evil, "story": evil}
    saved = client.post(f"/s/{survey.slug}/progress", json={"answers": answers, "page": "p2"})
    assert saved.status_code == 200
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;" in page
    assert post(client, survey.slug, answers).status_code == 201
    assert listing.answers_of(rows(status=ResponseStatus.COMPLETE)[0].id)["name"] == evil


def test_partial_is_saved_and_resumed_after_closing_the_tab(client, survey, app):
    first = client.post(
        f"/s/{survey.slug}/progress",
        json={
            "answers": {
                "region": "south",
                "grid": {"speed": "2"},
                "rank": ["c", "a"],
                "feature": {"functional": "must_be"},
                "age": "abc",
            },
            "page": "p2",
        },
    )
    assert first.status_code == 200
    resume_url = first.json["resume_url"]
    [partial] = rows()
    assert partial.status is ResponseStatus.PARTIAL
    assert listing.answers_of(partial.id)["age"] == "abc"  # kept even though not valid yet

    # The same browser comes back (cookie): the page shows what was typed.
    page = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert re.search(r'value="south"\s+checked', page)
    assert re.search(r'name="grid/speed" id="grid-speed-2" value="2"\s+checked', page)
    assert re.search(r'<option value="1" selected>1</option>', page)  # rank of c
    assert re.search(r'value="must_be"\s+checked', page)
    assert '"page": "p2"' in page or '"page":"p2"' in page

    # Another browser, with the resume link only.
    other = app.test_client()
    resumed = other.get(resume_url.replace("http://localhost", ""))
    assert re.search(r'value="south"\s+checked', resumed.get_data(as_text=True))
    # Submitting completes that same row.
    reply = other.post(
        f"/s/{survey.slug}/submit",
        json={"answers": {**FULL_ANSWERS, "region": "south"}},
        headers={"Idempotency-Key": key()},
    )
    assert reply.status_code == 201 and reply.json["response_id"] == partial.id
    db.session.expire_all()
    assert [r.status for r in rows()] == [ResponseStatus.COMPLETE]
    assert other.get(resume_url).status_code == 200  # "already submitted" message
    again = client.post(f"/s/{survey.slug}/progress", json={"answers": {}, "page": "p1"})
    assert again.status_code == 409


def test_rejected_page_keeps_its_answers(client, survey):
    checked = client.post(
        f"/s/{survey.slug}/progress",
        json={"answers": {"name": "小王", "age": 300}, "page": "p2", "check_page": True},
    )
    assert checked.json["errors"] == {"age": "不能大于 120"}
    assert listing.answers_of(rows()[0].id) == {"name": "小王", "age": 300}
    # Without JavaScript: a whole-form post that fails comes back with every answer in place.
    form = {
        "region": "north",
        "north_only": "<i>面条</i>",
        "age": "300",
        "name": "小王",
        "rank/a": "2",
        "rank/b": "1",
        "feature/functional": "like",
        "_key": key(),
    }
    page = client.post(f"/s/{survey.slug}", data=form)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'value="300"' in html and 'value="小王"' in html and "&lt;i&gt;面条" in html
    assert re.search(r'value="north"\s+checked', html)
    assert re.search(r'value="like"\s+checked', html)
    assert "不能大于 120" in html
    assert rows(status=ResponseStatus.COMPLETE) == []


def test_form_post_without_javascript_submits_once(client, survey):
    form = {
        "region": "south",
        "channels": ["app", "mini"],
        "grid/speed": "3",
        "stars": "5",
        "age": "40",
        "rank/a": "1",
        "rank/b": "2",
        "rank/c": "3",
        "agree": "1",
        "feature/functional": "like",
        "feature/dysfunctional": "neutral",
        "_key": key(),
    }
    first = client.post(f"/s/{survey.slug}", data=form)
    assert first.status_code == 200 and "receipt-code" in first.get_data(as_text=True)
    assert client.post(f"/s/{survey.slug}", data=form).status_code == 200
    [row] = rows()
    stored = listing.answers_of(row.id)
    assert stored["rank"] == ["a", "b", "c"] and stored["stars"] == 5 and stored["agree"] is True
    assert stored["feature"] == {"functional": "like", "dysfunctional": "neutral"}


def test_closed_and_not_yet_open_questionnaires_show_a_message(client, ctx):
    closed = make_published(ALL_TYPES)
    closed.status = QuestionnaireStatus.CLOSED
    db.session.commit()
    page = client.get(f"/s/{closed.slug}")
    assert page.status_code == 410 and 'data-code="closed"' in page.get_data(as_text=True)
    assert "本问卷暂不接受作答" in page.get_data(as_text=True)
    assert post(client, closed.slug, FULL_ANSWERS).status_code == 410
    later = make_published(
        ALL_TYPES, settings={"opens_at": "2999-01-01T00:00:00Z"}, study=closed.study
    )
    page = client.get(f"/s/{later.slug}")
    assert page.status_code == 403 and 'data-code="not_open_yet"' in page.get_data(as_text=True)
    assert post(client, later.slug, FULL_ANSWERS).status_code == 403
    ended = make_published(
        ALL_TYPES, settings={"closes_at": "2000-01-01T00:00:00Z"}, study=closed.study
    )
    assert client.get(f"/s/{ended.slug}").status_code == 410
    assert rows() == []


def test_invitations_are_single_use(client, ctx):
    survey = make_published(ALL_TYPES, settings={"access": {"mode": "invitation"}})
    first, second = invitations.create_invitations(survey, 2)
    assert db.session.scalar(db.select(Invitation.token_hash).limit(1)) in {
        records.token_hash(first),
        records.token_hash(second),
    }  # only hashes are stored
    assert client.get(f"/s/{survey.slug}").status_code == 403
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 403
    assert client.get(f"/s/{survey.slug}?t={first}").status_code == 200
    assert post(client, survey.slug, FULL_ANSWERS, invitation=first).status_code == 201
    reused = post(client, survey.slug, FULL_ANSWERS, invitation=first)
    assert reused.status_code == 409 and reused.json["error"] == "invitation_used"
    assert client.get(f"/s/{survey.slug}?t={first}").status_code in (200, 403)
    assert post(client, survey.slug, FULL_ANSWERS, invitation=second).status_code == 201
    assert post(client, survey.slug, FULL_ANSWERS, invitation="forged-token").status_code == 403
    assert len(rows()) == 2


def test_quota_full_is_refused_with_the_custom_message(client, ctx):
    settings = {
        "quota": {
            "total": 3,
            "question": "region",
            "limits": {"north": 1},
            "message": "名额已满，感谢关注",
        }
    }
    survey = make_published(ALL_TYPES, settings=settings)
    north = {**FULL_ANSWERS, "region": "north"}
    del north["region/other_text"]
    assert post(client, survey.slug, north).status_code == 201
    full_region = post(client, survey.slug, north)
    assert full_region.status_code == 409
    assert full_region.json == {"error": "quota_full", "message": "名额已满，感谢关注"}
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 201
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 201
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 409
    page = client.get(f"/s/{survey.slug}")
    assert page.status_code == 409 and "名额已满，感谢关注" in page.get_data(as_text=True)
    assert len(rows()) == 3


def test_consent_first_and_declining_stores_nothing(client, ctx):
    consent = {
        "required": True,
        "notice_version": "2026-11",
        "purpose": "改进外卖体验",
        "data_collected": "您的答案，不含姓名",
        "retention": "12 个月",
        "who_sees": "本研究团队",
    }
    survey = make_published(ALL_TYPES, settings={"consent": consent})
    notice = client.get(f"/s/{survey.slug}").get_data(as_text=True)
    for text in consent.values():
        assert text is True or text in notice
    declined = client.post(f"/s/{survey.slug}/consent", data={"decision": "decline"})
    assert "没有记录" in declined.get_data(as_text=True) or declined.status_code == 200
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 403
    refused = client.post(f"/s/{survey.slug}/progress", json={"answers": {"name": "x"}})
    assert refused.status_code == 403
    assert rows() == []

    agreed = client.post(f"/s/{survey.slug}/consent", data={"decision": "agree"})
    assert agreed.status_code == 302
    assert 'id="survey-form"' in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 201
    [row] = rows()
    assert row.consent_notice_version == "2026-11" and row.consent_given_at is not None


def test_end_page_settings_and_unsafe_redirects(client, ctx):
    end = {"thank_you": "感谢参与！", "redirect_url": "https://example.cn/panel?done=1"}
    survey = make_published(ALL_TYPES, settings={"end": end})
    reply = post(client, survey.slug, FULL_ANSWERS)
    assert reply.json["end"] == end
    unsafe = {**ALL_TYPES, "settings": {"end": {"redirect_url": "javascript:alert(1)"}}}
    with pytest.raises(PublishRefused):
        make_published(unsafe, study=survey.study)
    # Even a stored definition that bypassed publishing never yields an unsafe redirect.
    assert read_settings(unsafe).redirect_url == ""


def test_one_response_per_browser(client, ctx):
    survey = make_published(ALL_TYPES, settings={"access": {"one_per_browser": True}})
    assert post(client, survey.slug, FULL_ANSWERS).status_code == 201
    page = client.get(f"/s/{survey.slug}")
    assert 'data-code="already_submitted"' in page.get_data(as_text=True)


def test_honeypot_filled_by_a_bot_stores_nothing(client, survey):
    reply = post(client, survey.slug, FULL_ANSWERS, hp="http://spam.example")
    assert reply.status_code == 201
    assert rows() == []
    assert post(client, survey.slug, FULL_ANSWERS, hp="").status_code == 201


def test_researcher_sees_in_progress_count_and_downloads_invitations(client, auth, survey, app):
    app.test_client().post(
        f"/s/{survey.slug}/progress", json={"answers": {"region": "north"}, "page": "p1"}
    )
    post(client, survey.slug, FULL_ANSWERS)
    base = f"/studies/{survey.study_id}/questionnaires/{survey.id}/responses/"
    assert client.get(base).status_code == 302  # sign in first
    auth.login("viewer@example.cn")
    page = client.get(base).get_data(as_text=True)
    assert re.search(r'id="count-partial">1<', page) and re.search(r'id="count-complete">1<', page)
    assert client.post(base + "invitations.csv", data={"count": 3}).status_code == 403
    auth.logout()
    auth.login("researcher@example.cn")
    csv_reply = client.post(base + "invitations.csv", data={"count": 3})
    assert csv_reply.status_code == 200 and csv_reply.mimetype == "text/csv"
    links = re.findall(rf"/s/{survey.slug}\?t=([\w-]+)", csv_reply.get_data(as_text=True))
    assert len(links) == 3
    assert {invitations.invitation_state(survey, t) for t in links} == {"valid"}
    auth.logout()
    auth.login("outsider@example.cn")
    assert client.get(base).status_code == 404


def test_new_respondents_are_rate_limited_per_client(database_url, tmp_path):
    from tests.conftest import make_app

    limited = make_app(
        database_url,
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RESPOND_NEW_RESPONDENT_LIMIT="3/minute",
    )
    with limited.app_context():
        db.create_all()
        slug = make_published(ALL_TYPES).slug
    client = limited.test_client()
    replies = [post(client, slug, FULL_ANSWERS) for _ in range(4)]
    assert [reply.status_code for reply in replies] == [201, 201, 201, 429]
    assert replies[-1].json["error"] == "too_many_respondents"
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def _unique_address() -> str:
    """An address of the IPv6 documentation range, random in its last 64 bits."""
    digits = uuid.uuid4().hex
    return "2001:db8::" + ":".join(digits[i : i + 4] for i in range(0, 16, 4))


def _limited_statuses(database_url, instance, slug, addresses, **settings):
    """A submit from each of *addresses* (in X-Forwarded-For) to a fresh app, as a new gunicorn
    process would see them: 3 new respondents a minute per client behind one trusted proxy,
    unless *settings* say otherwise."""
    from tests.conftest import make_app

    defaults = {
        "RATELIMIT_ENABLED": True,
        "RESPOND_NEW_RESPONDENT_LIMIT": "3/minute",
        "PROXY_HOPS": 1,
    }
    limited = make_app(database_url, instance, **{**defaults, **settings})
    client = limited.test_client()
    try:
        return [
            client.post(
                f"/s/{slug}/submit",
                json={"answers": FULL_ANSWERS},
                headers={"Idempotency-Key": key(), "X-Forwarded-For": address},
            ).status_code
            for address in addresses
        ]
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def test_behind_a_trusted_proxy_each_respondent_has_their_own_rate_limit(
    app, database_url, tmp_path
):
    """With WENFANG_PROXY_HOPS=1 the limit follows X-Forwarded-For, not the proxy's address;
    without it the header is ignored, so a client cannot forge its way out of the limit."""
    with app.app_context():
        slug = make_published(ALL_TYPES).slug
    two_clients = ["203.0.113.7", "203.0.113.7", "198.51.100.4", "198.51.100.4"]
    limit = {"RESPOND_NEW_RESPONDENT_LIMIT": "2/minute"}
    behind_proxy = _limited_statuses(database_url, tmp_path / "a", slug, two_clients, **limit)
    assert behind_proxy == [201, 201, 201, 201]
    no_proxy = _limited_statuses(
        database_url, tmp_path / "b", slug, two_clients, PROXY_HOPS=0, **limit
    )
    assert no_proxy == [201, 201, 429, 429]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_with_redis_the_gunicorn_processes_share_one_count(app, database_url, tmp_path):
    """Two processes (two app instances, each with its own connection to Redis) count the
    same client together: 2 + 2 submits against a limit of 3."""
    with app.app_context():
        slug = make_published(ALL_TYPES).slug
    address = _unique_address()  # a count of its own in Redis on every run
    redis = {"RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"]}
    first = _limited_statuses(database_url, tmp_path / "a", slug, [address] * 2, **redis)
    second = _limited_statuses(database_url, tmp_path / "b", slug, [address] * 2, **redis)
    assert first + second == [201, 201, 201, 429]
    # In memory, each process counts alone (what REDIS_URL is for).
    memory = {"RATELIMIT_STORAGE_URI": "memory://"}
    address = _unique_address()
    first = _limited_statuses(database_url, tmp_path / "c", slug, [address] * 2, **memory)
    second = _limited_statuses(database_url, tmp_path / "d", slug, [address] * 2, **memory)
    assert first + second == [201, 201, 201, 201]


def test_a_broken_rate_limit_storage_is_no_error_for_respondents(
    app, database_url, tmp_path, caplog
):
    """Redis down (nothing listens on the port): submits are stored and still limited (3 per
    minute here), counted in the process's memory; no 5xx. Redis is tried once, not on every
    request (a Redis that hangs would cost each one its timeout)."""
    with app.app_context():
        slug = make_published(ALL_TYPES).slug
    down = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}
    address = _unique_address()
    statuses = _limited_statuses(database_url, tmp_path / "down", slug, [address] * 4, **down)
    assert statuses == [201, 201, 201, 429]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 3
    assert [r.message for r in caplog.records].count(
        "rate-limit storage failed; respondents counted in memory for 10 s"
    ) == 1
