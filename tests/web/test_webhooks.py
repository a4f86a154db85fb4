"""Webhooks (issue 24.4): response events written to the outbox in the response's own
transaction, sent to a real HTTP receiver on loopback with Standard Webhooks headers, retried
on a schedule computed from a moved clock (`deliver_due(now)`, no sleeping), replayed with the
same event id. Signatures are checked with the `standardwebhooks` package (the reference
implementation of the spec's maintainers), not with our signing code. On RQ:
tests/web/test_webhooks_rq.py."""

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from app.extensions import db
from app.models import (
    DeliveryStatus,
    Invitation,
    Response,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.types import utcnow
from app.responses import submission
from app.responses.records import Refused, token_hash
from app.results import services as results
from app.webhooks import addresses, delivery, endpoints, outbox
from tests import definitions as d
from tests.conftest import make_app
from tests.factories import make_published, make_study, make_user, submit_all
from tests.web.webhook_receiver import Receiver

SURVEY = d.definition(
    d.page(
        "p1",
        d.single_choice("city", "城市", [("bj", "北京"), ("sh", "上海")], required=True),
        d.nps(required=True),
        d.long_text("why", "原因"),
    ),
    title="外卖配送满意度",
)
ANSWERS = [
    {"city": "bj", "nps": 9, "why": "配送很快，骑手很有礼貌"},
    {"city": "sh", "nps": 3, "why": "餐到的时候已经凉了"},
    {"city": "bj", "nps": 7, "why": "包装可以再好一点"},
    {"city": "sh", "nps": 10, "why": "准时送达"},
]
LOOPBACK = addresses.AddressPolicy(allow_http=True, allow_private_networks=True)


@pytest.fixture
def hook_app(database_url, tmp_path):
    """An app that may send to a receiver on loopback over http (as a test must)."""
    app = make_app(
        database_url,
        tmp_path / "instance",
        WEBHOOKS_ALLOW_HTTP=True,
        WEBHOOKS_ALLOW_PRIVATE_NETWORKS=True,
        WEBHOOKS_TIMEOUT=5,
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def _setup(receiver, event_types=("response.completed", "response.deleted")):
    owner = make_user()
    study = make_study(owner)
    questionnaire = make_published(SURVEY, study=study)
    endpoint = endpoints.create_endpoint(
        study, owner, url=receiver.url, description="CRM 同步", event_types=event_types,
        policy=LOOPBACK,
    )  # fmt: skip
    return owner, questionnaire, endpoint


def _deliveries():
    db.session.expire_all()
    return db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def _verified(received, secret: str) -> dict:
    """The body, if its signature verifies with the reference implementation (which also
    refuses a timestamp more than five minutes from now)."""
    return Webhook(secret).verify(received.body, received.headers)


def test_receiver_down_then_up_gets_every_event_once_with_valid_signatures(hook_app, receiver):
    _, questionnaire, endpoint = _setup(receiver)
    response_ids = submit_all(questionnaire, ANSWERS)
    assert results.delete_response(questionnaire, response_ids[1])
    events = {e.id: e for e in db.session.scalars(db.select(WebhookEvent))}
    assert len(events) == 5  # four completed, one deleted
    t0 = utcnow()

    # Down: nothing listens. The first send is refused; the rest of the endpoint's due
    # deliveries take the same failed attempt without a connection each.
    sent = delivery.deliver_due(t0)
    assert (sent.delivered, sent.retrying, sent.failed) == (0, 5, 0)
    assert {(x.attempts, x.next_attempt_at, x.last_status_code) for x in _deliveries()} == {
        (1, t0 + timedelta(seconds=5), None)
    }
    assert delivery.deliver_due(t0 + timedelta(seconds=4)).attempted == 0  # none due yet

    # Listening but unavailable (503), then receiving but answering 500 (the sender cannot
    # tell that it got them): both are retried.
    receiver.open("unavailable")
    t1 = t0 + timedelta(seconds=5)
    assert delivery.deliver_due(t1).retrying == 5
    assert {(x.attempts, x.last_status_code) for x in _deliveries()} == {(2, 503)}
    receiver.mode = "lost"
    t2 = t1 + timedelta(minutes=5)
    assert delivery.deliver_due(t2).retrying == 5
    assert len(receiver.received) == 5

    # Up again, an hour after the first attempt: everything is delivered.
    receiver.mode = "up"
    sent = delivery.deliver_due(t0 + timedelta(hours=1))
    assert sent.delivered == 5
    assert delivery.deliver_due(t0 + timedelta(days=2)).attempted == 0
    assert {(x.status, x.attempts, x.last_status_code) for x in _deliveries()} == {
        (DeliveryStatus.DELIVERED, 4, 200)
    }

    # The receiver saw each event twice (the "lost" answers); by webhook-id, once each.
    assert len(receiver.received) == 10
    by_id = {}
    for received in receiver.received:
        body = _verified(received, endpoint.secret)
        by_id.setdefault(received.headers["webhook-id"], []).append(body)
    assert sorted(by_id) == sorted(events)
    for event_id, bodies in by_id.items():
        assert bodies[0] == bodies[1]  # the retry is the same message
        assert bodies[0]["type"] == events[event_id].type
    completed = sorted(
        (b[0]["data"] for b in by_id.values() if b[0]["type"] == "response.completed"),
        key=lambda data: data["response_id"],
    )
    assert [data["answers"] for data in completed] == ANSWERS
    assert {data["response_id"] for data in completed} == set(response_ids)
    [deleted] = [b[0]["data"] for b in by_id.values() if b[0]["type"] == "response.deleted"]
    assert deleted == {"response_id": response_ids[1], "questionnaire_id": questionnaire.id}


def test_signature_is_the_specs_hmac_of_id_timestamp_and_body(hook_app, receiver):
    """Also checked against the reference `sign` on its own, and a wrong secret or a changed
    body fails the reference verification."""
    _, questionnaire, endpoint = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:1])
    receiver.open("up")
    assert delivery.deliver_due().delivered == 1
    [received] = receiver.received
    headers = received.headers
    assert endpoint.secret.startswith("whsec_")
    assert headers["content-type"] == "application/json"
    reference = Webhook(endpoint.secret).sign(
        headers["webhook-id"],
        __import__("datetime").datetime.fromtimestamp(int(headers["webhook-timestamp"])),
        received.body.decode(),
    )
    assert headers["webhook-signature"] == reference
    assert headers["webhook-id"].startswith("evt_")
    with pytest.raises(Exception, match="No matching signature"):
        Webhook("whsec_" + "QUJD" * 8).verify(received.body, headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(endpoint.secret).verify(received.body.replace(b"9", b"0"), headers)
    assert "骑手" in received.body.decode("utf-8")  # UTF-8, not \\u escapes


def test_retries_follow_the_schedule_for_about_a_day_then_fail(hook_app, receiver):
    _, questionnaire, _ = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:1])
    [row] = _deliveries()
    start = row.next_attempt_at  # due at once
    now, offsets = start, []
    while True:
        [row] = _deliveries()
        if row.status is not DeliveryStatus.PENDING:
            break
        now = row.next_attempt_at
        assert delivery.deliver_due(now).attempted == 1
        offsets.append(now - start)
    # The schedule in the docs (docs/webhooks.md), attempt by attempt.
    assert offsets == [
        timedelta(0),
        timedelta(seconds=5),
        timedelta(minutes=5, seconds=5),
        timedelta(minutes=35, seconds=5),
        timedelta(hours=2, minutes=35, seconds=5),
        timedelta(hours=7, minutes=35, seconds=5),
        timedelta(hours=15, minutes=35, seconds=5),
        timedelta(hours=23, minutes=35, seconds=5),
    ]
    [row] = _deliveries()
    assert row.status is DeliveryStatus.FAILED and row.attempts == 8
    assert "ConnectionRefused" in row.last_error or "refused" in row.last_error.lower()

    # A replay sends it again, with the same event id, as a new round.
    endpoints.replay_delivery(row)
    receiver.open("up")
    assert delivery.deliver_due().delivered == 1
    [row] = _deliveries()
    assert (row.status, row.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert [r.headers["webhook-id"] for r in receiver.received] == [row.event_id]


def test_a_delivered_event_replayed_reaches_the_receiver_again_with_its_id(hook_app, receiver):
    _, questionnaire, endpoint = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:2])
    receiver.open("up")
    assert delivery.deliver_due().delivered == 2
    first = _deliveries()[0]
    endpoints.replay_delivery(first)
    assert delivery.deliver_due().delivered == 1
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == 3 and ids.count(first.event_id) == 2
    assert all(_verified(r, endpoint.secret) for r in receiver.received)


def test_a_failed_response_write_leaves_no_event(hook_app, receiver):
    """The outbox INSERT fails (a trigger refuses it, as a constraint would): the response it goes
    with is not stored either. And a write refused before the event (a spent invitation)
    or a repeat of a stored submit adds none."""
    _, questionnaire, _ = _setup(receiver)
    version = questionnaire.latest_version
    refuse = {
        "sqlite": [
            "CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_events "
            "BEGIN SELECT RAISE(ABORT, 'outbox down'); END"
        ],
        "postgresql": [
            "CREATE FUNCTION outbox_down() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'outbox down' USING ERRCODE = 'check_violation'; END $$ "
            "LANGUAGE plpgsql",
            "CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_events "
            "FOR EACH ROW EXECUTE FUNCTION outbox_down()",
        ],
    }[db.engine.dialect.name]
    for statement in refuse:
        db.session.execute(sa.text(statement))
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="outbox down"):
        submission.submit(version, "k-outbox-down", ANSWERS[0], secret="s")
    # The one-statement way stores nothing and says so (its caller then takes the long way).
    assert (
        submission.submit(
            version,
            "k-outbox-down-2",
            ANSWERS[0],
            secret="s",
            if_current_under=questionnaire.slug,
        )
        is None
    )
    db.session.rollback()
    assert db.session.scalar(db.select(sa.func.count()).select_from(Response)) == 0
    db.session.execute(sa.text("DROP TRIGGER outbox_down" + (
        " ON webhook_events" if db.engine.dialect.name == "postgresql" else "")))  # fmt: skip
    db.session.commit()

    db.session.add(Invitation(questionnaire_id=questionnaire.id, token_hash=token_hash("t1")))
    db.session.commit()
    submission.submit(version, "k1", ANSWERS[0], secret="s", invitation_hash=token_hash("t1"))
    with pytest.raises(Refused):
        submission.submit(version, "k2", ANSWERS[1], secret="s", invitation_hash=token_hash("t1"))
    again = submission.submit(version, "k1", ANSWERS[0], secret="s")
    assert not again.created
    assert db.session.scalar(db.select(sa.func.count()).select_from(WebhookEvent)) == 1
    assert db.session.scalar(db.select(sa.func.count()).select_from(Response)) == 1


def test_the_one_statement_submit_writes_its_event_too(hook_app, receiver, client):
    _, questionnaire, _ = _setup(receiver)
    for i, answers in enumerate(ANSWERS[:2]):
        reply = client.post(
            f"/s/{questionnaire.slug}/submit",
            json={"answers": answers},
            headers={"Idempotency-Key": f"http-key-{i}"},
        )
        assert reply.status_code == 201, reply.get_json()
    repeat = client.post(
        f"/s/{questionnaire.slug}/submit",
        json={"answers": ANSWERS[1]},
        headers={"Idempotency-Key": "http-key-1"},
    )
    assert repeat.status_code == 200
    payloads = db.session.scalars(db.select(WebhookEvent.payload)).all()
    assert sorted(p["answers"]["why"] for p in payloads) == sorted(a["why"] for a in ANSWERS[:2])


def test_an_endpoint_added_after_a_process_remembered_none_still_gets_the_next_event(
    hook_app, client
):
    """The respondent's one-statement submit guesses from what the process last found behind
    the slug, "no endpoint" here; its guard sees the new endpoint and the submit takes the
    long way, which writes the event."""
    owner = make_user()
    questionnaire = make_published(SURVEY, study=make_study(owner))
    slug = questionnaire.slug

    def post(key, answers):
        reply = client.post(f"/s/{slug}/submit", json={"answers": answers},
                            headers={"Idempotency-Key": key})  # fmt: skip
        assert reply.status_code == 201, reply.get_json()

    post("before-endpoint", ANSWERS[0])
    post("still-none-key", ANSWERS[1])  # the one-statement way, remembering no endpoint
    endpoints.create_endpoint(
        questionnaire.study, owner, url="http://127.0.0.1:9/hook", description="",
        event_types=["response.completed"], policy=LOOPBACK,
    )  # fmt: skip
    post("after-endpoint", ANSWERS[2])
    post("after-endpoint-2", ANSWERS[3])
    payloads = db.session.scalars(db.select(WebhookEvent.payload)).all()
    assert sorted(p["answers"]["why"] for p in payloads) == sorted(a["why"] for a in ANSWERS[2:])
    assert db.session.scalar(db.select(sa.func.count()).select_from(Response)) == 4


def test_only_subscribed_active_endpoints_get_events_and_test_responses_none(hook_app, receiver):
    owner, questionnaire, completed_only = _setup(receiver, event_types=["response.completed"])
    deletions = endpoints.create_endpoint(
        questionnaire.study, owner, url=receiver.url + "/deleted", description="",
        event_types=["response.deleted"], policy=LOOPBACK,
    )  # fmt: skip
    [rid] = submit_all(questionnaire, ANSWERS[:1])
    submission.submit(questionnaire.latest_version, "test-mode", ANSWERS[1], secret="s",
                      is_test=True)  # fmt: skip
    results.delete_response(questionnaire, rid)
    rows = db.session.execute(
        db.select(WebhookDelivery.endpoint_id, WebhookEvent.type).join(WebhookEvent)
    ).all()
    assert sorted(rows) == sorted(
        [(completed_only.id, "response.completed"), (deletions.id, "response.deleted")]
    )

    # A disabled endpoint's deliveries wait; enabled again, they are sent.
    endpoints.set_active(completed_only, False)
    receiver.open("up")
    assert delivery.deliver_due().delivered == 1  # the deletion only
    submit_all(questionnaire, ANSWERS[2:3])  # no endpoint wants it now: no event
    assert db.session.scalar(db.select(sa.func.count()).select_from(WebhookEvent)) == 2
    endpoints.set_active(completed_only, True)
    assert delivery.deliver_due().delivered == 1


def test_two_dispatchers_at_once_never_send_one_delivery_twice(hook_app, receiver):
    _, questionnaire, _ = _setup(receiver)
    submit_all(questionnaire, ANSWERS * 5)
    receiver.open("up")
    now = utcnow()
    passes = []

    def dispatcher():
        with hook_app.app_context():
            passes.append(delivery.deliver_due(now))
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert sum(p.delivered for p in passes) == 20
    [row, *_] = _deliveries()
    # And a claimed delivery is not claimed again before its claim lapses.
    db.session.execute(
        db.update(WebhookDelivery).values(status=DeliveryStatus.PENDING, next_attempt_at=now)
    )
    db.session.commit()
    assert delivery._claim(row.id, now)
    assert not delivery._claim(row.id, now + timedelta(seconds=delivery.CLAIM_SECONDS - 1))
    assert delivery._claim(row.id, now + timedelta(seconds=delivery.CLAIM_SECONDS + 1))


def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(hook_app, receiver):
    _, questionnaire, _ = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:1])
    receiver.open("redirect")
    assert delivery.deliver_due().retrying == 1
    [row] = _deliveries()
    assert (row.status, row.last_status_code) == (DeliveryStatus.PENDING, 302)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://203.0.113.9/hook", "scheme"),
        ("https://127.0.0.1/hook", "private_network"),
        ("https://localhost:8443/hook", "private_network"),
        ("https://10.1.2.3/hook", "private_network"),
        ("https://192.168.1.20/hook", "private_network"),
        ("https://169.254.169.254/latest/meta-data/", "private_network"),
        ("https://[::1]/hook", "private_network"),
        ("https://[fd00::1]/hook", "private_network"),
        ("ftp://203.0.113.9/hook", "bad_url"),
        ("https://user:pw@203.0.113.9/hook", "bad_url"),
        ("https:///hook", "bad_url"),
    ],
)
def test_addresses_inside_the_servers_networks_are_refused(url, code):
    with pytest.raises(addresses.AddressRefused) as refused:
        addresses.check(url, addresses.AddressPolicy())
    assert refused.value.code == code


def test_a_public_https_address_is_accepted_and_the_flags_open_the_rest():
    addresses.check("https://93.184.215.14/hooks", addresses.AddressPolicy())
    addresses.check("https://[2606:4700:4700::1111]/hooks", addresses.AddressPolicy())
    addresses.check("http://127.0.0.1:9000/hook", LOOPBACK)


def test_an_address_refused_at_send_time_is_a_failed_attempt_without_a_request(hook_app, receiver):
    """The check is made again before each request: the flag was on when the endpoint was
    saved, and is off now (as when a host name is pointed at the server's own network)."""
    _, questionnaire, _ = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:1])
    receiver.open("up")
    hook_app.config["WEBHOOKS_ALLOW_PRIVATE_NETWORKS"] = False
    assert delivery.deliver_due().retrying == 1
    [row] = _deliveries()
    assert row.last_error == "address refused: private_network"
    assert receiver.received == []


def test_the_deliver_command_sends_what_is_due(hook_app, receiver):
    _, questionnaire, _ = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:3])
    receiver.open("up")
    result = hook_app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert "3 delivered" in result.output
    assert len(receiver.accepted()) == 3


def test_outbox_payload_of_a_completed_response_names_its_version_and_time(hook_app, receiver):
    _, questionnaire, _ = _setup(receiver)
    [rid] = submit_all(questionnaire, ANSWERS[:1])
    event = db.session.scalars(db.select(WebhookEvent)).one()
    stored = db.session.get(Response, rid)
    assert event.type == "response.completed"
    assert event.study_id == questionnaire.study_id
    assert event.payload == {
        "response_id": rid,
        "questionnaire_id": questionnaire.id,
        "version_id": questionnaire.latest_version.id,
        "submitted_at": stored.submitted_at.isoformat(),
        "answers": ANSWERS[0],
    }
    body = json.loads(delivery.body_of(event))
    assert body == {
        "type": "response.completed",
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }
    assert outbox.new_event_id() != outbox.new_event_id()


# The pages: study settings › Webhooks.


def _login(client, user):
    client.post("/login", data={"email": user.email, "password": "correct horse battery"})


def test_the_secret_is_shown_once_and_masked_after(hook_app, receiver):
    owner = make_user()
    study = make_study(owner)
    client = hook_app.test_client()
    _login(client, owner)
    base = f"/studies/{study.id}/webhooks/"
    page = client.get(base).get_data(as_text=True)
    assert "Webhooks" in page or "网络钩子" in page
    reply = client.post(
        base,
        data={
            "url": receiver.url,
            "description": "数据仓库",
            "event_types": ["response.completed"],
        },
    )
    assert reply.status_code == 200
    endpoint = db.session.scalars(db.select(WebhookEndpoint)).one()
    created = reply.get_data(as_text=True)
    assert endpoint.secret in created
    for path in (base, f"{base}{endpoint.id}"):
        shown = client.get(path).get_data(as_text=True)
        assert endpoint.secret not in shown
        assert endpoint.masked_secret in shown
    assert endpoint.event_types == ["response.completed"]


def test_a_refused_address_is_explained_beside_the_field(hook_app):
    owner = make_user()
    study = make_study(owner)
    client = hook_app.test_client()
    _login(client, owner)
    hook_app.config["WEBHOOKS_ALLOW_PRIVATE_NETWORKS"] = False
    reply = client.post(
        f"/studies/{study.id}/webhooks/",
        data={"url": "https://169.254.169.254/", "event_types": ["response.completed"]},
        headers={"Accept-Language": "zh-CN"},
    )
    assert reply.status_code == 200
    assert "私有" in reply.get_data(as_text=True) or "内网" in reply.get_data(as_text=True)
    assert db.session.scalar(db.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_delivery_log_replay_disable_and_delete_from_the_page(hook_app, receiver):
    owner, questionnaire, endpoint = _setup(receiver)
    submit_all(questionnaire, ANSWERS[:2])
    delivery.deliver_due()  # receiver closed: both wait
    client = hook_app.test_client()
    _login(client, owner)
    base = f"/studies/{questionnaire.study_id}/webhooks/{endpoint.id}"
    page = client.get(base).get_data(as_text=True)
    rows = _deliveries()
    for row in rows:
        assert row.event_id in page
    receiver.open("up")
    assert client.post(f"{base}/deliveries/{rows[0].id}/replay").status_code == 302
    db.session.expire_all()
    assert (db.session.get(WebhookDelivery, rows[0].id).attempts) == 0
    assert delivery.deliver_due().delivered == 1
    assert client.post(f"{base}/disable").status_code == 302
    assert not db.session.get(WebhookEndpoint, endpoint.id).active
    assert client.post(f"{base}/enable").status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active
    assert client.post(f"{base}/delete").status_code == 302  # the box not ticked
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id) is not None
    assert client.post(f"{base}/delete", data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id) is None
    assert _deliveries() == []


@pytest.mark.parametrize(
    ("action", "event_type"), [("anonymise", "response.updated"), ("delete", "response.deleted")]
)
def test_the_retention_sweep_tells_receivers_what_it_did(hook_app, receiver, action, event_type):
    """Receivers keep copies: an anonymised response is sent again without its free texts, a
    deleted one is announced, so that they can do the same."""
    from app import retention

    _, questionnaire, endpoint = _setup(receiver, ("response.updated", "response.deleted"))
    [response_id] = submit_all(questionnaire, ANSWERS[:1])
    study = questionnaire.study
    study.retention_days, study.retention_action = 30, action
    db.session.commit()
    retention.sweep(utcnow() + timedelta(days=31))
    receiver.open("up")
    assert delivery.deliver_due().delivered == 1
    [received] = receiver.received
    body = _verified(received, endpoint.secret)
    assert body["type"] == event_type and body["data"]["response_id"] == response_id
    if action == "anonymise":
        assert body["data"]["answers"] == {"city": "bj", "nps": 9}  # no "why"
