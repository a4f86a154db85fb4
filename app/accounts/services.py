"""Accounts: password hashing (argon2id), sign-in checks, user creation."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app import audit
from app.extensions import db, login_manager
from app.models import User
from app.models.types import utcnow

MIN_PASSWORD_LENGTH = 10


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


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (and an audited failure)."""
    user = find_user(email)
    hasher = _hasher()
    if user is None:
        # Spend the same time as a real check, so response time does not reveal accounts.
        _verify(hasher, _dummy_hash(hasher), password)
        ok = False
    else:
        ok = _verify(hasher, user.password_hash, password) and user.active
    if not ok:
        audit.record(
            "auth.login_failed",
            user,
            detail={"email": normalise_email(email)[:254]},
            actor=None,
        )
        db.session.commit()
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    audit.record("auth.login", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not _verify(_hasher(), user.password_hash, current_password):
        raise AccountError("wrong_password", field="current_password")
    user.password_hash = hash_password(new_password)
    audit.record("auth.password_changed", user, actor=user)
    db.session.commit()


def create_user(
    email: str,
    password: str,
    *,
    is_admin: bool = False,
    display_name: str = "",
    actor: User | None = None,
) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError("email_taken", field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", field="password")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
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
    return _dummy_hashes.setdefault(hasher.memory_cost, hasher.hash("not a real password"))
