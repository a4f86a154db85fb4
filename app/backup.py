"""Backup and restore of a whole installation: the database and the files of the instance
folder, in one archive with a checksum manifest.

- SQLite: a consistent online copy by SQLite's own backup API (writers may go on meanwhile);
- PostgreSQL: `pg_dump --format=custom` (one consistent snapshot), restored by `pg_restore
  --clean --single-transaction`, so a failed restore leaves the database as it was;
- files: everything under the instance folder except the database itself and `cache/`
  (charts and tables, rebuilt on demand) and `backups/` (a good place for the archives). That
  includes `config.py` with the secret key and `data_keys` with the keys of the encrypted
  personal data (`app.personal_data`; restored readable by the owner only): keep the archive
  as carefully as the database. Keys given as WENFANG_DATA_KEYS are not in the archive: keep
  them apart, with the key of every archive still kept (a rotation replaces it).

The archive is a tar file: `manifest.json` (format, when, the database's dialect, Alembic
revision and row count per table, and the SHA-256 and size of every other member), then the
database and `files/…`. `restore` checks every member against the manifest, and the dialect
against the configured database, before it replaces anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, argument lists, no shell
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url

from app.extensions import db
from app.models.types import utcnow

FORMAT = "wenfang-backup"
FORMAT_VERSION = 1
# top-level folders of the instance left out: caches rebuilt on demand, earlier backups, and
# the scratch folders of a restore under way
SKIPPED = ("cache", "backups")
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made, or an archive that will not be restored (why)."""


@dataclass(frozen=True)
class Summary:
    path: Path
    dialect: str
    counts: dict[str, int]
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump takes it (no driver name, no password: that goes in PGPASSWORD)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def table_counts() -> dict[str, int]:
    """Rows per table of the app's schema, in dependency order."""
    return {
        table.name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
        for table in db.metadata.sorted_tables
    }


def _revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # no alembic_version table: a database made by create_all
        db.session.rollback()
        return None


def _instance_files(instance: Path, database: Path | None) -> list[Path]:
    """The instance folder's files to keep: not the live database (nor its journal files),
    not `SKIPPED` folders, not symbolic links."""
    left_out = set()
    if database is not None:
        left_out = {
            database.with_name(database.name + tail) for tail in ("", "-wal", "-shm", "-journal")
        }
    return [
        path
        for path in sorted(instance.rglob("*"))
        if path.is_file()
        and not path.is_symlink()
        and path.relative_to(instance).parts[0] not in SKIPPED
        and path.resolve() not in left_out
    ]


def create(out: Path) -> Summary:
    """Write the archive to *out* (through a temporary file beside it, then renamed)."""
    url = _url()
    instance = Path(current_app.instance_path).resolve()
    with tempfile.TemporaryDirectory(prefix="wenfang-backup-") as scratch:
        work = Path(scratch)
        database: Path | None = None
        if url.get_backend_name() == "sqlite":
            database = _sqlite_file(url).resolve()
            dumped = work / "database.sqlite3"
            counts = _copy_sqlite(database, dumped)
        elif url.get_backend_name() == "postgresql":
            dumped = work / "database.pgdump"
            counts = _dump_postgres(url, dumped)
        else:
            raise BackupError(f"no backup for the {url.get_backend_name()} database")
        files = _instance_files(instance, database)
        members = [(dumped.name, dumped)] + [
            (f"files/{p.relative_to(instance).as_posix()}", p) for p in files
        ]
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": utcnow().isoformat(),
            "database": {
                "dialect": url.get_backend_name(),
                "member": dumped.name,
                "revision": _revision(),
                "counts": counts,
            },
            "members": {
                name: {"sha256": _sha256(p), "size": p.stat().st_size} for name, p in members
            },
        }
        db.session.rollback()
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        os.replace(partial, out)
    return Summary(out, url.get_backend_name(), counts, len(files))


def _copy_sqlite(live: Path, copy: Path) -> dict[str, int]:
    """Copy by SQLite's backup API; the row counts are read from the copy."""
    source, target = sqlite3.connect(live), sqlite3.connect(copy)
    try:
        source.backup(target)
        return {
            t.name: int(target.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])  # noqa: S608 # nosec B608 # our own table names
            for t in db.metadata.sorted_tables
        }
    finally:
        target.close()
        source.close()


def _dump_postgres(url: URL, dumped: Path) -> dict[str, int]:
    """pg_dump of the snapshot in which the rows are counted (an exported snapshot held
    open by a repeatable-read transaction), so the counts are the dump's."""
    address, env = _libpq(url)
    engine = db.engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        counts = {
            t.name: int(connection.scalar(select(func.count()).select_from(t)) or 0)
            for t in db.metadata.sorted_tables
        }
        command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
        _run([*command, f"--file={dumped}", address], env)
    return counts


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 # nosec B603 # a list, no shell
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def verify(archive_path: Path, into: Path) -> dict[str, Any]:
    """Unpack *archive_path* into *into* and check it: the manifest's format, no member
    outside it or missing from it, every size and SHA-256. The manifest, or BackupError."""
    try:
        with tarfile.open(archive_path, "r") as archive:
            return _unpack(archive, into)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"not a readable backup archive: {error}") from error


def _unpack(archive: tarfile.TarFile, into: Path) -> dict[str, Any]:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("the archive has no readable manifest.json") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError("not a Wenfang backup of a format this version reads")
    expected = manifest.get("members") or {}
    seen = set()
    for member in archive.getmembers():
        if member.name == "manifest.json":
            continue
        parts = PurePosixPath(member.name).parts
        if (
            member.name not in expected
            or not member.isfile()
            or ".." in parts
            or member.name.startswith("/")
        ):
            raise BackupError(f"unexpected member in the archive: {member.name}")
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        if source is None:
            raise BackupError(f"unreadable member: {member.name}")
        # readable by the owner only: the members are the database, config.py with the
        # secret key and data_keys with the keys of the personal data (moved into place)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with source, os.fdopen(descriptor, "wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)
        entry = expected[member.name]
        if target.stat().st_size != entry["size"] or _sha256(target) != entry["sha256"]:
            raise BackupError(f"checksum mismatch: {member.name} is damaged")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"members missing from the archive: {', '.join(missing)}")
    return manifest


def restore(archive_path: Path) -> Summary:
    """Replace the database and the instance files by the archive's, once it is verified
    whole and made for this kind of database; then check the row counts it recorded."""
    url = _url()
    instance = Path(current_app.instance_path).resolve()
    (instance / "backups").mkdir(parents=True, exist_ok=True)
    # unpacked in the instance folder: the files then move into place by rename
    with tempfile.TemporaryDirectory(prefix="restore-", dir=instance / "backups") as scratch:
        work = Path(scratch)
        manifest = verify(archive_path, work)
        database = manifest["database"]
        if database["dialect"] != url.get_backend_name():
            raise BackupError(
                f"the archive holds a {database['dialect']} database; this installation uses "
                f"{url.get_backend_name()}"
            )
        dumped = work / database["member"]
        db.session.remove()
        db.engine.dispose()  # no connection of this process holds the old database
        if database["dialect"] == "sqlite":
            _restore_sqlite(dumped, _sqlite_file(url))
        else:
            address, env = _libpq(url)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={address}",
                    str(dumped),
                ],
                env,
            )
        files = work / "files"
        restored = 0
        if files.is_dir():
            for path in sorted(files.rglob("*")):
                if path.is_file():
                    target = instance / path.relative_to(files)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
                    restored += 1
        counts = table_counts()
        db.session.rollback()
    if counts != database["counts"]:
        raise BackupError(f"restored, but the row counts differ from the backup's: {counts}")
    return Summary(archive_path, database["dialect"], counts, restored)


def _restore_sqlite(copy: Path, live: Path) -> None:
    """Check the copy, then put it in place of the live file by SQLite's backup API (so a
    process that still has the file open sees the restored pages, not a deleted inode)."""
    check = sqlite3.connect(copy)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the database in the archive fails SQLite's integrity check")
        target = sqlite3.connect(live)
        try:
            check.backup(target)
        finally:
            target.close()
    finally:
        check.close()
