"""A real HTTP receiver of webhooks on loopback, for the webhook tests: closed (nothing
listens on its port), or listening and answering as its `mode` says. Every request it reads
is kept, with its headers and body, so that tests can verify and deduplicate them."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


class Receiver:
    """`url` is fixed from the start; `open(mode)` starts listening, `close()` stops.
    Modes: "up" (200), "unavailable" (503 without reading on), "lost" (reads the request,
    keeps it, answers 500: the receiver got it but the sender cannot know), "redirect" (302
    to another address)."""

    def __init__(self) -> None:
        with socket.socket() as probe:  # a free port, closed until `open`
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/wenfang"
        self.mode = "up"
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def open(self, mode: str = "up") -> None:
        self.mode = mode
        if self._server is not None:
            return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                code = {"up": 200, "unavailable": 503, "lost": 500, "redirect": 302}[receiver.mode]
                if receiver.mode in ("up", "lost"):
                    with receiver._lock:
                        receiver.received.append(Received(_lowercase(self.headers), body, code))
                self.send_response(code)
                if code == 302:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accepted(self) -> list[Received]:
        """The requests answered 200."""
        with self._lock:
            return [r for r in self.received if r.answered == 200]


def _lowercase(headers) -> dict[str, str]:
    """Header names are case-insensitive (urllib sends `Webhook-id`); kept lowercased."""
    return {name.lower(): value for name, value in headers.items()}
