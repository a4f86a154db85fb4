"""Personal information encrypted at rest (PIPL art. 51): one key ring and one column type.

A column declared `EncryptedText` holds Fernet tokens (AES-128-CBC with HMAC-SHA256: tampering
or a wrong key is detected, never decrypted into garbage). The key ring is
`WENFANG_DATA_KEYS` (comma-separated Fernet keys, the newest first) or, when that is unset,
the file `instance/data_keys` (one key per line, the newest first), written with one new key
the first time a value is encrypted. New values are encrypted with the first key; any key of
the ring decrypts. Rotation (`flask --app wsgi privacy rotate-key`) puts a new key first,
re-encrypts every `EncryptedText` column with it and drops the old keys, after which old
ciphertext no longer opens.

Values that must be found again without decrypting every row (a phone number, to find
duplicates) are stored a second time as a keyed hash, `blind_index`.
"""

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text, TypeDecorator

KEYS_FILE = "data_keys"
INDEX_PURPOSE = b"wenfang personal data index"


class PersonalDataKeyError(RuntimeError):
    """Stored personal data cannot be opened with the configured keys."""


def _keys_path() -> Path:
    return Path(current_app.instance_path) / KEYS_FILE


def _configured_keys() -> list[str]:
    listed = current_app.config.get("DATA_KEYS")
    if listed:
        return [key.strip() for key in listed.split(",") if key.strip()]
    path = _keys_path()
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _write_keys_file(keys: list[str]) -> None:
    """Replace the keys file in one rename, readable by its owner only."""
    path = _keys_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_suffix(".new")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(draft, path)


def _create_first_key() -> None:
    """Write the keys file with one key, unless another process has just written it."""
    path = _keys_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(Fernet.generate_key().decode() + "\n")


def _keys_signature() -> tuple:
    """What the ring is built from: the configured keys, or the keys file as it is now (a
    rotation replaces the file, so its inode and time change)."""
    listed = current_app.config.get("DATA_KEYS")
    if listed:
        return ("config", listed)
    try:
        status = _keys_path().stat()
    except FileNotFoundError:
        return ("none",)
    return ("file", status.st_ino, status.st_mtime_ns, status.st_size)


def key_ring(*, create: bool = False) -> MultiFernet:
    """The configured keys, the newest first; with `create`, a first key if there is none.

    Built once per app and kept while its source is unchanged: every encrypted value of a
    page goes through it, and reading and parsing the keys each time cost more than the
    encryption itself."""
    signature = _keys_signature()
    cached = current_app.extensions.get("personal_data_ring")
    if cached is not None and cached[0] == signature:
        return cached[1]
    ring = _built_ring(create=create)
    current_app.extensions["personal_data_ring"] = (_keys_signature(), ring)
    return ring


def _built_ring(*, create: bool) -> MultiFernet:
    keys = _configured_keys()
    if not keys and create and not current_app.config.get("DATA_KEYS"):
        _create_first_key()
        keys = _configured_keys()
    if not keys:
        raise PersonalDataKeyError(
            "No key for personal data: set WENFANG_DATA_KEYS or restore instance/data_keys "
            "(the backup archive holds it)."
        )
    return ring_of(keys)


def ring_of(keys: list[str]) -> MultiFernet:
    """The ring of *keys* (newest first); PersonalDataKeyError when one is malformed."""
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise PersonalDataKeyError(
            "A personal-data key is malformed (each must be 32 url-safe base64 bytes, as "
            "Fernet.generate_key() writes): check WENFANG_DATA_KEYS or instance/data_keys."
        ) from error


def seal(plaintext: str) -> str:
    return key_ring(create=True).encrypt(plaintext.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return key_ring().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise PersonalDataKeyError(
            "Personal data cannot be decrypted with the configured keys: the key was "
            "replaced or rotated away (WENFANG_DATA_KEYS or instance/data_keys), or the "
            "stored value was altered."
        ) from error


def blind_index(normalised: str) -> str:
    """A keyed hash of a normalised value, to find equal values without decrypting them.

    Keyed with SECRET_KEY (as the address hash in `surveys.paradata` is), not with the data
    keys: `flask --app wsgi privacy rotate-key` leaves the indexes as they are, and they stay
    valid; replacing the secret key makes them stale.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, INDEX_PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token; Python code sees the plaintext.

    Every column of this type is re-encrypted by the rotation, which finds them by type, so a
    new personal column needs no registration.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return unseal(value)
