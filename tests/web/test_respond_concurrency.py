"""Exactly once under load: 200 submissions from 16 threads against a real threaded server,
one in five a retry with a key already used. Runs on SQLite and on PostgreSQL."""

import http.client
import json
import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Response, ResponseStatus
from tests.definitions import checkout
from tests.factories import make_published

DEFINITION = checkout("并发提交测试")

SUBMISSIONS = 200
THREADS = 16


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def post_json(url: str, body: dict, key: str) -> tuple[int, dict]:
    """POST JSON with an Idempotency-Key; the status and the JSON reply ({} when not JSON)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(
            "POST",
            parts.path,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
        )
        reply = connection.getresponse()
        text = reply.read()
    finally:
        connection.close()
    try:
        return reply.status, json.loads(text)
    except ValueError:
        return reply.status, {}


def submit(url: str, key: str, answers: dict) -> tuple[int, dict]:
    return post_json(url, {"answers": answers}, key)


def test_concurrent_submissions_store_each_key_exactly_once(ctx, server):
    slug = make_published(DEFINITION).slug
    rng = random.Random(5)
    unique = [
        (uuid.uuid4().hex, {"region": rng.choice(["north", "south"]), "nps": i % 11})
        for i in range(SUBMISSIONS * 4 // 5)
    ]
    jobs = unique + [rng.choice(unique) for _ in range(SUBMISSIONS - len(unique))]
    rng.shuffle(jobs)
    url = f"{server}/s/{slug}/submit"
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda job: (job[0], *submit(url, *job)), jobs))

    statuses = sorted(status for _, status, _ in results)
    assert all(status in (200, 201) for status in statuses), statuses[-5:]
    assert statuses.count(201) == len(unique)
    ids_by_key: dict[str, set] = {}
    for key, _, body in results:
        ids_by_key.setdefault(key, set()).add(body["response_id"])
    assert all(len(ids) == 1 for ids in ids_by_key.values())  # a retry gets the same id

    db.session.rollback()
    stored = db.session.execute(db.select(Response.idempotency_key, Response.status)).all()
    assert sorted(key for key, _ in stored) == sorted(key for key, _ in unique)
    assert {status for _, status in stored} == {ResponseStatus.COMPLETE}
    assert len({next(iter(ids)) for ids in ids_by_key.values()}) == len(unique)


def test_concurrent_submissions_never_overshoot_a_quota_or_reuse_an_invitation(ctx, server):
    from app.responses import invitations

    quota = make_published(DEFINITION, settings={"quota": {"total": 10}})
    study = quota.study
    invited = make_published(DEFINITION, settings={"access": {"mode": "invitation"}}, study=study)
    [token] = invitations.create_invitations(invited, 1)
    answers = {"region": "north", "nps": 7}
    quota_url = f"{server}/s/{quota.slug}/submit"
    invited_url = f"{server}/s/{invited.slug}/submit"
    quota_id, invited_id = quota.id, invited.id

    def quota_job(_):
        return submit(quota_url, uuid.uuid4().hex, answers)[0]

    def invitation_job(_):
        body = {"answers": answers, "invitation": token}
        return post_json(invited_url, body, uuid.uuid4().hex)[0]

    with ThreadPoolExecutor(THREADS) as pool:
        quota_statuses = sorted(pool.map(quota_job, range(40)))
        invitation_statuses = sorted(pool.map(invitation_job, range(16)))
    assert quota_statuses == [201] * 10 + [409] * 30
    assert invitation_statuses == [201] + [409] * 15
    db.session.rollback()
    counted = db.session.execute(
        db.select(Response.questionnaire_id, db.func.count()).group_by(Response.questionnaire_id)
    ).all()
    assert dict(counted) == {quota_id: 10, invited_id: 1}
