"""Real local servers the tests talk to: an HTTP SMS gateway, an SMTP server, and a Redis
broker with a Celery worker."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeOperator:
    """An SMS operator's HTTP API on loopback: records each request, answers as told."""

    def __init__(self, status: int = 200, body: str = '{"status":"ok","message_id":"op-{n}"}'):
        self.status, self.body = status, body
        self.requests: list[dict] = []
        operator = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    query = urllib.parse.urlsplit(self.path).query
                    params = dict(urllib.parse.parse_qsl(raw or query))
                operator.requests.append(
                    {
                        "method": self.command,
                        "path": urllib.parse.urlsplit(self.path).path,
                        "params": params,
                        "headers": dict(self.headers),
                    }
                )
                body = operator.body.replace("{n}", str(len(operator.requests))).encode()
                self.send_response(operator.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOperator:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def texts(self) -> list[str]:
        return [r["params"].get("text", "") for r in self.requests]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes, policy

                sink.messages.append(
                    (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
                )
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# --- a real broker and a real worker ------------------------------------------------------------


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def database_url() -> str:
    """The test database's address, for a worker process that must share it (PostgreSQL)."""
    from django.db import connection

    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def forget_connections(app) -> None:
    """A closed pool (or one bound to another broker) is never reused: the next publisher builds
    a new one for the broker configured then (what Celery does after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def redis_and_worker(port: int, directory: Path, env: dict[str, str]):
    """A redis-server on ``port`` and a Celery worker (solo pool) using it as its broker, with
    ``env`` added to this process's environment; both stopped on exit (the worker's output is
    printed, for a failing test), and the app's broker set back to the configured one."""
    from django.conf import settings

    from baladiya.celery import app

    redis = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(directory)),
        ],
        stdout=subprocess.DEVNULL,
    )
    worker = None
    try:
        wait_for(lambda: listening(port), 10, "redis-server")
        worker = subprocess.Popen(
            [
                *(str(Path(sys.executable).parent / "celery"), "-A", "baladiya", "worker"),
                *("--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"),
            ],
            env={
                **os.environ,
                "BALADIYA_ENV": "development",
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
                "REDIS_URL": "",
                **env,
            },
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        yield worker
    finally:
        if worker is not None:
            worker.terminate()
            try:
                output, _ = worker.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                output, _ = worker.communicate()
            print(output[-4000:])
        redis.terminate()
        redis.wait(timeout=10)
        app.conf.broker_url = settings.CELERY_BROKER_URL
        app.pool.force_close_all()
        forget_connections(app)
