"""The reference registry on an ephemeral port, and small scripted servers for transport faults."""

from __future__ import annotations

import datetime
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from baladiya.registries.connector import HttpRegistryClient
from baladiya.registries.reference_server import ReferenceServer, start_reference_server

TOKEN = "test-registry-token"

# The demo citizen of reference_data.json (fictional).
AMINA_NIN = "109900301000123456"
AMINA_BIRTH = datetime.date(1990, 3, 14)
LAGHOUAT = "0301"


@pytest.fixture(scope="session")
def registry_server() -> Iterator[tuple[ReferenceServer, str]]:
    """The reference registry with the shipped data and a token; it is stateless, so shared."""
    server, base_url = start_reference_server(port=0, token=TOKEN)
    try:
        yield server, base_url
    finally:
        server.shutdown()


@pytest.fixture
def registry_url(registry_server: tuple[ReferenceServer, str]) -> str:
    return registry_server[1]


@pytest.fixture
def client(registry_url: str) -> HttpRegistryClient:
    return HttpRegistryClient(registry_url, token=TOKEN, timeout=5, backoff=0.01)


@dataclass
class Scripted:
    """A fake registry answering requests from a script, one step per request.

    A step is ``(status, headers, body)``, or ``None`` to close the connection without answering.
    Once the script is used up, the last step repeats.
    """

    steps: list[tuple[int, dict[str, str], bytes] | None]
    hits: list[str] = field(default_factory=list)

    def next_step(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        self.hits.append(path)
        return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]


Step = tuple[int, dict[str, str], bytes] | None
StartScripted = Callable[[list[Step]], tuple["Scripted", str]]


@pytest.fixture
def scripted() -> Iterator[StartScripted]:
    """``scripted(steps)`` -> (script, base_url): serves the steps until the test ends."""
    servers: list[ThreadingHTTPServer] = []

    def start(steps: list[Step]) -> tuple[Scripted, str]:
        script = Scripted(list(steps))

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                step = script.next_step(self.path)
                if step is None:
                    self.close_connection = True
                    return
                status, headers, body = step
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return script, f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.fixture
def closed_url() -> str:
    """A port where nothing listens any more: the reference server, stopped."""
    server, base_url = start_reference_server(port=0)
    server.shutdown()
    return base_url
