"""Webhooks on RQ, against the real Redis at TEST_REDIS_URL: the commit that writes events
queues one dispatch job (however many events are waiting for it), a real worker sends them to
a receiver on loopback, and a worker's maintenance pass queues a dispatch when a delivery is
due. The retry schedule and the receiver down then up: tests/web/test_webhooks.py."""

import os

import pytest
from standardwebhooks import Webhook

from app import job_queue
from app.extensions import db
from app.models import DeliveryStatus, Job, JobStatus, WebhookDelivery, WebhookEventType
from app.webhooks import delivery, endpoints, outbox
from tests.factories import make_published, make_study, make_user, submit_all
from tests.web.test_jobs_rq import queued_app, workers  # noqa: F401 - fixture, on this rq_app
from tests.web.test_webhooks import ANSWERS, LOOPBACK, SURVEY
from tests.web.webhook_receiver import Receiver

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set"
)


@pytest.fixture
def rq_app(database_url, tmp_path):
    hooks = {"WEBHOOKS_ALLOW_HTTP": True, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": True,
             "WEBHOOKS_TIMEOUT": 5}  # fmt: skip
    with queued_app(database_url, tmp_path / "instance", **hooks) as app:
        yield app


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def _dispatch_jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Job).where(Job.kind == delivery.DELIVER_JOB)))


def _statuses() -> list[DeliveryStatus]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(WebhookDelivery.status)))


def test_events_are_queued_once_and_a_worker_delivers_them(rq_app, workers, receiver):  # noqa: F811
    owner = make_user()
    study = make_study(owner)
    questionnaire = make_published(SURVEY, study=study)
    endpoint = endpoints.create_endpoint(
        study, owner, url=receiver.url, description="", event_types=["response.completed"],
        policy=LOOPBACK,
    )  # fmt: skip
    submit_all(questionnaire, ANSWERS)
    [job] = _dispatch_jobs()  # one dispatch waits for all four events
    assert job.status is JobStatus.QUEUED
    assert job_queue.queue().job_ids == [job_queue.rq_id(job.id)]

    # The receiver is down: the worker's pass leaves them waiting for their retry.
    workers.run_queue()
    assert _statuses() == [DeliveryStatus.PENDING] * 4
    assert set(db.session.scalars(db.select(WebhookDelivery.attempts))) == {1}
    assert _dispatch_jobs()[0].status is JobStatus.DONE

    # Up again; a replay makes one due now and queues a dispatch.
    receiver.open("up")
    first = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).first()
    endpoints.replay_delivery(first)
    workers.run_queue()
    assert sorted(_statuses()) == [DeliveryStatus.DELIVERED] + [DeliveryStatus.PENDING] * 3
    [received] = receiver.accepted()
    assert Webhook(endpoint.secret).verify(received.body, received.headers)["type"] == (
        "response.completed"
    )
    assert received.headers["webhook-id"] == first.event_id


def test_the_maintenance_pass_queues_a_dispatch_when_a_delivery_is_due(
    rq_app,
    workers,  # noqa: F811 - the fixture
    receiver,
):
    owner = make_user()
    study = make_study(owner)
    questionnaire = make_published(SURVEY, study=study)
    endpoints.create_endpoint(
        study, owner, url=receiver.url, description="", event_types=["response.deleted"],
        policy=LOOPBACK,
    )  # fmt: skip
    # A due delivery with no dispatch queued for it (as a retry whose time has come).
    outbox.record(
        WebhookEventType.RESPONSE_DELETED,
        questionnaire.id,
        outbox.response_payload(7, questionnaire.id),
    )
    db.session.commit()
    assert _dispatch_jobs() == []
    receiver.open("up")
    worker = job_queue.Worker([job_queue.queue()], connection=job_queue.queue().connection)
    worker.run_maintenance_tasks()
    worker.run_maintenance_tasks()  # the dispatch already waits: not queued twice
    assert [job.status for job in _dispatch_jobs()] == [JobStatus.QUEUED]
    workers.run_queue()
    assert _statuses() == [DeliveryStatus.DELIVERED]
    assert len(receiver.accepted()) == 1
    worker.run_maintenance_tasks()  # nothing due: nothing queued
    assert len(_dispatch_jobs()) == 1
