"""Personal access tokens: how a script reads and writes one study through the REST API."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, enum_column, utcnow


class TokenScope(enum.StrEnum):
    READ = "read"  # GET only
    WRITE = "write"  # GET, and submitting responses


class AccessToken(Model):
    """A token made by one member for one study. Only the SHA-256 of the secret is stored
    (the secret is shown once, when it is made); what it may do is asked of its creator's
    role at each use (`app.permissions.api_required`), never stored with it."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    # The secret's first characters (wf_pat_ and four more), to tell tokens apart in the list.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # NULL: not revoked
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # NULL: never used

    user = relationship("User")
    study = relationship("Study")

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def __repr__(self) -> str:
        return f"<AccessToken {self.id} {self.hint}…>"
