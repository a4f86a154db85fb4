"""Stored insights: a scan of one questionnaire under one query, and the claims it kept.

An insight is stored with everything that made it (the query, the data version, the claim
with its numbers), so opening it later shows the same numbers; a newer data version says the
responses have changed since, and a rescan replaces the scan's insights as a whole.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow


class InsightScan(Model):
    """The latest scan of a questionnaire under one query (`Query.fingerprint`)."""

    __tablename__ = "insight_scans"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "query_key", name="insight_scan_query"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    query_key: Mapped[str] = mapped_column(String(16))
    query: Mapped[dict[str, Any]] = mapped_column(JSONDocument)  # `Query.to_dict()`
    data_version: Mapped[str] = mapped_column(String(64))  # `counts.fingerprint` then
    # how many cells were tested (the correction's m) and the small-sample notes
    tested: Mapped[int] = mapped_column(default=0)
    # whether weights were applied: a weighted query without a usable scheme runs unweighted
    weighted: Mapped[bool] = mapped_column(default=False)
    small: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # NULL once the user is deleted; the audit trail keeps who it was
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    insights = relationship(
        "Insight", back_populates="scan", order_by="Insight.rank", cascade="all, delete-orphan"
    )
    created_by = relationship("User")


class Insight(Model):
    """One claim of a scan, self-contained: its query, data version and numbers."""

    __tablename__ = "insights"
    # ids never reused (SQLite would hand a deleted scan's ids to the next one): a link to
    # a replaced insight answers 404, not another insight
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(
        ForeignKey("insight_scans.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]  # 1 = the largest effect of its scan
    query: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    data_version: Mapped[str] = mapped_column(String(64))
    claim: Mapped[dict[str, Any]] = mapped_column(JSONDocument)  # `analysis.findings.claims`
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scan = relationship("InsightScan", back_populates="insights")
    created_by = relationship("User")
