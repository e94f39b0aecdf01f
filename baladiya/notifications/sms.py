"""SMS: counting segments, keeping within budget, and the gateways that send.

A message in the GSM 03.38 alphabet takes 160 characters in one segment, 153 per segment when
split (the rest carries the concatenation header); characters of the extension table (``€ [ ] {
} \\ ~ ^ |``) count twice. Anything else — Arabic, for one — is sent in UCS-2: 70 UTF-16 units in
one segment, 67 per segment when split. Operators bill per segment, so a budget caps it.

Gateways: ``console`` (development: prints to the terminal, which plays the phone) and ``http``,
a generic HTTP gateway whose URL, credentials, parameter names and success pattern are settings,
so an Algerian operator's or aggregator's API plugs in without code.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def count_segments(text: str) -> SegmentCount:
    if is_gsm7(text):
        units = sum(2 if ch in _EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SegmentCount(encoding, units, 1 if units else 0)
    return SegmentCount(encoding, units, -(-units // multi))


def fit_to_budget(text: str, max_segments: int | None = None) -> str:
    """``text`` unchanged if it fits ``max_segments``, else cut with an ellipsis so it does."""
    budget = max_segments or settings.SMS_MAX_SEGMENTS
    if count_segments(text).segments <= budget:
        return text
    # "…" is not in GSM-7: it would turn a Latin message into UCS-2 and halve its room.
    ellipsis = "..." if is_gsm7(text) else "…"
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if count_segments(text[:middle].rstrip() + ellipsis).segments <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ellipsis


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_id: str = ""
    response: str = ""
    retry: bool = True  # a refusal that will never succeed (bad number) says False


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, client_ref: str) -> SendResult: ...


class ConsoleGateway:
    """Development: the terminal plays the phone. Never configured in production."""

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, *, to: str, text: str, client_ref: str) -> SendResult:
        stream = self.stream or sys.stdout
        print(f"\n--- SMS to {to} ---\n{text}\n---", file=stream, flush=True)
        return SendResult(ok=True, provider_id=f"console-{client_ref}", response="printed")


# What the locmem gateway "sent", like django.core.mail.outbox (tests and demos).
outbox: list[dict[str, str]] = []


class LocmemGateway:
    """Keeps messages in ``sms.outbox`` (tests), like Django's locmem email backend."""

    def send(self, *, to: str, text: str, client_ref: str) -> SendResult:
        outbox.append({"to": to, "text": text, "client_ref": client_ref})
        return SendResult(ok=True, provider_id=f"locmem-{client_ref}", response="kept in memory")


class HttpGateway:
    """A generic HTTP SMS gateway, configured entirely by settings (``SMS_HTTP``)."""

    def __init__(self, config: dict | None = None) -> None:
        self.config = {**DEFAULT_HTTP_CONFIG, **(config or settings.SMS_HTTP)}

    def _request(self, to: str, text: str, client_ref: str) -> urllib.request.Request:
        c = self.config
        to_value = to.lstrip("+") if c["strip_plus"] else to
        params = {**c["extra_params"], c["to_param"]: to_value, c["text_param"]: text}
        if c["sender"]:
            params[c["sender_param"]] = c["sender"]
        if c["ref_param"]:
            params[c["ref_param"]] = client_ref
        headers = {"Accept": "application/json, text/plain, */*"}
        if c["username"]:
            token = base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        if c["token"]:
            headers[c["token_header"]] = f"{c['token_prefix']}{c['token']}"
        url = c["url"]
        if not url.startswith(("https://", "http://")):
            raise ValueError("SMS_HTTP url must be an http(s) address")
        if c["method"].upper() == "GET":
            separator = "&" if "?" in url else "?"
            return urllib.request.Request(  # noqa: S310 (scheme checked above)
                url + separator + urllib.parse.urlencode(params), headers=headers, method="GET"
            )
        if c["body"] == "json":
            data = json.dumps(params).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = urllib.parse.urlencode(params).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310

    def send(self, *, to: str, text: str, client_ref: str) -> SendResult:
        c = self.config
        request = self._request(to, text, client_ref)
        try:
            with urllib.request.urlopen(request, timeout=c["timeout"]) as response:  # noqa: S310
                status, body = response.status, response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read(4096).decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            return SendResult(ok=False, response=f"unreachable: {exc}")
        summary = f"HTTP {status}: {body[:500]}"
        if not 200 <= status < 300 or not re.search(c["success_pattern"], body):
            # A 4xx other than throttling is a refusal that retrying will not fix; a 2xx
            # without the success mark (no credit, busy) may pass later, within the budget.
            permanent = 400 <= status < 500 and status not in (408, 429)
            return SendResult(ok=False, response=summary, retry=not permanent)
        provider_id = ""
        if c["id_pattern"]:
            found = re.search(c["id_pattern"], body)
            provider_id = found.group(1) if found and found.groups() else ""
        return SendResult(ok=True, provider_id=provider_id or client_ref, response=summary)


DEFAULT_HTTP_CONFIG: dict = {
    "url": "",
    "method": "POST",
    "body": "form",  # or "json"
    "to_param": "to",
    "text_param": "text",
    "sender_param": "from",
    "sender": "",
    "ref_param": "",
    "strip_plus": False,
    "extra_params": {},
    "username": "",
    "password": "",
    "token": "",
    "token_header": "Authorization",
    "token_prefix": "Bearer ",
    "success_pattern": ".",
    "id_pattern": "",
    "timeout": 10,
}


def get_gateway() -> SmsGateway:
    backend = settings.SMS_BACKEND
    if backend == "http":
        return HttpGateway()
    if backend == "console":
        return ConsoleGateway()
    if backend == "locmem":
        return LocmemGateway()
    raise ValueError(f"Unknown SMS_BACKEND {backend!r} (use 'http', 'console' or 'locmem')")
