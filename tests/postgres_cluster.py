"""A throwaway PostgreSQL server in a temporary directory, on a free loopback port: for the load
test (`tests/benchmarks/bench_load.py`), which restarts it, and the disk-full test, which gives
it a tablespace on a tiny filesystem; neither may touch the machine's own cluster.

initdb and the server refuse to run as root: when this process is root they run as the
`postgres` system user (runuser), which then owns the temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POSTGRES_BIN = Path(os.environ.get("WENFANG_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    directory: Path
    port: int
    run_as: str | None
    settings: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def command(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def pg_ctl(self, action: str, *options: str) -> None:
        subprocess.run(
            self.command(
                str(POSTGRES_BIN / "pg_ctl"),
                action,
                "-D",
                str(self.data),
                "-l",
                str(self.directory / "server.log"),
                "-w",
                "-t",
                "60",
                *options,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        """Start the server on its port, loopback only, with its socket in its directory."""
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.directory}",
            *(f"-c {setting}" for setting in self.settings),
        ]
        self.pg_ctl("start", "-o", " ".join(options))

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "immediate") -> None:
        """Stop the server (*mode* "immediate": as if it crashed, recovering from the WAL on
        the way up; "fast": rolling back open transactions) and start it again."""
        self.pg_ctl("restart", "-m", mode)

    def owns(self, path: Path) -> None:
        """Give *path* to the server's user (a tablespace's directory must be its own)."""
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            os.chown(path, user.pw_uid, user.pw_gid)


def available() -> str | None:
    """None when a cluster can be made here, else why not."""
    if not (POSTGRES_BIN / "initdb").exists():
        return f"no initdb in {POSTGRES_BIN} (set WENFANG_POSTGRES_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as"
        if not shutil.which("runuser"):
            return "running as root and runuser is missing"
    return None


@contextlib.contextmanager
def temporary_cluster(*settings: str) -> Iterator[Cluster]:
    """A new cluster, started (trust authentication, loopback only, `-c` *settings* such as
    "max_connections=200"), stopped and removed at the end of the block."""
    reason = available()
    if reason:
        raise RuntimeError(reason)
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="wenfang-pg-"))
    cluster = Cluster(directory, free_port(), run_as, settings)
    cluster.owns(directory)
    try:
        subprocess.run(
            cluster.command(
                str(POSTGRES_BIN / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",  # initdb's own files; the server syncs as usual once started
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the caller
                cluster.stop("immediate")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
