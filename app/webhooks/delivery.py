"""Sending the outbox: `deliver_due` POSTs every delivery that is due, signed (Standard
Webhooks headers, `signing`), and moves it along the retry schedule. At least once: a
delivery is marked delivered only after a 2xx, so a crash between the two sends it again,
with the same `webhook-id` (the event id) for the receiver to drop the repeat.

Who runs it: the job kind `webhooks.deliver` (`app.jobs`), submitted right after a commit
that wrote events (`dispatch_soon`) and by each RQ worker's maintenance pass when a retry
is due (`dispatch_if_due`, every `JOB_MAINTENANCE_INTERVAL` seconds); without Redis, the
`flask --app wsgi webhooks deliver` command, from cron. Two dispatchers never send one
delivery at the same time: each claims a row by a conditional UPDATE (`_claim`) for
`CLAIM_SECONDS`, which a dispatcher killed mid-send lets lapse.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, true
from sqlalchemy.orm import aliased

from app import job_queue, jobs
from app.extensions import db
from app.models import (
    DeliveryStatus,
    Job,
    JobStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.types import utcnow
from app.webhooks import addresses, signing

log = logging.getLogger(__name__)

DELIVER_JOB = "webhooks.deliver"
#: the wait after each failed attempt; after the last, the delivery has failed. Attempts are
#: made at 0, 5 s, 5 min 5 s, 35 min, 2 h 35 min, 7 h 35 min, 15 h 35 min and 23 h 35 min.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=8),
    timedelta(hours=8),
)
#: how long a claim holds a delivery: past the request's timeout, so it lapses only when
#: the dispatcher holding it is gone
CLAIM_SECONDS = 120
BATCH = 500  # deliveries per pass at most; the next pass takes the rest
PASS_SECONDS = 300  # no delivery is claimed after this long in one pass (far below JOB_TIMEOUT)
USER_AGENT = "Wenfang-Webhooks/1"
#: the error of an attempt not made because the endpoint did not answer earlier in the pass
NOT_SENT = "not sent: the endpoint did not answer earlier in this pass"


@dataclass
class DeliveryPass:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    endpoints_down: set[int] = field(default_factory=set)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempts: int) -> timedelta | None:
    """The wait before the next attempt after *attempts* failed ones; None: no more."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


def deliver_due(now: datetime | None = None, *, limit: int = BATCH) -> DeliveryPass:
    """Send every delivery due at *now* (to active endpoints), oldest first, up to *limit*
    and for at most `PASS_SECONDS` (the next pass takes the rest). An endpoint that did not
    answer (refused, timed out) is not tried again in this pass: its other due deliveries
    take the same failed attempt, so that a receiver that is down costs one timeout per
    pass, not one per event."""
    now = now or utcnow()
    result = DeliveryPass()
    stop_at = time.monotonic() + PASS_SECONDS
    for delivery_id, endpoint_id in db.session.execute(_due(now).limit(limit)).all():
        if time.monotonic() > stop_at:
            break
        if not _claim(delivery_id, now):
            continue  # another dispatcher has it
        if endpoint_id in result.endpoints_down:
            outcome = Outcome(None, NOT_SENT)
        else:
            outcome = _send(delivery_id)
            if outcome.status_code is None:
                result.endpoints_down.add(endpoint_id)
        status = _record(delivery_id, outcome, now)
        if status is DeliveryStatus.DELIVERED:
            result.delivered += 1
        elif status is DeliveryStatus.FAILED:
            result.failed += 1
        else:
            result.retrying += 1
    return result


def body_of(event: WebhookEvent) -> bytes:
    """The request body: the Standard Webhooks envelope `{type, timestamp, data}`."""
    envelope = {
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def replay(delivery: WebhookDelivery) -> None:
    """Send a delivery again, whatever its state, as a new round of the retry schedule with
    the same event id; the caller commits."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.claimed_until = None


def dispatch_soon() -> None:
    """After a commit that wrote events or made deliveries due: have a worker send them now,
    unless a dispatch is already waiting on the queue (it will find these too, as it reads
    the due deliveries when it starts). Without a queue, nothing here: a respondent's request
    must not wait on a receiver; the `webhooks deliver` command sends them."""
    if not job_queue.enabled():
        return
    waiting = db.session.scalar(
        db.select(Job.id).where(Job.kind == DELIVER_JOB, Job.status == JobStatus.QUEUED).limit(1)
    )
    if waiting is None:
        jobs.submit(DELIVER_JOB, {}, study_id=None, actor=None)


def dispatch_if_due(now: datetime | None = None) -> bool:
    """A worker's maintenance pass: dispatch when a delivery (a retry) is due."""
    if db.session.execute(_due(now or utcnow()).limit(1)).first() is None:
        return False
    dispatch_soon()
    return True


@jobs.job_function(DELIVER_JOB)
def _deliver_job(run: jobs.JobRun) -> None:
    delivered = deliver_due()
    if delivered.attempted:
        log.info(
            "webhooks: %d delivered, %d to retry, %d failed",
            delivered.delivered, delivered.retrying, delivered.failed,
        )  # fmt: skip


def prune_old_events(now: datetime | None = None) -> int:
    """Delete the events whose every delivery is finished (delivered, or failed after the
    whole schedule) and whose last attempt is more than `WEBHOOK_EVENTS_KEPT_DAYS` old, with
    their deliveries; how many events. The outbox and the delivery log would otherwise grow
    with every response for ever. A delivery still pending (retrying, or waiting for a
    disabled endpoint) keeps its event; a replay in the period keeps it that long again."""
    now = now or utcnow()
    before = now - timedelta(days=current_app.config["WEBHOOK_EVENTS_KEPT_DAYS"])
    other = aliased(WebhookDelivery)  # not the DELETE's own table, which would correlate
    kept = (
        db.select(other.id)
        .where(
            other.event_id == WebhookEvent.id,
            or_(other.status == DeliveryStatus.PENDING, other.last_attempt_at >= before),
        )
        .exists()
    )
    old = db.select(WebhookEvent.id).where(WebhookEvent.created_at < before, ~kept)
    unsynced = {"synchronize_session": False}
    db.session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(old)), execution_options=unsynced
    )
    pruned = db.session.execute(
        delete(WebhookEvent).where(WebhookEvent.id.in_(old)), execution_options=unsynced
    )
    db.session.commit()
    return pruned.rowcount  # type: ignore[attr-defined]  # a CursorResult


def _due(now: datetime):
    return (
        db.select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
            WebhookEndpoint.active == true(),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
    )


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this dispatcher, if it is still due and nobody holds it: one
    conditional UPDATE, so that of two dispatchers exactly one gets it."""
    claimed = db.session.execute(
        db.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _send(delivery_id: int) -> Outcome:
    """POST the delivery's event to its endpoint; what came back. Outside any transaction."""
    event, endpoint = db.session.execute(
        db.select(WebhookEvent, WebhookEndpoint)
        .join(WebhookDelivery, WebhookDelivery.event_id == WebhookEvent.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id == delivery_id)
    ).one()
    body, event_id = body_of(event), event.id
    url, secret = endpoint.url, endpoint.secret
    db.session.commit()  # no transaction stays open while the receiver takes its time
    config = current_app.config
    try:
        addresses.check(url, addresses.policy_from(config))
    except addresses.AddressRefused as refused:
        return Outcome(None, f"address refused: {refused.code}")
    headers = {
        **signing.headers(secret, event_id, int(time.time()), body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    # S310: the scheme was checked (https or http only) by addresses.check just above.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _OPENER.open(request, timeout=config["WEBHOOKS_TIMEOUT"]) as reply:
            reply.read(64 * 1024)
            return Outcome(reply.status, None)
    except urllib.error.HTTPError as error:  # a 3xx, 4xx or 5xx answer
        return Outcome(error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, f"{type(error).__name__}: {reason}"[:500])


def _record(delivery_id: int, outcome: Outcome, now: datetime) -> DeliveryStatus:
    """Write the attempt's outcome and release the claim; the delivery's new status."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # its endpoint or event was deleted meanwhile
        return DeliveryStatus.FAILED
    values: dict[str, Any] = {
        "attempts": delivery.attempts + 1,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "claimed_until": None,
    }
    if outcome.ok:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif (delay := retry_delay(delivery.attempts + 1)) is None:
        values.update(status=DeliveryStatus.FAILED)
    else:
        values.update(next_attempt_at=now + delay)
    for name, value in values.items():
        setattr(delivery, name, value)
    db.session.commit()
    return delivery.status


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx: following it could reach an address
    `addresses.check` refused."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment: the address checked is the address connected to.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
