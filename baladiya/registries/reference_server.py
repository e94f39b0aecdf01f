"""Reference registry service: a stand-in for the national registers, for development and tests.

ALL ITS DATA IS FICTIONAL. ``reference_data.json`` holds invented people, records and NINs; never
load real civil-status or NIN data into this service, and never run it where citizens are served.

It speaks the protocol documented in :mod:`baladiya.registries.connector` and nothing more:

* ``GET /civil-status/records?type=…`` with ``nin``, ``last_name``, ``first_name``,
  ``birth_date`` (YYYY-MM-DD), ``commune`` (ONS code), ``record_number``, ``year``: every
  criterion given must match. A query needs the NIN, or last name + birth date, or record number
  + year + commune. 200 with the record; 404 when none matches; 409 when several do.
* ``POST /nin/verify`` with ``{"nin", "last_name", "birth_date"}``: 200 with the identity when
  all three match, else 404 (the answer does not say which part failed).
* ``GET /healthz``: 200 ``{"status": "ok"}``, without a token.

Names match case-, accent- and spacing-insensitively, in Latin or Arabic script ("KHELIFI",
"khélifi", "خليفي"). A marriage record is found from either spouse and answered oriented towards
the person searched. When a token is set every other endpoint needs ``Authorization: Bearer``
(401 otherwise). Malformed queries get 400 with ``{"error": code, "message": text}``; messages
never repeat the NIN or names sent.

Run it: ``python -m baladiya.registries.reference_server --host 127.0.0.1 --port 8765
[--data FILE.json] [--token TOKEN] [--latency SECONDS]`` (the token may also come from
``BALADIYA_REGISTRY_TOKEN``), then point ``BALADIYA_REGISTRY_URL`` at ``http://127.0.0.1:8765``.
From tests: ``server, base_url = start_reference_server(port=0)``; ``server.shutdown()``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import hmac
import json
import logging
import os
import re
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from baladiya.registries.connector import (
    NIN_RE,
    RECORD_TYPES,
    CivilRecord,
    NinIdentity,
    PersonName,
    civil_record_from_dict,
    civil_record_to_dict,
    nin_identity_from_dict,
    nin_identity_to_dict,
)

logger = logging.getLogger("baladiya.registries.reference_server")

DEFAULT_DATA_FILE = Path(__file__).with_name("reference_data.json")
MAX_BODY_BYTES = 64 * 1024
QUERY_PARAMS = frozenset(
    {"type", "nin", "last_name", "first_name", "birth_date", "commune", "record_number", "year"}
)

_ARABIC_FOLD = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None, "œ": "oe", "æ": "ae"})


def normalize_name(value: str) -> str:
    """A name reduced for comparison: no case, accents, harakat, hamza seats, spaces or dashes.

    "Aït-Saïd", "AIT SAID" and "ait said" compare equal; so do "أمينة" and "امينه".
    """
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return "".join(ch for ch in kept.translate(_ARABIC_FOLD) if ch.isalnum())


class QueryError(ValueError):
    """A malformed query: answered with 400 (or ``status``) and this code and message."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class _Identity:
    identity: NinIdentity
    last_names: frozenset[str]  # normalized, Latin and Arabic


def _names(*values: str) -> frozenset[str]:
    return frozenset(n for n in (normalize_name(v) for v in values) if n)


def _spouse_view(record: CivilRecord) -> CivilRecord | None:
    """A marriage record seen from the spouse's side, or ``None`` when the spouse is unnamed."""
    spouse = record.spouse
    if record.record_type != "marriage" or spouse is None or not spouse.last_name_fr:
        return None
    return dataclasses.replace(
        record,
        last_name_fr=spouse.last_name_fr,
        first_name_fr=spouse.first_name_fr,
        last_name_ar=spouse.last_name_ar,
        first_name_ar=spouse.first_name_ar,
        birth_date=spouse.birth_date,
        nin=spouse.nin,
        sex={"M": "F", "F": "M"}.get(record.sex, ""),
        father=None,  # the stored parents are the other spouse's
        mother=None,
        spouse=PersonName(
            last_name_fr=record.last_name_fr,
            first_name_fr=record.first_name_fr,
            last_name_ar=record.last_name_ar,
            first_name_ar=record.first_name_ar,
            birth_date=record.birth_date,
            nin=record.nin,
        ),
    )


class ReferenceRegistry:
    """The fictional registers in memory, and the two lookups the service answers."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        try:
            self.records = [civil_record_from_dict(item) for item in data.get("records", [])]
            identities = [nin_identity_from_dict(item) for item in data.get("identities", [])]
            raw_identities = list(data.get("identities", []))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid reference registry data: {exc}") from exc
        self.identities: dict[str, _Identity] = {}
        for identity, raw in zip(identities, raw_identities, strict=True):
            if identity.nin in self.identities:
                raise ValueError("invalid reference registry data: a NIN appears twice")
            self.identities[identity.nin] = _Identity(
                identity, _names(identity.last_name_fr, str(raw.get("last_name_ar") or ""))
            )
        # Each record with the view(s) it can be found under: (index, view).
        self._views: list[tuple[int, CivilRecord]] = []
        for index, record in enumerate(self.records):
            self._views.append((index, record))
            spouse_view = _spouse_view(record)
            if spouse_view is not None:
                self._views.append((index, spouse_view))

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> ReferenceRegistry:
        with open(path or DEFAULT_DATA_FILE, encoding="utf-8") as f:
            return cls(json.load(f))

    # -- civil status

    def find_record(self, params: Mapping[str, str]) -> CivilRecord | None:
        """The record matching every criterion; ``QueryError`` for a malformed or vague query."""
        unknown = set(params) - QUERY_PARAMS
        if unknown:
            raise QueryError(
                "unknown_parameter", f"unknown parameter(s): {', '.join(sorted(unknown))}"
            )
        record_type = params.get("type", "")
        if record_type not in RECORD_TYPES:
            raise QueryError("invalid_type", "type must be one of: birth, death, marriage")
        nin = params.get("nin", "")
        if nin and not NIN_RE.match(nin):
            raise QueryError("invalid_nin", "nin must be 18 digits")
        birth_date = _parse_date(params.get("birth_date", ""), "birth_date")
        commune = params.get("commune", "")
        if commune and not re.fullmatch(r"[0-9]{4}", commune):
            raise QueryError("invalid_commune", "commune must be a 4-digit ONS code")
        year_text = params.get("year", "")
        if year_text and not re.fullmatch(r"[0-9]{4}", year_text):
            raise QueryError("invalid_year", "year must be 4 digits")
        year = int(year_text) if year_text else None
        last_name = normalize_name(params.get("last_name", ""))
        first_name = normalize_name(params.get("first_name", ""))
        record_number = params.get("record_number", "").strip()
        if not (
            nin or (last_name and birth_date) or (record_number and year is not None and commune)
        ):
            raise QueryError(
                "insufficient_criteria",
                "give the nin, or last_name and birth_date, or record_number, year and commune",
            )

        def matches(view: CivilRecord) -> bool:
            return (
                view.record_type == record_type
                and (not nin or view.nin == nin)
                and (not last_name or last_name in _names(view.last_name_fr, view.last_name_ar))
                and (not first_name or first_name in _names(view.first_name_fr, view.first_name_ar))
                and (birth_date is None or view.birth_date == birth_date)
                and (not commune or view.commune_ons_code == commune)
                and (not record_number or _same_number(view.record_number, record_number))
                and (year is None or view.year == year)
            )

        found: dict[int, list[CivilRecord]] = {}
        for index, view in self._views:
            if matches(view):
                found.setdefault(index, []).append(view)
        if not found:
            return None
        if len(found) > 1:
            raise QueryError(
                "ambiguous", "several records match; add criteria (first_name, commune…)", 409
            )
        # Found from both sides (e.g. by number): the record as stored.
        return next(iter(found.values()))[0]

    # -- NIN

    def verify_identity(self, body: Any) -> NinIdentity | None:
        if not isinstance(body, Mapping):
            raise QueryError("invalid_body", "the body must be a JSON object")
        unknown = set(body) - {"nin", "last_name", "birth_date"}
        if unknown:
            raise QueryError("unknown_parameter", f"unknown field(s): {', '.join(sorted(unknown))}")
        nin = body.get("nin")
        if not isinstance(nin, str) or not NIN_RE.match(nin):
            raise QueryError("invalid_nin", "nin must be 18 digits")
        last_name = body.get("last_name")
        if not isinstance(last_name, str) or not normalize_name(last_name):
            raise QueryError("invalid_last_name", "last_name is required")
        raw_date = body.get("birth_date")
        birth_date = _parse_date(raw_date if isinstance(raw_date, str) else "?", "birth_date")
        if birth_date is None:
            raise QueryError("invalid_birth_date", "birth_date is required (YYYY-MM-DD)")
        entry = self.identities.get(nin)
        if (
            entry is None
            or normalize_name(last_name) not in entry.last_names
            or entry.identity.birth_date != birth_date
        ):
            return None
        return entry.identity


def _parse_date(value: str, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"invalid_{name}", f"{name} must be a date YYYY-MM-DD") from None


def _same_number(stored: str, asked: str) -> bool:
    """Record numbers compare without their leading zeros ("00412" is "412")."""
    return stored.lstrip("0") == asked.lstrip("0")


# --- HTTP -------------------------------------------------------------------------------------


class ReferenceServer(ThreadingHTTPServer):
    """The HTTP server; ``shutdown()`` stops it and closes its socket."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        registry: ReferenceRegistry,
        *,
        token: str = "",
        latency: float = 0.0,
    ) -> None:
        super().__init__(address, _Handler)
        self.registry = registry
        self.token = token
        self.latency = latency

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: ReferenceServer
    server_version = "BaladiyaReferenceRegistry/1"
    timeout = 10  # seconds a connection may stay silent before it is dropped

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/healthz":
            self._json(200, {"status": "ok", "fictional_data": True})
        elif path == "/civil-status/records":
            if self._authorized():
                self._records(query)
        elif path == "/nin/verify":
            self._json(405, _error("method_not_allowed", "use POST"), {"Allow": "POST"})
        else:
            self._json(404, _error("unknown_endpoint", "no such endpoint"))

    def do_POST(self) -> None:
        path = self.path.partition("?")[0]
        if path == "/nin/verify":
            if self._authorized():
                self._verify()
        elif path in ("/healthz", "/civil-status/records"):
            self._json(405, _error("method_not_allowed", "use GET"), {"Allow": "GET"})
        else:
            self._json(404, _error("unknown_endpoint", "no such endpoint"))

    def _authorized(self) -> bool:
        token = self.server.token
        if not token:
            return True
        header = self.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
        self._json(
            401,
            _error("unauthorized", "a valid bearer token is required"),
            {"WWW-Authenticate": 'Bearer realm="registry"'},
        )
        return False

    def _records(self, query: str) -> None:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=False)
        params: dict[str, str] = {}
        for key, value in pairs:
            if key in params:
                self._json(400, _error("repeated_parameter", f"{key} is given twice"))
                return
            params[key] = value
        self._delay()
        try:
            record = self.server.registry.find_record(params)
        except QueryError as exc:
            self._json(exc.status, _error(exc.code, exc.message))
            return
        if record is None:
            self._json(404, _error("not_found", "no record matches"))
        else:
            self._json(200, civil_record_to_dict(record))

    def _verify(self) -> None:
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self._json(411, _error("length_required", "Content-Length is required"))
            return
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self._json(413, _error("too_large", "the body is too large"))
            return
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._json(400, _error("invalid_json", "the body must be JSON"))
            return
        self._delay()
        try:
            identity = self.server.registry.verify_identity(body)
        except QueryError as exc:
            self._json(exc.status, _error(exc.code, exc.message))
            return
        if identity is None:
            self._json(404, _error("not_found", "no identity matches"))
        else:
            self._json(200, nin_identity_to_dict(identity))

    def _delay(self) -> None:
        if self.server.latency > 0:
            time.sleep(self.server.latency)

    def _json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up (e.g. its timeout): nothing left to tell it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    # The request line carries the NIN and names in its query string: log the path only.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = code.value if isinstance(code, HTTPStatus) else code
        path = self.path.partition("?")[0] if hasattr(self, "path") else "-"
        logger.info("%s %s %s", getattr(self, "command", "-"), path, status)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("reference registry: %s", format % args)


def _error(code: str, message: str) -> dict[str, str]:
    return {"error": code, "message": message}


def _load(data: Mapping[str, Any] | str | Path | None) -> ReferenceRegistry:
    if data is None or isinstance(data, str | Path):
        return ReferenceRegistry.from_file(data)
    return ReferenceRegistry(data)


def start_reference_server(
    port: int = 0,
    data: Mapping[str, Any] | str | Path | None = None,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    latency: float = 0.0,
) -> tuple[ReferenceServer, str]:
    """Serve the reference registry from a daemon thread; returns the server and its base URL.

    ``data`` is a mapping in the format of ``reference_data.json``, a path to such a file, or
    ``None`` for the shipped file. ``port=0`` picks a free port. ``latency`` delays every lookup
    by that many seconds (to try timeouts). Stop it with ``server.shutdown()``.
    """
    server = ReferenceServer((host, port), _load(data), token=token or "", latency=latency)
    # A short poll interval: shutdown() returns within 50 ms instead of half a second.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="reference-registry", daemon=True
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host!s}:{bound_port}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m baladiya.registries.reference_server",
        description="Reference civil-status and NIN registry (FICTIONAL data, development only).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", help="JSON data file (default: the shipped fictional data)")
    parser.add_argument(
        "--token",
        default=os.environ.get("BALADIYA_REGISTRY_TOKEN", ""),
        help="bearer token to require (default: $BALADIYA_REGISTRY_TOKEN; none if empty)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait per lookup")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = ReferenceServer(
        (args.host, args.port), _load(args.data), token=args.token, latency=args.latency
    )
    host, port = server.server_address[:2]
    logger.info(
        "reference registry (FICTIONAL data) on http://%s:%s, %d records, %d identities, %s",
        host,
        port,
        len(server.registry.records),
        len(server.registry.identities),
        "token required" if args.token else "no token",
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
