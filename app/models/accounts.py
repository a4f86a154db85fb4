"""Accounts: the people who sign in (researchers, product managers, admins)."""

from datetime import datetime
from typing import cast

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow

# Stored instead of a hash for an account whose password is still to be set from a link:
# no argon2 hash, so no password matches it.
NO_PASSWORD = "!"  # noqa: S105 # nosec B105 # a marker, not a password


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # The user's chosen interface language; None follows the browser, then zh_CN.
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None until the first sign-in.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Failed sign-ins counted since `failed_logins_since` (None: none yet in this window);
    # in the database, so every process of the install counts the same attempts.
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_logins_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Sign-in refused until then (None: not locked).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # SHA-256 of the one-time set-password link's token, None when no link is open.
    password_link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")
    login_sessions = relationship(
        "LoginSession", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The raw token of the sign-in this object was loaded through (set by the user loader and
    # at sign-in); Flask-Login keeps it in the session and remember cookies instead of the id.
    # Not a column: no annotation, which the ORM would read as one (cast says the type).
    session_token = cast("str | None", None)

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def awaiting_password(self) -> bool:
        """Invited or reset, and no password chosen through the link yet."""
        return self.password_hash == NO_PASSWORD

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utcnow()

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(Model):
    """One sign-in on one browser. Its token is what the cookies carry; deleting the row
    signs that browser out, even holding a copy of the cookies."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user = relationship("User", back_populates="login_sessions")
