"""Connector to the national registers: civil status (état civil) and the NIN register.

Baladiya never answers a civil-status or identity question itself. It asks a registry through
the two interfaces below, :class:`CivilStatusRegistry` and :class:`NinRegistry`, and the only
implementation, :class:`HttpRegistryClient`, talks JSON over HTTP to a configurable endpoint: the
national service in production, the reference service (``reference_server.py``) in development
and tests.

Wire protocol (the reference service implements it):

``GET {base}/civil-status/records?type=birth&nin=…&last_name=…&first_name=…&birth_date=YYYY-MM-DD
&commune=NNNN&record_number=…&year=YYYY``
    200 with one record (see :func:`civil_record_from_dict`), 404 when nothing matches.
``POST {base}/nin/verify`` with ``{"nin": …, "last_name": …, "birth_date": "YYYY-MM-DD"}``
    200 with an identity (see :func:`nin_identity_from_dict`), 404 when the three do not match.

Both take ``Authorization: Bearer <token>`` when a token is configured. Errors come back as
``{"error": "<code>", "message": "<text>"}``.

How callers read the outcome:

* a record / an identity: the register confirms it (instant processing may go ahead);
* ``None``: the register has no such record; not an error, the case is processed by hand;
* :class:`RegistryUnavailable`: network error, timeout, 5xx, not configured, or an answer that
  does not follow the protocol; fall back to manual processing, the citizen loses nothing;
* :class:`RegistryRejected`: the registry refused the query (4xx other than 404), with its
  message and status; a bug or a bad input on our side, also a configuration error (401/403).

NINs and names are personal data (Loi 18-07): this module never logs them; a NIN is written
masked to its last four digits (:func:`mask_nin`).

Settings read by the factories (all optional):

``BALADIYA_REGISTRY_URL`` (str, default ``""``: not configured, every use raises
:class:`RegistryUnavailable`), ``BALADIYA_REGISTRY_TOKEN`` (str, default ``""``: no
``Authorization`` header), ``BALADIYA_REGISTRY_TIMEOUT`` (seconds, default 5),
``BALADIYA_REGISTRY_VERIFY_TLS`` (bool, default True), ``BALADIYA_REGISTRY_CA_FILE`` (path to a
PEM bundle for a registry signed by a private CA, default ``""``: the system store).
"""

from __future__ import annotations

import datetime
import functools
import http.client
import ipaddress
import json
import logging
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Final, Literal, Protocol, cast, get_args, runtime_checkable

logger = logging.getLogger("baladiya.registries")

RecordType = Literal["birth", "marriage", "death"]
RECORD_TYPES: Final[frozenset[str]] = frozenset(get_args(RecordType))

NIN_RE: Final = re.compile(r"\A[0-9]{18}\Z")

DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_RETRIES: Final = 2
DEFAULT_BACKOFF: Final = 0.2
#: Answers larger than this are not a record: refuse them rather than read them into memory.
MAX_RESPONSE_BYTES: Final = 1024 * 1024


# --- Errors -----------------------------------------------------------------------------------


class RegistryError(Exception):
    """Base class: the registry could not give an answer."""


class RegistryUnavailable(RegistryError):
    """Network error, timeout, 5xx, not configured, or an answer outside the protocol.

    The caller falls back to manual processing.
    """


class RegistryRejected(RegistryError):
    """The registry refused the query (4xx other than 404). ``message`` is the registry's."""

    def __init__(self, message: str, *, status: int, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} (HTTP {self.status})"


# --- Values -----------------------------------------------------------------------------------


def mask_nin(nin: str | None) -> str:
    """The NIN as it may appear in a log: its last four digits only."""
    if not nin:
        return "-"
    return "*" * max(len(nin) - 4, 0) + nin[-4:]


@dataclass(frozen=True)
class PersonName:
    """A name as written on a record, in Latin and Arabic script.

    Any part may be empty when the record does not give it. ``birth_date`` and ``nin`` are set
    for a spouse when the register links them. ``repr`` shows no personal data.
    """

    last_name_fr: str = field(default="", repr=False)
    first_name_fr: str = field(default="", repr=False)
    last_name_ar: str = field(default="", repr=False)
    first_name_ar: str = field(default="", repr=False)
    birth_date: datetime.date | None = field(default=None, repr=False)
    nin: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CivilRecord:
    """One record of the national civil-status register.

    The names are those of the person the record is about: the child (birth), the deceased
    (death), the spouse on whose side the record was found (marriage; the other is ``spouse``).
    ``event_date`` is the date of birth, marriage or death; ``birth_date`` is the person's birth
    date (equal to ``event_date`` on a birth record). ``commune_ons_code`` is the commune that
    holds the record. ``repr`` leaves out names and NIN, so a record in a log or traceback does
    not leak them.
    """

    record_type: RecordType
    record_number: str
    year: int
    commune_ons_code: str
    last_name_fr: str = field(repr=False)
    first_name_fr: str = field(repr=False)
    last_name_ar: str = field(repr=False)
    first_name_ar: str = field(repr=False)
    birth_date: datetime.date | None = field(default=None, repr=False)
    event_date: datetime.date | None = None
    sex: str = field(default="", repr=False)  # "M", "F" or "" (unknown)
    father: PersonName | None = field(default=None, repr=False)
    mother: PersonName | None = field(default=None, repr=False)
    spouse: PersonName | None = field(default=None, repr=False)
    marginal_notes: list[str] = field(default_factory=list, repr=False)
    nin: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class NinIdentity:
    """An identity confirmed by the NIN register. ``repr`` shows only the masked NIN."""

    nin: str
    last_name_fr: str
    first_name_fr: str
    birth_date: datetime.date
    alive: bool

    def __repr__(self) -> str:
        return f"NinIdentity(nin={mask_nin(self.nin)!r}, alive={self.alive!r})"


# --- Interfaces -------------------------------------------------------------------------------


@runtime_checkable
class CivilStatusRegistry(Protocol):
    def find_record(
        self,
        *,
        record_type: str,
        nin: str | None = None,
        last_name: str = "",
        first_name: str = "",
        birth_date: datetime.date | None = None,
        commune_ons_code: str = "",
        record_number: str = "",
        year: int | None = None,
    ) -> CivilRecord | None:
        """The one record matching every criterion given, or ``None`` when there is none."""
        ...


@runtime_checkable
class NinRegistry(Protocol):
    def verify_identity(
        self, *, nin: str, last_name: str, birth_date: datetime.date
    ) -> NinIdentity | None:
        """The identity when the NIN, last name and birth date belong together, else ``None``."""
        ...


# --- JSON mapping (shared with the reference service) -----------------------------------------


def _date(value: Any, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass  # its message repeats the value: a personal date has no place in a log
    raise ValueError(f"{name}: expected an ISO date")


def _text(data: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise ValueError(f"{name}: missing")
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected a string")
    return value


def _optional_nin(value: Any, name: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not NIN_RE.match(value):
        raise ValueError(f"{name}: expected 18 digits")
    return value


def person_name_from_dict(data: Any, name: str = "person") -> PersonName | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ValueError(f"{name}: expected an object")
    return PersonName(
        last_name_fr=_text(data, "last_name_fr"),
        first_name_fr=_text(data, "first_name_fr"),
        last_name_ar=_text(data, "last_name_ar"),
        first_name_ar=_text(data, "first_name_ar"),
        birth_date=_date(data.get("birth_date"), f"{name}.birth_date"),
        nin=_optional_nin(data.get("nin"), f"{name}.nin"),
    )


def person_name_to_dict(person: PersonName | None) -> dict[str, Any] | None:
    if person is None:
        return None
    data: dict[str, Any] = {
        "last_name_fr": person.last_name_fr,
        "first_name_fr": person.first_name_fr,
        "last_name_ar": person.last_name_ar,
        "first_name_ar": person.first_name_ar,
    }
    if person.birth_date:
        data["birth_date"] = person.birth_date.isoformat()
    if person.nin:
        data["nin"] = person.nin
    return data


def civil_record_from_dict(data: Any) -> CivilRecord:
    """Parse a record from its JSON form; ``ValueError`` when it does not follow the schema."""
    if not isinstance(data, Mapping):
        raise ValueError("record: expected an object")
    record_type = _text(data, "record_type", required=True)
    if record_type not in RECORD_TYPES:
        raise ValueError("record_type: expected birth, marriage or death")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValueError("year: expected an integer")
    commune = _text(data, "commune_ons_code", required=True)
    if not re.fullmatch(r"[0-9]{4}", commune):
        raise ValueError("commune_ons_code: expected 4 digits")
    notes = data.get("marginal_notes") or []
    if not isinstance(notes, list) or not all(isinstance(note, str) for note in notes):
        raise ValueError("marginal_notes: expected a list of strings")
    return CivilRecord(
        record_type=cast(RecordType, record_type),
        record_number=_text(data, "record_number", required=True),
        year=year,
        commune_ons_code=commune,
        last_name_fr=_text(data, "last_name_fr"),
        first_name_fr=_text(data, "first_name_fr"),
        last_name_ar=_text(data, "last_name_ar"),
        first_name_ar=_text(data, "first_name_ar"),
        birth_date=_date(data.get("birth_date"), "birth_date"),
        event_date=_date(data.get("event_date"), "event_date"),
        sex=_text(data, "sex"),
        father=person_name_from_dict(data.get("father"), "father"),
        mother=person_name_from_dict(data.get("mother"), "mother"),
        spouse=person_name_from_dict(data.get("spouse"), "spouse"),
        marginal_notes=list(notes),
        nin=_optional_nin(data.get("nin"), "nin"),
    )


def civil_record_to_dict(record: CivilRecord) -> dict[str, Any]:
    return {
        "record_type": record.record_type,
        "record_number": record.record_number,
        "year": record.year,
        "commune_ons_code": record.commune_ons_code,
        "last_name_fr": record.last_name_fr,
        "first_name_fr": record.first_name_fr,
        "last_name_ar": record.last_name_ar,
        "first_name_ar": record.first_name_ar,
        "birth_date": record.birth_date.isoformat() if record.birth_date else None,
        "event_date": record.event_date.isoformat() if record.event_date else None,
        "sex": record.sex,
        "father": person_name_to_dict(record.father),
        "mother": person_name_to_dict(record.mother),
        "spouse": person_name_to_dict(record.spouse),
        "marginal_notes": list(record.marginal_notes),
        "nin": record.nin,
    }


def nin_identity_from_dict(data: Any) -> NinIdentity:
    """Parse an identity from its JSON form; ``ValueError`` when it does not follow the schema."""
    if not isinstance(data, Mapping):
        raise ValueError("identity: expected an object")
    nin = _optional_nin(data.get("nin"), "nin")
    birth_date = _date(data.get("birth_date"), "birth_date")
    alive = data.get("alive")
    if nin is None or birth_date is None or not isinstance(alive, bool):
        raise ValueError("identity: nin, birth_date and alive are required")
    return NinIdentity(
        nin=nin,
        last_name_fr=_text(data, "last_name_fr", required=True),
        first_name_fr=_text(data, "first_name_fr", required=True),
        birth_date=birth_date,
        alive=alive,
    )


def nin_identity_to_dict(identity: NinIdentity) -> dict[str, Any]:
    return {
        "nin": identity.nin,
        "last_name_fr": identity.last_name_fr,
        "first_name_fr": identity.first_name_fr,
        "birth_date": identity.birth_date.isoformat(),
        "alive": identity.alive,
    }


# --- HTTP client ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A registry does not redirect; following one would send the token and NIN elsewhere."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None  # urllib then raises HTTPError with the 3xx status


@dataclass(frozen=True)
class _Response:
    status: int
    body: Any  # decoded JSON, or None when the body was not JSON


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HttpRegistryClient:
    """Both registries over JSON/HTTP, with the standard library only.

    ``base_url`` empty means "not configured": every lookup raises ``RegistryUnavailable``.
    Connection errors (refused, reset, DNS) are retried ``retries`` times with an exponential
    ``backoff``; timeouts are not retried (the citizen would wait ``timeout`` several times over),
    nor are HTTP error statuses. Redirects are not followed.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        verify_tls: bool = True,
        ca_file: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.retries = max(int(retries), 0)
        self.backoff = max(float(backoff), 0.0)
        self._token = token
        self._opener: urllib.request.OpenerDirector | None = None
        if not self.base_url:
            return
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the registry URL must be an http(s) URL with a host")
        if token and parts.scheme == "http" and not _is_loopback(parts.hostname):
            logger.warning("registry token sent over plain HTTP to %s", parts.hostname)
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if parts.scheme == "https":
            if verify_tls:
                context = ssl.create_default_context(cafile=ca_file or None)
            else:
                logger.warning("TLS verification of the registry at %s is OFF", parts.hostname)
                context = ssl._create_unverified_context()  # noqa: S323 - explicit opt-out
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"HttpRegistryClient({self.base_url or '<not configured>'!r})"

    # -- CivilStatusRegistry

    def find_record(
        self,
        *,
        record_type: str,
        nin: str | None = None,
        last_name: str = "",
        first_name: str = "",
        birth_date: datetime.date | None = None,
        commune_ons_code: str = "",
        record_number: str = "",
        year: int | None = None,
    ) -> CivilRecord | None:
        params = {
            "type": record_type,
            "nin": nin or "",
            "last_name": last_name,
            "first_name": first_name,
            "birth_date": _iso_date(birth_date) if birth_date else "",
            "commune": commune_ons_code,
            "record_number": record_number,
            "year": str(year) if year is not None else "",
        }
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
        by = "nin" if nin else "name" if last_name else "number" if record_number else "other"
        what = f"civil-status lookup type={record_type} by={by} nin={mask_nin(nin)}"
        response = self._call("GET", f"/civil-status/records?{query}", None, what)
        if response is None:
            return None
        try:
            record = civil_record_from_dict(response.body)
        except (ValueError, TypeError) as exc:
            logger.error("%s: malformed record in the answer (%s)", what, exc)
            raise RegistryUnavailable("the registry answered with a malformed record") from None
        if record.record_type != record_type:
            logger.error("%s: the registry answered with a %s record", what, record.record_type)
            raise RegistryUnavailable("the registry answered with another type of record")
        return record

    # -- NinRegistry

    def verify_identity(
        self, *, nin: str, last_name: str, birth_date: datetime.date
    ) -> NinIdentity | None:
        body = {"nin": nin, "last_name": last_name, "birth_date": _iso_date(birth_date)}
        what = f"NIN verification nin={mask_nin(nin)}"
        response = self._call("POST", "/nin/verify", body, what)
        if response is None:
            return None
        try:
            identity = nin_identity_from_dict(response.body)
        except (ValueError, TypeError) as exc:
            logger.error("%s: malformed identity in the answer (%s)", what, exc)
            raise RegistryUnavailable("the registry answered with a malformed identity") from None
        if identity.nin != nin:
            logger.error("%s: the registry answered about another NIN", what)
            raise RegistryUnavailable("the registry answered about another NIN")
        return identity

    # -- transport

    def _call(self, method: str, path: str, body: Any, what: str) -> _Response | None:
        """One request, retried on connection errors; ``None`` on a "no match" 404."""
        if self._opener is None:
            logger.warning("%s: registry not configured (BALADIYA_REGISTRY_URL)", what)
            raise RegistryUnavailable("not configured")
        started = time.monotonic()
        for attempt in range(self.retries + 1):
            try:
                response = self._send(method, path, body)
            except _Retryable as exc:
                if attempt < self.retries:
                    delay = self.backoff * (2**attempt)
                    logger.info("%s: %s; retrying in %.2f s", what, exc.reason, delay)
                    time.sleep(delay)
                    continue
                logger.warning("%s: unavailable (%s)", what, exc.reason)
                raise RegistryUnavailable(f"registry unreachable: {exc.reason}") from exc.__cause__
            except RegistryUnavailable as exc:
                logger.warning("%s: unavailable (%s)", what, exc)
                raise
            elapsed = (time.monotonic() - started) * 1000
            return self._interpret(response, what, elapsed)
        raise AssertionError("unreachable")  # pragma: no cover

    def _interpret(self, response: _Response, what: str, elapsed: float) -> _Response | None:
        status, data = response.status, response.body
        error = data if isinstance(data, dict) else {}
        if status == 200:
            if data is None:
                logger.error("%s: 200 without a JSON body", what)
                raise RegistryUnavailable("the registry answered without JSON")
            logger.info("%s: found (%.0f ms)", what, elapsed)
            return response
        if status == 404:
            # A "no match" 404 is a JSON object. An HTML 404 or an unknown endpoint means the URL
            # is wrong: answering "no record" to every citizen would hide it.
            if not isinstance(data, dict) or error.get("error") == "unknown_endpoint":
                logger.error("%s: 404 from something that is not the registry", what)
                raise RegistryUnavailable(
                    "unexpected 404 from the registry URL (check BALADIYA_REGISTRY_URL)"
                )
            logger.info("%s: no match (%.0f ms)", what, elapsed)
            return None
        if status in (408, 429) or status >= 500:
            logger.warning("%s: unavailable (HTTP %s, %.0f ms)", what, status, elapsed)
            raise RegistryUnavailable(f"registry error (HTTP {status})")
        if 400 <= status < 500:
            message = str(error.get("message") or error.get("error") or f"HTTP {status}")
            code = str(error.get("error") or "")
            logger.warning("%s: rejected (HTTP %s, %s)", what, status, code or "-")
            raise RegistryRejected(message, status=status, code=code)
        logger.error("%s: unexpected HTTP %s", what, status)
        raise RegistryUnavailable(f"unexpected answer from the registry (HTTP {status})")

    def _send(self, method: str, path: str, body: Any) -> _Response:
        assert self._opener is not None
        headers = {"Accept": "application/json", "User-Agent": "baladiya-registries/1"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as resp:
                return _Response(resp.status, _decode(resp.read(MAX_RESPONSE_BYTES + 1)))
        except urllib.error.HTTPError as exc:
            try:
                raw = exc.read(MAX_RESPONSE_BYTES + 1)
            except (OSError, http.client.HTTPException):
                raw = b""
            finally:
                exc.close()
            return _Response(exc.code, _decode(raw))
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise RegistryUnavailable("registry timed out") from reason
            if isinstance(reason, ssl.SSLError):
                raise RegistryUnavailable(f"TLS error: {type(reason).__name__}") from reason
            raise _Retryable(_describe(reason)) from (
                reason if isinstance(reason, BaseException) else exc
            )
        except TimeoutError as exc:
            raise RegistryUnavailable("registry timed out") from exc
        except ssl.SSLError as exc:
            raise RegistryUnavailable(f"TLS error: {type(exc).__name__}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Retryable(_describe(exc)) from exc


def _iso_date(value: datetime.date) -> str:
    """YYYY-MM-DD, also for a ``datetime`` passed where a date was meant."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


class _Retryable(Exception):
    """A connection-level failure: the registry never saw or never answered the request."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _describe(reason: object) -> str:
    if isinstance(reason, BaseException):
        return type(reason).__name__
    return "connection error"


def _decode(raw: bytes) -> Any:
    if len(raw) > MAX_RESPONSE_BYTES:
        raise RegistryUnavailable("the registry answer is too large")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


# --- Factories --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _client(
    url: str, token: str, timeout: float, verify_tls: bool, ca_file: str
) -> HttpRegistryClient:
    return HttpRegistryClient(
        url, token=token, timeout=timeout, verify_tls=verify_tls, ca_file=ca_file or None
    )


def _configured_client() -> HttpRegistryClient:
    from django.conf import settings

    url = str(getattr(settings, "BALADIYA_REGISTRY_URL", "") or "").strip()
    if not url:
        raise RegistryUnavailable("not configured")
    return _client(
        url,
        str(getattr(settings, "BALADIYA_REGISTRY_TOKEN", "") or ""),
        float(getattr(settings, "BALADIYA_REGISTRY_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT),
        bool(getattr(settings, "BALADIYA_REGISTRY_VERIFY_TLS", True)),
        str(getattr(settings, "BALADIYA_REGISTRY_CA_FILE", "") or ""),
    )


def get_civil_status_registry() -> CivilStatusRegistry:
    """The civil-status register configured in settings.

    Raises ``RegistryUnavailable("not configured")`` when ``BALADIYA_REGISTRY_URL`` is empty:
    call it inside the same ``try`` as the lookup, and fall back to manual processing.
    """
    return _configured_client()


def get_nin_registry() -> NinRegistry:
    """The NIN register configured in settings (same settings and behaviour as above)."""
    return _configured_client()
