"""A study's webhook endpoints: made, listed, switched off and on, deleted; their delivery
logs and replays. Each change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Iterable

from app import audit
from app.extensions import db
from app.models import (
    DeliveryStatus,
    Study,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from app.webhooks import addresses, delivery, signing

LOG_LENGTH = 100  # deliveries shown per endpoint, newest first


def create_endpoint(
    study: Study,
    actor: User,
    *,
    url: str,
    description: str,
    event_types: Iterable[str],
    policy: addresses.AddressPolicy,
) -> WebhookEndpoint:
    """A new endpoint with a new secret (shown to the member once). Raises
    `addresses.AddressRefused` for a URL that may not receive webhooks."""
    url = url.strip()
    addresses.check(url, policy)
    endpoint = WebhookEndpoint(
        study_id=study.id,
        url=url,
        secret=signing.new_secret(),
        description=description.strip(),
        event_types=[t.value for t in WebhookEventType if t.value in set(event_types)],
        active=True,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook.create", endpoint, study_id=study.id, after=_facts(endpoint))
    db.session.commit()
    return endpoint


def endpoints_of(study: Study) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            db.select(WebhookEndpoint)
            .where(WebhookEndpoint.study_id == study.id)
            .order_by(WebhookEndpoint.id)
        )
    )


def delivery_log(endpoint: WebhookEndpoint) -> list[tuple[WebhookDelivery, WebhookEvent]]:
    """The endpoint's last `LOG_LENGTH` deliveries with their events, newest first."""
    rows = db.session.execute(
        db.select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_LENGTH)
    ).all()
    return [(row[0], row[1]) for row in rows]


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    """Switch an endpoint off (its events wait, pending) or on again (they are sent)."""
    if endpoint.active == active:
        return
    endpoint.active = active
    action = "webhook.enable" if active else "webhook.disable"
    audit.record(action, endpoint, study_id=endpoint.study_id, detail=_facts(endpoint))
    db.session.commit()
    if active:
        delivery.dispatch_soon()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries (events stay while other endpoints have them;
    they carry no secret)."""
    audit.record("webhook.delete", endpoint, study_id=endpoint.study_id, before=_facts(endpoint))
    db.session.delete(endpoint)
    db.session.commit()


def replay_delivery(replayed: WebhookDelivery) -> None:
    """Send the delivery's event again (same event id), as a new round of retries."""
    was = replayed.status
    delivery.replay(replayed)
    endpoint = replayed.endpoint
    detail = {**_facts(endpoint), "event_id": replayed.event_id, "was": was.value}
    audit.record("webhook.replay", endpoint, study_id=endpoint.study_id, detail=detail)
    db.session.commit()
    delivery.dispatch_soon()


def counts_by_status(endpoint: WebhookEndpoint) -> dict[DeliveryStatus, int]:
    rows = db.session.execute(
        db.select(WebhookDelivery.status, db.func.count())
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .group_by(WebhookDelivery.status)
    ).all()
    found: dict[DeliveryStatus, int] = {status: count for status, count in rows}  # noqa: C416
    return {status: found.get(status, 0) for status in DeliveryStatus}


def _facts(endpoint: WebhookEndpoint) -> dict[str, str]:
    return {"url": endpoint.url, "events": " ".join(endpoint.event_types)}
