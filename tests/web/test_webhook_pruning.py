"""The outbox does not grow for ever: events whose deliveries are all finished are deleted,
with their delivery log, `WEBHOOK_EVENTS_KEPT_DAYS` (30) after their last attempt, by the
daily retention sweep (job and command). The clock is moved forward (`now=`), no sleeping."""

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app import jobs, retention
from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.models.types import utcnow
from app.responses import submission
from app.webhooks import delivery, endpoints
from tests.web.test_webhooks import ANSWERS, _deliveries, _setup, hook_app, receiver  # noqa: F401 - fixtures

DAY = timedelta(days=1)
TOKENS = itertools.count()


def _event_ids() -> set[str]:
    return set(db.session.scalars(db.select(WebhookEvent.id)))


def _submit(questionnaire, answer_sets) -> list[int]:
    """Complete responses with tokens of their own (`submit_all`'s repeat in each call)."""
    version = questionnaire.latest_version
    return [
        submission.submit(version, f"prune-{next(TOKENS)}", answers, secret="s").response_id
        for answers in answer_sets
    ]


def _event_of(response_id: int) -> str:
    return next(
        e.id
        for e in db.session.scalars(db.select(WebhookEvent))
        if e.payload["response_id"] == response_id
    )


def test_finished_events_go_30_days_after_their_last_attempt_and_pending_ones_stay(
    hook_app,  # noqa: F811
    receiver,  # noqa: F811
):
    t0 = utcnow()
    _, questionnaire, _ = _setup(receiver)
    # Failed: the receiver is down for the whole schedule (last attempt about 23.5 h in).
    [failed_id] = _submit(questionnaire, ANSWERS[:1])
    while (row := _deliveries()[0]).status is DeliveryStatus.PENDING:
        delivery.deliver_due(row.next_attempt_at)
    assert row.status is DeliveryStatus.FAILED
    # Delivered at once.
    receiver.open("up")
    replayed_id, delivered_id = _submit(questionnaire, ANSWERS[1:3])
    assert delivery.deliver_due().delivered == 2
    # Replayed on day 20: kept 30 days from then.
    [replayed] = [d for d in _deliveries() if d.event_id == _event_of(replayed_id)]
    endpoints.replay_delivery(replayed)
    assert delivery.deliver_due(t0 + 20 * DAY).delivered == 1
    # Never attempted: pending whatever its age.
    [pending_id] = _submit(questionnaire, ANSWERS[3:4])
    events = {r: _event_of(r) for r in (failed_id, replayed_id, delivered_id, pending_id)}

    assert delivery.prune_old_events(t0 + 29 * DAY) == 0
    assert _event_ids() == set(events.values())

    assert delivery.prune_old_events(t0 + 31 * DAY) == 2
    assert _event_ids() == {events[replayed_id], events[pending_id]}
    assert {d.event_id for d in _deliveries()} == _event_ids()

    assert delivery.prune_old_events(t0 + 365 * DAY) == 1
    [left] = _deliveries()
    assert (left.event_id, left.status) == (events[pending_id], DeliveryStatus.PENDING)


def _backdate_all(days: int) -> None:
    then = utcnow() - days * DAY
    db.session.execute(sa.update(WebhookEvent).values(created_at=then))
    db.session.execute(sa.update(WebhookDelivery).values(last_attempt_at=then))
    db.session.commit()


def test_the_daily_sweep_and_the_command_prune_old_events(hook_app, receiver):  # noqa: F811
    _, questionnaire, _ = _setup(receiver)
    receiver.open("up")
    _submit(questionnaire, ANSWERS[:2])
    assert delivery.deliver_due().delivered == 2
    _backdate_all(31)

    job = retention.submit_daily()  # inline without Redis, as a worker would run it
    report = jobs.result_file(job).read_text(encoding="utf-8")
    assert "2 old webhook events deleted" in report
    assert _event_ids() == set() and _deliveries() == []

    _submit(questionnaire, ANSWERS[2:3])
    assert delivery.deliver_due().delivered == 1
    _backdate_all(29)
    result = hook_app.test_cli_runner().invoke(args=["privacy", "sweep"])
    assert result.exit_code == 0, result.output
    assert "0 old webhook events deleted" in result.output and len(_event_ids()) == 1
    _backdate_all(31)
    result = hook_app.test_cli_runner().invoke(args=["privacy", "sweep"])
    assert "1 old webhook events deleted" in result.output and _event_ids() == set()
