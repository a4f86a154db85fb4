"""Webhooks (issue 24.4): a study's endpoints, the outbox of events and one delivery per event
and endpoint. Events are written in the transaction of the response change they describe
(`app.webhooks.outbox`); deliveries are sent and retried by `app.webhooks.delivery`."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, enum_column, utcnow
from app.personal_data import EncryptedText


class WebhookEventType(enum.StrEnum):
    RESPONSE_COMPLETED = "response.completed"
    RESPONSE_UPDATED = "response.updated"
    RESPONSE_DELETED = "response.deleted"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every retry of the schedule failed; a replay sends it again


class WebhookEndpoint(Model):
    """Where a study's events go. The secret (`whsec_…`) signs every request; it is shown
    once, when the endpoint is made, and masked afterwards. It is stored encrypted
    (`EncryptedText`): a copy of the database alone cannot forge a signature."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(EncryptedText())
    description: Mapped[str] = mapped_column(String(200), default="")
    # the `WebhookEventType` values it receives
    event_types: Mapped[list[str]] = mapped_column(JSONDocument)
    active: Mapped[bool] = mapped_column(default=True)
    # NULL once the user is deleted
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    study = relationship("Study")

    @property
    def masked_secret(self) -> str:
        return f"whsec_…{self.secret[-4:]}"


class WebhookEvent(Model):
    """The outbox: one row per change, its id the `webhook-id` every delivery and retry of
    it carries, so that a receiver can drop repeats."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # evt_<32 hex>
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))  # a WebhookEventType value
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(Model):
    """One event to one endpoint: its state in the retry schedule and its last outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        # the dispatcher's question: which deliveries are due
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)  # of the current round (a replay restarts)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # a dispatcher sending it holds it until then (NULL: nobody)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column()  # NULL: no HTTP answer
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("WebhookEvent")
    endpoint = relationship("WebhookEndpoint")
