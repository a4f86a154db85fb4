"""Share links: a read-only view of a dashboard for people without an account."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import JSONDocument, UTCDateTime, utcnow


class ShareLink(Model):
    """Only the token's hash is stored, like every token of the app: the link is shown once,
    when it is made. It opens the dashboard under the query it was made with (`Query.to_dict`);
    the reader cannot change the filters."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    query: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # open answers, de-identified, are shown only when the owner asked for them
    include_quotes: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # NULL: never
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    views: Mapped[int] = mapped_column(default=0)

    questionnaire = relationship("Questionnaire")
    created_by = relationship("User")

    def is_open(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
