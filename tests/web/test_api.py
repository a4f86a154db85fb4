"""The REST API (issue 24.3): personal access tokens (hashed, scoped to one study and to
their creator's role at use time, expiring, revocable, last use shown), keyset pages of
responses, the form's idempotent submit, and every error as application/problem+json with a
stable code."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AccessToken, AuditEvent, Membership, Response, Role
from app.models.types import utcnow
from app.tokens.services import PREFIX, secret_hash
from tests.conftest import make_app
from tests.definitions import definition, long_text, nps, single_choice
from tests.factories import (
    make_code,
    make_interview,
    make_published,
    make_questionnaire,
    make_study,
    make_token,
    make_user,
    submit_all,
)

SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
    nps(required=True),
    long_text("why", "原因"),
    title="结账满意度",
)
PROBLEM = "application/problem+json"


@pytest.fixture
def world(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    product = make_user("pm@example.cn")
    study = make_study(owner, members={viewer: Role.VIEWER, product: Role.PRODUCT_MANAGER})
    questionnaire = make_published(SURVEY, study=study)
    ids = submit_all(questionnaire, [{"tier": "t1", "nps": n, "why": "配送快"} for n in range(7)])
    other_study = make_study(make_user("other@example.cn"), title="另一个研究")
    other = make_published(SURVEY, study=other_study)
    _, write = make_token(owner, study, scope="write")
    _, read = make_token(owner, study, scope="read")
    return {
        "owner": owner,
        "viewer": viewer,
        "product": product,
        "study": study,
        "questionnaire": questionnaire,
        "ids": ids,
        "other": other,
        "write": write,
        "read": read,
    }


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def problem(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert reply.mimetype == PROBLEM
    body = reply.get_json()
    assert body["code"] == code and body["status"] == status
    assert body["type"].endswith(code) and body["title"] and body["detail"]
    return body


# ---- tokens ---------------------------------------------------------------------------------


def test_a_token_is_stored_as_the_sha256_of_its_secret_never_the_secret(world):
    token, secret = make_token(world["owner"], world["study"])
    assert secret.startswith(PREFIX) and len(secret) >= len(PREFIX) + 43
    stored = db.session.get(AccessToken, token.id)
    assert stored.token_hash == secret_hash(secret)
    columns = [getattr(stored, c.key) for c in AccessToken.__table__.columns]
    assert secret not in [str(value) for value in columns]
    assert stored.hint == secret[: len(PREFIX) + 4]


def test_the_account_page_makes_a_token_shows_it_once_and_lists_its_last_use(client, auth, world):
    auth.login("owner@example.cn")
    reply = client.post(
        "/account/tokens/",
        data={"name": "数据仓库同步", "study": world["study"].id, "scope": "read", "days": 30},
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    secret = page.split('id="new-token-secret" readonly value="')[1].split('"')[0]
    assert secret.startswith(PREFIX)
    again = client.get("/account/tokens/").get_data(as_text=True)
    assert secret not in again and "数据仓库同步" in again and "尚未使用" in again
    assert client.get("/api/v1/studies", headers=bearer(secret)).status_code == 200
    listed = client.get("/account/tokens/").get_data(as_text=True)
    row = listed.split("数据仓库同步")[1].split("</tr>")[0]
    assert "尚未使用" not in row  # last used: now
    event = db.session.scalar(
        db.select(AuditEvent)
        .where(AuditEvent.action == "token.create")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    assert (
        event.detail["name"] == "数据仓库同步"
        and event.study_id == world["study"].id
        and event.detail["scope"] == "read"
    )


def test_a_viewer_cannot_make_a_write_token(client, auth, world):
    auth.login("viewer@example.cn")
    reply = client.post(
        "/account/tokens/",
        data={"name": "写入", "study": world["study"].id, "scope": "write", "days": 30},
    )
    assert reply.status_code == 422
    assert db.session.scalar(db.select(db.func.count(AccessToken.id))) == 2


def test_a_token_cannot_be_made_for_a_study_the_user_is_not_in(client, auth, world):
    auth.login("viewer@example.cn")
    other_study = world["other"].study_id
    reply = client.post(
        "/account/tokens/", data={"name": "越权", "study": other_study, "scope": "read", "days": 7}
    )
    assert reply.status_code == 422
    assert db.session.scalar(db.select(db.func.count(AccessToken.id))) == 2


def test_a_revoked_token_is_refused_with_token_revoked_and_the_revocation_is_audited(
    client, auth, world
):
    token = db.session.scalar(
        db.select(AccessToken).where(AccessToken.token_hash == secret_hash(world["read"]))
    )
    auth.login("viewer@example.cn")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404  # not theirs
    auth.logout()
    auth.login("owner@example.cn")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    problem(client.get("/api/v1/studies", headers=bearer(world["read"])), 401, "token_revoked")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "token.revoke"))


def test_an_expired_token_is_refused_with_token_expired(client, world):
    token = db.session.scalar(
        db.select(AccessToken).where(AccessToken.token_hash == secret_hash(world["read"]))
    )
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    problem(client.get("/api/v1/studies", headers=bearer(world["read"])), 401, "token_expired")


def test_last_use_is_written_at_most_once_a_minute(world):
    from app.tokens.services import mark_used

    token, _ = make_token(world["owner"], world["study"])
    first = utcnow()
    mark_used(token, first)
    mark_used(token, first + timedelta(seconds=30))
    assert db.session.get(AccessToken, token.id).last_used_at == first
    later = first + timedelta(minutes=2)
    mark_used(token, later)
    assert db.session.get(AccessToken, token.id).last_used_at == later


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wf_pat_not-a-real-token", "Basic b3duZXI6cHc=", f"Bearer {'x' * 200}"],
)
def test_a_request_without_a_known_token_is_unauthorized(client, world, header):
    headers = {"Authorization": header} if header else {}
    reply = client.get("/api/v1/studies", headers=headers)
    problem(reply, 401, "unauthorized")
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_without_a_token_gets_nothing_from_the_api(client, auth, world):
    auth.login("owner@example.cn")
    problem(client.get("/api/v1/studies"), 401, "unauthorized")


def test_a_read_token_may_not_submit(client, world):
    q = world["questionnaire"]
    reply = client.post(
        f"/api/v1/questionnaires/{q.id}/responses",
        json={"answers": {"tier": "t1", "nps": 9}},
        headers={**bearer(world["read"]), "Idempotency-Key": "read-token-0001"},
    )
    problem(reply, 403, "forbidden_scope")


def test_a_token_does_no_more_than_its_creators_role_allows_now(client, world):
    """A write token made by a researcher who is now a viewer reads, but does not submit; once
    they leave the study it does nothing."""
    researcher = make_user("researcher@example.cn")
    world["study"].memberships.append(Membership(user_id=researcher.id, role=Role.RESEARCHER))
    db.session.commit()
    _, secret = make_token(researcher, world["study"], scope="write")
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == researcher.id))
    membership.role = Role.VIEWER
    db.session.commit()
    q = world["questionnaire"]
    url = f"/api/v1/questionnaires/{q.id}/responses"
    headers = {**bearer(secret), "Idempotency-Key": "demoted-00001"}
    problem(
        client.post(url, json={"answers": {"tier": "t1", "nps": 9}}, headers=headers),
        403,
        "forbidden_role",
    )
    assert client.get(url, headers=bearer(secret)).status_code == 200
    db.session.delete(db.session.get(Membership, membership.id))
    db.session.commit()
    problem(client.get(url, headers=bearer(secret)), 401, "unauthorized")


def test_a_product_managers_token_reads_the_study_but_not_single_responses(client, world):
    _, secret = make_token(world["product"], world["study"])
    q = world["questionnaire"]
    assert client.get(f"/api/v1/questionnaires/{q.id}", headers=bearer(secret)).status_code == 200
    reply = client.get(f"/api/v1/questionnaires/{q.id}/responses", headers=bearer(secret))
    problem(reply, 403, "forbidden_role")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/studies/{study}",
        "/api/v1/studies/{study}/questionnaires",
        "/api/v1/studies/{study}/interviews",
        "/api/v1/questionnaires/{q}",
        "/api/v1/questionnaires/{q}/versions",
        "/api/v1/questionnaires/{q}/versions/1",
        "/api/v1/questionnaires/{q}/responses",
        "/api/v1/questionnaires/999999",
        "/api/v1/questionnaires/3000000000",  # past PostgreSQL's INTEGER: no 500
    ],
)
def test_ids_of_another_study_are_not_found(client, world, path):
    other = world["other"]
    url = path.format(study=other.study_id, q=other.id)
    problem(client.get(url, headers=bearer(world["read"])), 404, "not_found")


def test_another_studys_interview_and_its_highlights_are_not_found(client, world):
    other_study = world["other"].study
    interview = make_interview(other_study)
    for url in (
        f"/api/v1/interviews/{interview.id}",
        f"/api/v1/interviews/{interview.id}/highlights",
    ):
        problem(client.get(url, headers=bearer(world["read"])), 404, "not_found")


# ---- reading --------------------------------------------------------------------------------


def test_the_token_lists_its_study_questionnaires_and_versions_with_chinese_intact(client, world):
    headers = bearer(world["read"])
    [study] = client.get("/api/v1/studies", headers=headers).get_json()
    assert study["id"] == world["study"].id and study["title"] == "新版结账流程满意度研究"
    assert study["role"] == "owner" and study["scope"] == "read"
    make_questionnaire(definition(nps(), title="草稿问卷"), study=world["study"])
    listed = client.get(f"/api/v1/studies/{study['id']}/questionnaires", headers=headers)
    assert [(q["title"], q["latest_version"]) for q in listed.get_json()] == [
        ("结账满意度", 1),
        ("草稿问卷", None),
    ]
    q = world["questionnaire"]
    [version] = client.get(f"/api/v1/questionnaires/{q.id}/versions", headers=headers).get_json()
    assert version["number"] == 1
    titles = [
        item["title"] for page in version["definition"]["pages"] for item in page["questions"]
    ]
    assert titles == ["城市等级", "推荐意愿", "原因"]


def test_responses_come_in_keyset_pages_that_end_with_no_cursor(client, world):
    q, headers = world["questionnaire"], bearer(world["read"])
    url = f"/api/v1/questionnaires/{q.id}/responses"
    seen, cursor = [], None
    while True:
        args = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(url, query_string=args, headers=headers).get_json()
        seen += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= 3
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == world["ids"]
    first = client.get(url, query_string={"limit": 1}, headers=headers).get_json()["items"][0]
    assert first["answers"] == {"tier": "t1", "nps": 0, "why": "配送快"}
    assert first["version"] == 1 and first["duration_s"] is not None


def test_submitted_since_keeps_the_later_responses_only(client, world):
    q = world["questionnaire"]
    early = world["ids"][:4]
    long_ago = utcnow() - timedelta(days=3)
    db.session.execute(
        db.update(Response).where(Response.id.in_(early)).values(submitted_at=long_ago)
    )
    db.session.commit()
    since = (utcnow() - timedelta(days=1)).isoformat()
    reply = client.get(
        f"/api/v1/questionnaires/{q.id}/responses",
        query_string={"submitted_since": since},
        headers=bearer(world["read"]),
    )
    assert [item["id"] for item in reply.get_json()["items"]] == world["ids"][4:]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"submitted_since": "昨天"}, "submitted_since"),
    ],
)
def test_bad_page_arguments_are_validation_failed_naming_the_field(client, world, args, field):
    q = world["questionnaire"]
    reply = client.get(
        f"/api/v1/questionnaires/{q.id}/responses", query_string=args, headers=bearer(world["read"])
    )
    body = problem(reply, 422, "validation_failed")
    assert list(body["errors"]) == [field]


def test_interviews_and_their_highlights_are_read_only_with_the_transcript(client, world):
    study = world["study"]
    interview = make_interview(study, "访谈员：您怎么买菜？\n受访者：主要在手机上买，送货很快。\n")
    code = make_code(study, "配送")
    from app.interviews import coding

    turn = interview.turns[-1]
    coding.add_highlights(study, turn, world["owner"], 8, 12, [code])
    db.session.commit()
    headers = bearer(world["read"])
    [listed] = client.get(f"/api/v1/studies/{study.id}/interviews", headers=headers).get_json()
    assert listed["id"] == interview.id
    detail = client.get(f"/api/v1/interviews/{interview.id}", headers=headers).get_json()
    assert [t["text"] for t in detail["turns"]] == ["您怎么买菜？", "主要在手机上买，送货很快。"]
    [highlight] = client.get(
        f"/api/v1/interviews/{interview.id}/highlights", headers=headers
    ).get_json()
    assert highlight["code"]["name"] == "配送" and highlight["snippet"] == "送货很快"
    assert highlight["turn_id"] == turn.id
    reply = client.delete(f"/api/v1/interviews/{interview.id}", headers=headers)
    problem(reply, 405, "method_not_allowed")


# ---- submitting -----------------------------------------------------------------------------


def submit(client, world, answers, key="api-submit-0001", secret=None, **body):
    q = world["questionnaire"]
    return client.post(
        f"/api/v1/questionnaires/{q.id}/responses",
        json={"answers": answers, **body},
        headers={**bearer(secret or world["write"]), "Idempotency-Key": key},
    )


def test_a_submit_is_stored_once_and_a_repeat_returns_the_same_response(client, world):
    answers = {"tier": "t2", "nps": 4, "why": "退款太慢了"}
    first = submit(client, world, answers)
    assert first.status_code == 201 and first.mimetype == "application/json"
    again = submit(client, world, answers)
    assert again.status_code == 200
    assert again.get_json()["response_id"] == first.get_json()["response_id"]
    assert again.get_json()["receipt"] == first.get_json()["receipt"]
    stored = db.session.get(Response, first.get_json()["response_id"])
    assert stored.answers == answers and stored.idempotency_key == "api-submit-0001"
    listed = client.get(
        f"/api/v1/questionnaires/{world['questionnaire'].id}/responses",
        query_string={"limit": 500},
        headers=bearer(world["read"]),
    ).get_json()["items"]
    assert [item["answers"] for item in listed if item["id"] == stored.id] == [answers]


def test_a_submit_without_an_idempotency_key_is_refused(client, world):
    q = world["questionnaire"]
    reply = client.post(
        f"/api/v1/questionnaires/{q.id}/responses",
        json={"answers": {"tier": "t1", "nps": 9}},
        headers=bearer(world["write"]),
    )
    problem(reply, 400, "idempotency_key_required")


def test_answers_are_checked_as_the_form_checks_them(client, world):
    reply = submit(client, world, {"tier": "t9", "why": "没有推荐分"})
    body = problem(reply, 422, "validation_failed")
    assert set(body["errors"]) == {"answers.tier", "answers.nps"}
    assert all(messages and all(messages) for messages in body["errors"].values())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "answers"),
        ({"answers": [1, 2]}, "answers"),
        ({"answers": {}, "version": "一"}, "version"),
        ({"answers": {}, "version": 2**31}, "version"),
        ({"answers": {}, "hp": "bot"}, "hp"),
    ],
)
def test_a_malformed_body_is_validation_failed_naming_the_field(client, world, body, field):
    q = world["questionnaire"]
    reply = client.post(
        f"/api/v1/questionnaires/{q.id}/responses",
        json=body,
        headers={**bearer(world["write"]), "Idempotency-Key": "malformed-01"},
    )
    assert field in problem(reply, 422, "validation_failed")["errors"]


def test_a_body_that_is_not_json_or_too_deep_is_refused(client, world):
    q = world["questionnaire"]
    url = f"/api/v1/questionnaires/{q.id}/responses"
    headers = {**bearer(world["write"]), "Idempotency-Key": "not-json-0001"}
    problem(client.post(url, data="answers=1", headers=headers), 415, "unsupported_media_type")
    deep = '{"answers": {"why": ' + "[" * 40 + "]" * 40 + "}}"
    reply = client.post(url, data=deep, headers=headers, content_type="application/json")
    problem(reply, 400, "bad_json")
    reply = client.post(url, data="{", headers=headers, content_type="application/json")
    problem(reply, 400, "bad_json")


def test_a_closed_questionnaire_refuses_a_submit_as_the_form_does(client, world):
    from app.questionnaires import services as questionnaires

    questionnaires.close(world["questionnaire"])
    db.session.commit()
    problem(submit(client, world, {"tier": "t1", "nps": 9}), 410, "closed")


def test_a_draft_questionnaire_is_not_published(client, world):
    draft = make_questionnaire(definition(nps()), study=world["study"])
    reply = client.post(
        f"/api/v1/questionnaires/{draft.id}/responses",
        json={"answers": {"nps": 9}},
        headers={**bearer(world["write"]), "Idempotency-Key": "draft-000001"},
    )
    problem(reply, 409, "not_published")


# ---- limits and the document ----------------------------------------------------------------


def test_requests_are_rate_limited_per_token(tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        tmp_path / "instance",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        API_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        db.create_all()
        owner = make_user("owner@example.cn")
        study = make_study(owner)
        _, first = make_token(owner, study)
        _, second = make_token(owner, study)
        db.session.remove()
    client = app.test_client()
    statuses = [client.get("/api/v1/studies", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    reply = client.get("/api/v1/studies", headers=bearer(first))
    problem(reply, 429, "rate_limited")
    assert int(reply.headers["Retry-After"]) > 0
    assert client.get("/api/v1/studies", headers=bearer(second)).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_an_unknown_api_path_is_a_problem_too(client, world):
    problem(client.get("/api/v1/没有这个", headers=bearer(world["read"])), 404, "not_found")


def test_the_openapi_document_is_generated_from_the_views(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    post = document["paths"]["/api/v1/questionnaires/{questionnaire_id}/responses"]["post"]
    assert {"200", "201", "422"} <= set(post["responses"])
    assert [p["name"] for p in post["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    problem_schema = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem_schema["required"])


def test_a_version_past_any_column_is_no_error_in_the_form_either(client, world):
    """The respondent's submit, which the API shares: an unknown version number answers the
    latest, also past PostgreSQL's INTEGER (it was a 500 there)."""
    q = world["questionnaire"]
    reply = client.post(
        f"/s/{q.slug}/submit",
        json={"answers": {"tier": "t1", "nps": 9}, "version": 2**31},
        headers={"Idempotency-Key": "form-version-0001"},
    )
    assert reply.status_code == 201


def test_only_a_request_with_a_token_skips_the_csrf_check(tmp_path):
    """With CSRF protection on, a token's POST needs no CSRF token; a POST without a token
    meets the CSRF check, and is refused (no cookie authenticates the API)."""
    app = make_app(
        f"sqlite:///{tmp_path / 'csrf.sqlite3'}", tmp_path / "instance", WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        db.create_all()
        owner = make_user("owner@example.cn")
        questionnaire = make_published(SURVEY, study=make_study(owner))
        _, secret = make_token(owner, questionnaire.study, scope="write")
        url = f"/api/v1/questionnaires/{questionnaire.id}/responses"
        db.session.remove()
    client = app.test_client()
    body = {"answers": {"tier": "t1", "nps": 9}}
    key = {"Idempotency-Key": "csrf-check-0001"}
    problem(client.post(url, json=body, headers=key), 401, "unauthorized")
    assert client.post(url, json=body, headers={**key, **bearer(secret)}).status_code == 201
    with app.app_context():
        db.engine.dispose()
