"""Real groups behind one address (issue 29.5): a class of 300 on one campus Wi-Fi answers
with the production rate limits and none of them is refused once, while a script hammering
one questionnaire from one address (no tokens, made-up tokens, fresh keys, one key over and
over) is still refused. On the real app and database (SQLite and, with TEST_DATABASE_URL,
PostgreSQL); the limiter's counts in memory and, with TEST_REDIS_URL, in Redis."""

import os
import uuid

import pytest

from app.config import Config
from app.extensions import db
from app.models import Response, ResponseStatus
from tests import definitions as d
from tests.conftest import RequestPerContextClient, make_app
from tests.factories import make_published

SURVEY = d.definition(
    d.page("p1", d.short_text("name", "您的昵称"), d.nps()),
    d.page("p2", d.single_choice("canteen", "常去哪个食堂", [("n", "北区"), ("s", "南区")])),
    title="食堂满意度（课堂调查）",
)
ANSWERS = {"name": "同学", "nps": 8, "canteen": "n"}
CLASS_SIZE = 300
STORAGES = ["memory://"] + (
    [os.environ["TEST_REDIS_URL"]] if os.environ.get("TEST_REDIS_URL") else []
)


def _unique_address() -> str:
    """An IPv6 documentation address, random in its last 64 bits: a count of its own in a
    Redis that outlives the test run."""
    digits = uuid.uuid4().hex
    return "2001:db8::" + ":".join(digits[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture
def limited(database_url, tmp_path, request):
    """The app with the production limits (`Config`) on, behind one trusted proxy, and the
    slug of a published two-page questionnaire. *request.param*: the limiter's storage, and
    any settings to change."""
    storage, settings = getattr(request, "param", ("memory://", {}))
    app = make_app(
        database_url,
        tmp_path / "instance",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        PROXY_HOPS=1,
        **settings,
    )
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        app.config["test_slug"] = make_published(SURVEY).slug
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _stored(app, status=ResponseStatus.COMPLETE) -> int:
    with app.app_context():
        query = db.select(db.func.count(Response.id)).where(Response.status == status)
        return db.session.scalar(query)


def _submit(client, slug, address, key=None, answers=ANSWERS):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": answers, "version": 1},
        headers={"Idempotency-Key": key or uuid.uuid4().hex, "X-Forwarded-For": address},
    )


def _save(client, slug, address, answers, page="p1", next_page="p2"):
    return client.post(
        f"/s/{slug}/progress",
        json={"answers": answers, "page": page, "next_page": next_page, "version": 1},
        headers={"X-Forwarded-For": address},
    )


def test_the_production_limits_are_per_respondent_with_a_ceiling_per_address():
    """The figures the tests below rely on (app/config.py): a class of 300 fits in the new
    respondents an address may bring to one questionnaire, a flood of thousands does not."""
    assert Config.RESPOND_RATE_LIMIT == "120 per minute"
    assert Config.RESPOND_ADDRESS_LIMIT == "2400 per minute;30000 per hour"
    assert Config.RESPOND_NEW_RESPONDENT_LIMIT == "500 per 10 minutes;1500 per hour"


@pytest.mark.parametrize(
    "limited", [(s, {}) for s in STORAGES], indirect=True, ids=["memory", "redis"][: len(STORAGES)]
)
def test_a_class_of_300_behind_one_address_is_never_refused(limited):
    """300 respondents on one Wi-Fi, all at once: two thirds save page 1 and move on (a
    partial, then a second save with its cookie), all submit, and each submit is sent twice
    (a reply lost on the way: the page sends it again with the same key). Not one 429,
    so no respondent waits for a retry (respond.js waits 2 s, 4 s… only after a 429 or a
    lost connection), and every response is stored once."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    statuses: list[int] = []
    receipts = set()
    for n in range(CLASS_SIZE):
        browser = app.test_client()
        if n % 3:
            first = _save(browser, slug, address, {"name": f"同学{n}"})
            second = _save(browser, slug, address, {"name": f"同学{n}", "nps": 8}, "p2", "")
            statuses += [first.status_code, second.status_code]
        key = uuid.uuid4().hex
        submitted = _submit(browser, slug, address, key, {**ANSWERS, "name": f"同学{n}"})
        again = _submit(browser, slug, address, key, {**ANSWERS, "name": f"同学{n}"})
        statuses += [submitted.status_code, again.status_code]
        assert submitted.status_code == 201, (n, submitted.json)
        assert again.json["response_id"] == submitted.json["response_id"]
        receipts.add(submitted.json["receipt"])
    assert 429 not in statuses
    assert set(statuses) == {200, 201}
    assert _stored(app) == CLASS_SIZE == len(receipts)
    assert _stored(app, ResponseStatus.PARTIAL) == 0


def test_a_flood_of_made_up_respondents_stops_at_the_new_respondent_ceiling(limited):
    """A script on one address sends 800 submits to one questionnaire, each under a fresh
    key, without cookies: the production ceiling (500 new respondents per 10 minutes) stores
    500 and refuses the rest with 429; the page's own retry would be refused the same way."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    script = app.test_client()
    replies = [_submit(script, slug, address) for _ in range(800)]
    statuses = [reply.status_code for reply in replies]
    assert statuses == [201] * 500 + [429] * 300
    assert {reply.json["error"] for reply in replies[500:]} == {"too_many_respondents"}
    assert _stored(app) == 500
    # Another address behind the same proxy (a neighbour, a respondent at home) still answers.
    assert _submit(app.test_client(), slug, _unique_address()).status_code == 201


@pytest.mark.parametrize(
    "limited",
    [("memory://", {"RESPOND_NEW_RESPONDENT_LIMIT": "20 per hour"})],
    indirect=True,
)
@pytest.mark.parametrize(
    "tokens",
    ["no cookie", "forged cookie", "one forged cookie", "forged resume link"],
)
def test_made_up_resume_tokens_count_as_new_respondents(limited, tokens):
    """Saves of page 1 with no resume cookie, a made-up one each time, the same made-up one
    over and over, or a made-up `?r=` link: each starts a partial, so each is a new
    respondent of the address; past the ceiling (20 here) nothing more is stored. The script
    ignores the cookie the server sets, as a script would."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    forged = uuid.uuid4().hex
    statuses = []
    for _ in range(30):
        script = app.test_client()
        path = f"/s/{slug}/progress"
        if tokens == "forged cookie":
            script.set_cookie(f"wf_r_{slug}", uuid.uuid4().hex, path=f"/s/{slug}")
        elif tokens == "one forged cookie":
            script.set_cookie(f"wf_r_{slug}", forged, path=f"/s/{slug}")
        elif tokens == "forged resume link":
            path += f"?r={uuid.uuid4().hex}"
        reply = script.post(
            path,
            json={"answers": {"name": "脚本"}, "page": "p1"},
            headers={"X-Forwarded-For": address},
        )
        statuses.append(reply.status_code)
    assert statuses == [200] * 20 + [429] * 10
    assert _stored(app, ResponseStatus.PARTIAL) == 20


def test_one_key_sent_over_and_over_is_refused_past_the_respondent_limit(limited):
    """A script repeating one submit: it is stored once, the repeats get the same response
    (200), and past 120 a minute (the production `RESPOND_RATE_LIMIT`) they are refused."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    script, key = app.test_client(), uuid.uuid4().hex
    statuses = [_submit(script, slug, address, key).status_code for _ in range(125)]
    assert statuses == [201] + [200] * 119 + [429] * 5
    assert _stored(app) == 1


@pytest.mark.parametrize(
    "limited",
    [("memory://", {"RESPOND_ADDRESS_LIMIT": "30 per minute"})],
    indirect=True,
)
def test_the_address_ceiling_holds_whatever_keys_and_tokens_are_sent(limited):
    """Every request counts against its address, whatever key or token it brings (made up or
    real, well formed or not): 30 a minute here, then 429 for anyone behind it, while
    another address is not held back."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    browser = app.test_client()
    replies = [_save(browser, slug, address, {"name": "小李"})]  # a real resume cookie
    replies += [_submit(app.test_client(), slug, address) for _ in range(20)]
    replies += [_submit(app.test_client(), slug, address, key="!") for _ in range(9)]
    assert [r.status_code for r in replies] == [200] + [201] * 20 + [400] * 9
    assert _save(browser, slug, address, {"name": "小李"}).status_code == 429
    assert _submit(app.test_client(), slug, address).status_code == 429
    assert _submit(app.test_client(), slug, _unique_address()).status_code == 201


@pytest.mark.parametrize(
    "limited",
    [("memory://", {"RESPOND_NEW_RESPONDENT_LIMIT": "2 per hour"})],
    indirect=True,
)
def test_a_page_without_javascript_keeps_the_answers_when_refused(limited):
    """The whole-form post of a browser without JavaScript, past the ceiling: 429 with the
    form filled in again and the same key, so that submitting again later stores it once."""
    app, slug, address = limited, limited.config["test_slug"], _unique_address()
    for _ in range(2):
        assert _submit(app.test_client(), slug, address).status_code == 201
    form = {**{k: str(v) for k, v in ANSWERS.items()}, "name": "没有脚本的同学", "_key": "k" * 32}
    refused = app.test_client().post(f"/s/{slug}", data=form, headers={"X-Forwarded-For": address})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "请一分钟后再次提交" in page
    assert 'value="没有脚本的同学"' in page and 'value="' + "k" * 32 + '"' in page
    assert _stored(app) == 2
