"""Accounts: password hashing (argon2id) and strength, sign-in checks and lockout, the
server-side record of each sign-in, set-password links, user creation and deactivation."""

import hashlib
import secrets
from datetime import datetime

import email_validator
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import case, or_
from zxcvbn import zxcvbn

from app import audit
from app.extensions import db, login_manager
from app.models import LoginSession, User
from app.models.accounts import NO_PASSWORD
from app.models.types import utcnow

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score from 0 to 4; 3 is "safely unguessable: moderate protection from an offline
# slow-hash scenario" (about 10^10 guesses). Below it: repeats, sequences, keyboard rows,
# common passwords and words, and the account's own email.
MIN_PASSWORD_SCORE = 3

# Self-hosted intranets give their people addresses under these special-use names
# (RFC 6761 / 6762). email-validator rejects them unless removed from its list, which its
# README gives as the way to allow them; "test" is allowed through `test_environment`.
for _intranet_name in ("local", "localhost"):
    if _intranet_name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(_intranet_name)


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _hasher() -> PasswordHasher:
    if current_app.config.get("PASSWORD_HASH_FAST"):
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The address normalised, or AccountError("invalid_email"): one rule for the sign-in
    form, the command line, the admin's invite and the study's member form. Intranet names
    (.local, .test, localhost, a name without a dot) are accepted; malformed addresses not."""
    try:
        email_validator.validate_email(
            email.strip(),
            check_deliverability=False,
            globally_deliverable=False,
            test_environment=True,
        )
    except email_validator.EmailNotValidError:
        raise AccountError("invalid_email", field="email") from None
    return normalise_email(email)


def check_password(password: str, email: str) -> None:
    """AccountError unless the password is long and hard enough to guess, for everyone who
    sets one: `users create`, the admin's form, a set-password link, a password change."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", field="password")
    email = normalise_email(email)
    if zxcvbn(password[:100], user_inputs=[email, email.split("@")[0]])["score"] < (
        MIN_PASSWORD_SCORE
    ):
        raise AccountError("password_too_weak", field="password")


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


# --- the record of each sign-in ---------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The active user signed in with this token, while that sign-in is open; None signs a
    browser out (logged out, expired, ended by a password change, reset or deactivation)."""
    user = db.session.scalar(
        db.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == _token_hash(token),
            LoginSession.expires_at > utcnow(),
            User.active.is_(True),
        )
    )
    if user is not None:
        user.session_token = token
    return user


def start_session(user: User, *, remember: bool) -> None:
    """Open a new sign-in for this browser (a fresh token each time, so a sign-in never
    continues another); `login_user` then puts the token in the cookies."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION" if remember else "LOGIN_SESSION_LIFETIME"]
    now = utcnow()
    db.session.execute(
        db.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.expires_at <= now
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(user_id=user.id, token_hash=_token_hash(token), expires_at=now + lifetime)
    )
    db.session.commit()
    user.session_token = token


def end_session(user: User) -> None:
    """Sign out this browser: its token no longer loads the user, copied or not."""
    if user.session_token is not None:
        db.session.execute(
            db.delete(LoginSession).where(
                LoginSession.token_hash == _token_hash(user.session_token)
            )
        )
        db.session.commit()


def _end_all_sessions(user: User) -> None:
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id))


def sign_out_everywhere(user: User) -> None:
    """End every sign-in of the user, on every browser, this one included."""
    _end_all_sessions(user)
    audit.record("auth.signed_out_everywhere", user, actor=user)
    db.session.commit()


# --- signing in -------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (and an audited failure);
    AccountError("account_locked") while too many recent failures lock the account.

    Every attempt verifies one argon2 hash, the account's or a dummy one, so the time taken
    does not tell whether an account exists."""
    user = find_user(email)
    hasher = _hasher()
    stored = user.password_hash if user is not None else NO_PASSWORD
    usable = stored != NO_PASSWORD
    matches = _verify(hasher, stored if usable else _dummy_hash(hasher), password)
    now = utcnow()
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    if user is None or locked or not (matches and usable and user.active):
        audit.record(
            "auth.login_failed",
            user,
            detail={"email": normalise_email(email)[:254]},
            actor=None,
        )
        if user is not None and not locked:
            _count_failure(user, now)
        db.session.commit()
        if locked:
            raise AccountError("account_locked", field="password")
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = now
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    audit.record("auth.login", user, actor=user)
    db.session.commit()
    return user


def _count_failure(user: User, now: datetime) -> None:
    """One more failed sign-in, in one UPDATE (concurrent processes add up, none is lost);
    the limit reached locks the account and starts a new count."""
    config = current_app.config
    window_open = or_(
        User.failed_logins_since.is_(None),
        User.failed_logins_since <= now - config["LOGIN_LOCKOUT_WINDOW"],
    )
    db.session.execute(
        db.update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((window_open, 1), else_=User.failed_logins + 1),
            failed_logins_since=case((window_open, now), else_=User.failed_logins_since),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)
    if user.failed_logins >= config["LOGIN_LOCKOUT_ATTEMPTS"]:
        user.locked_until = now + config["LOGIN_LOCKOUT_DURATION"]
        user.failed_logins, user.failed_logins_since = 0, None
        audit.record(
            "auth.account_locked",
            user,
            detail={"until": user.locked_until.isoformat()},
            actor=None,
        )


def lockout_minutes() -> int:
    return int(current_app.config["LOGIN_LOCKOUT_DURATION"].total_seconds() // 60)


# --- passwords --------------------------------------------------------------------------


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password; every other sign-in of the user ends (this browser gets a new
    one from the caller's `start_session`)."""
    if not _verify(_hasher(), user.password_hash, current_password):
        raise AccountError("wrong_password", field="current_password")
    check_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    _end_all_sessions(user)
    audit.record("auth.password_changed", user, actor=user)
    db.session.commit()


def issue_password_link(user: User) -> str:
    """A new one-time set-password token for the user (the previous one stops working);
    only its hash is stored. The caller commits."""
    token = secrets.token_urlsafe(32)
    user.password_link_hash = _token_hash(token)
    user.password_link_expires_at = utcnow() + current_app.config["PASSWORD_LINK_LIFETIME"]
    return token


def user_for_password_link(token: str) -> User | None:
    """The active user whose open, unexpired set-password link this is, or None."""
    return db.session.scalar(
        db.select(User).where(
            User.password_link_hash == _token_hash(token),
            User.password_link_expires_at > utcnow(),
            User.active.is_(True),
        )
    )


def set_password_from_link(user: User, password: str) -> None:
    """Set the password chosen through a link; the link is spent, other sign-ins end."""
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.password_link_hash = user.password_link_expires_at = None
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    _end_all_sessions(user)
    audit.record("auth.password_set_from_link", user, actor=user)
    db.session.commit()


# --- administration ---------------------------------------------------------------------


def create_user(
    email: str,
    password: str | None,
    *,
    is_admin: bool = False,
    display_name: str = "",
    actor: User | None = None,
) -> User:
    """A new account. Without a password it has none until one is set through the link the
    caller makes with `issue_password_link`."""
    email = check_email(email)
    if find_user(email) is not None:
        raise AccountError("email_taken", field="email")
    if password is not None:
        check_password(password, email)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password is not None else NO_PASSWORD,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        user,
        after={"email": email, "is_admin": is_admin},
        actor=actor,
    )
    db.session.commit()
    return user


def add_user(
    email: str, password: str | None, *, is_admin: bool, display_name: str, actor: User
) -> tuple[User, str | None]:
    """An administrator's new account: with the password given, or with none and the token
    of a set-password link (returned) to hand to the person."""
    user = create_user(email, password, is_admin=is_admin, display_name=display_name, actor=actor)
    if password is not None:
        return user, None
    token = issue_password_link(user)
    audit.record("user.invite", user, actor=actor)
    db.session.commit()
    return user, token


def reset_password(user: User, *, actor: User) -> str:
    """Forget the user's password, end their sign-ins, and open a new set-password link."""
    user.password_hash = NO_PASSWORD
    token = issue_password_link(user)
    _end_all_sessions(user)
    audit.record("user.password_reset", user, actor=actor)
    db.session.commit()
    return token


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (no sign-in, every sign-in ended) or reactivate an account."""
    if user.id == actor.id and not active:
        raise AccountError("cannot_deactivate_self")
    if user.active == active:
        return
    user.active = active
    if not active:
        _end_all_sessions(user)
    audit.record("user.reactivate" if active else "user.deactivate", user, actor=actor)
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[int, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a password nobody has, made once per hashing cost. (`setdefault` with the
    hash as argument made it on every call: an unknown email cost a hash and a verify.)"""
    if hasher.memory_cost not in _dummy_hashes:
        _dummy_hashes[hasher.memory_cost] = hasher.hash("not a real password")
    return _dummy_hashes[hasher.memory_cost]
