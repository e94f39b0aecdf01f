"""The reference registry service itself: its HTTP contract, its data, its command line."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from baladiya.registries import (
    HttpRegistryClient,
    RegistryRejected,
    RegistryUnavailable,
    reference_server,
)
from baladiya.registries.reference_server import (
    DEFAULT_DATA_FILE,
    ReferenceRegistry,
    ReferenceServer,
    normalize_name,
    start_reference_server,
)
from tests.registries.conftest import AMINA_BIRTH, AMINA_NIN, TOKEN

PILOT_COMMUNES = {"3501", "0301", "0920", "4431"}


def call(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    token: str | None = TOKEN,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(  # noqa: S310 - the test servers' http URLs
        url, data=body, method=method, headers=headers or {}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read())


# --- HTTP contract ------------------------------------------------------------------------------


def test_healthz_answers_without_a_token(registry_url):
    status, _headers, body = call(f"{registry_url}/healthz", token=None)

    assert status == 200 and body["status"] == "ok" and body["fictional_data"] is True


def test_without_a_token_the_lookups_answer_401_with_a_bearer_challenge(registry_url):
    status, headers, body = call(
        f"{registry_url}/civil-status/records?type=birth&nin={AMINA_NIN}", token=None
    )

    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert body["error"] == "unauthorized"
    status, _headers, _body = call(
        f"{registry_url}/nin/verify", method="POST", body=b"{}", token="nope"
    )
    assert status == 401


def test_without_a_configured_token_no_token_is_needed():
    server, url = start_reference_server(port=0)
    try:
        status, _headers, body = call(
            f"{url}/civil-status/records?type=birth&nin={AMINA_NIN}", token=None
        )
    finally:
        server.shutdown()

    assert status == 200 and body["first_name_fr"] == "Amina"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("type=adoption&nin=109900301000123456", "invalid_type"),
        ("nin=109900301000123456", "invalid_type"),
        ("type=birth&nin=1099003010001234567", "invalid_nin"),
        ("type=birth&nin=10990030100012345a", "invalid_nin"),
        ("type=birth&last_name=Khelifi&birth_date=14/03/1990", "invalid_birth_date"),
        ("type=birth&record_number=412&year=90&commune=0301", "invalid_year"),
        ("type=birth&record_number=412&year=1990&commune=301", "invalid_commune"),
        ("type=birth&last_name=Khelifi", "insufficient_criteria"),
        ("type=birth&first_name=Amina&birth_date=1990-03-14", "insufficient_criteria"),
        ("type=birth&nin=109900301000123456&nin=109900301000123457", "repeated_parameter"),
        ("type=birth&nin=109900301000123456&surname=Khelifi", "unknown_parameter"),
    ],
)
def test_malformed_queries_answer_400_with_a_json_error(registry_url, query, code):
    status, _headers, body = call(f"{registry_url}/civil-status/records?{query}")

    assert status == 400
    assert body["error"] == code and body["message"]
    assert AMINA_NIN not in body["message"] and "Khelifi" not in body["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid_json"),
        (b"[]", "invalid_body"),
        (b'{"nin": "123", "last_name": "Khelifi", "birth_date": "1990-03-14"}', "invalid_nin"),
        (b'{"nin": "109900301000123456", "birth_date": "1990-03-14"}', "invalid_last_name"),
        (b'{"nin": "109900301000123456", "last_name": "Khelifi"}', "invalid_birth_date"),
        (
            b'{"nin": "109900301000123456", "last_name": "K", "birth_date": "1990-3-14"}',
            "invalid_birth_date",
        ),
        (
            b'{"nin": "109900301000123456", "last_name": "K", "birth_date": "1990-03-14", '
            b'"first_name": "Amina"}',
            "unknown_parameter",
        ),
    ],
)
def test_malformed_verifications_answer_400(registry_url, body, code):
    status, _headers, answer = call(
        f"{registry_url}/nin/verify",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )

    assert (status, answer["error"]) == (400, code)


def test_unknown_endpoints_and_wrong_methods(registry_url):
    assert call(f"{registry_url}/civil-status")[0] == 404
    assert call(f"{registry_url}/civil-status")[2]["error"] == "unknown_endpoint"
    status, headers, _body = call(f"{registry_url}/nin/verify")
    assert (status, headers["Allow"]) == (405, "POST")
    status, headers, _body = call(f"{registry_url}/civil-status/records", method="POST", body=b"")
    assert (status, headers["Allow"]) == (405, "GET")


def test_the_server_log_never_shows_the_query_string(registry_url, caplog):
    caplog.set_level(logging.DEBUG, logger="baladiya.registries.reference_server")

    call(f"{registry_url}/civil-status/records?type=birth&nin={AMINA_NIN}&last_name=Khelifi")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /civil-status/records 200" in logged
    assert AMINA_NIN not in logged and "Khelifi" not in logged


def test_several_matching_records_answer_409():
    twins = json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))
    amina = next(
        r for r in twins["records"] if r["nin"] == AMINA_NIN and r["record_type"] == "birth"
    )
    twins["records"].append(
        {**amina, "record_number": "00413", "first_name_fr": "Amira", "nin": None}
    )
    server, url = start_reference_server(port=0, data=twins)
    client = HttpRegistryClient(url)
    try:
        with pytest.raises(RegistryRejected) as caught:
            client.find_record(record_type="birth", last_name="Khelifi", birth_date=AMINA_BIRTH)
        assert (caught.value.status, caught.value.code) == (409, "ambiguous")
        # The first name tells the twins apart.
        amira = client.find_record(
            record_type="birth", last_name="Khelifi", first_name="amira", birth_date=AMINA_BIRTH
        )
        assert amira is not None and amira.record_number == "00413"
    finally:
        server.shutdown()


def test_a_data_file_path_is_accepted(tmp_path):
    data: dict[str, list[object]] = {"identities": [], "records": []}
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    server, url = start_reference_server(port=0, data=path)
    try:
        assert HttpRegistryClient(url).find_record(record_type="birth", nin=AMINA_NIN) is None
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "data",
    [
        {"records": [{"record_type": "adoption"}]},
        {"identities": [{"nin": "123", "birth_date": "1990-01-01", "alive": True}]},
        {
            "identities": [
                {"nin": AMINA_NIN, "last_name_fr": "A", "first_name_fr": "B",
                 "birth_date": "1990-01-01", "alive": True},
            ] * 2
        },
    ],
    ids=["bad-type", "bad-nin", "duplicate-nin"],
)  # fmt: skip
def test_invalid_data_is_refused_at_start(data):
    with pytest.raises(ValueError, match="invalid reference registry data"):
        ReferenceRegistry(data)


# --- Name matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Khelifi", "KHELIFI"),
        ("Khelifi", "khélifi"),
        ("Aït Saïd", "AIT-SAID"),
        ("Aït Saïd", "ait said"),
        ("Benaissa", "Ben Aïssa"),
        ("أمينة", "امينه"),
        ("آيت سعيد", "ايت سعيد"),
        ("إلياس", "الياس"),
        ("مُصْطَفَى", "مصطفي"),
    ],
)
def test_names_match_without_case_accents_or_spacing(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_different_names_stay_different():
    assert normalize_name("Khelifi") != normalize_name("Khalifa")
    assert normalize_name("Amina") != normalize_name("Amine")


# --- The shipped data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))


ARABIC = re.compile(r"\A[\u0621-\u064A ]+\Z")
LATIN = re.compile(r"\A[A-Za-zÀ-ÿ' -]+\Z")


def test_the_data_says_it_is_fictional(data):
    assert "FICTIONAL" in data["_notice"]
    assert "FICTIONAL" in (reference_server.__doc__ or "")


def test_the_demo_citizen_is_there(data):
    registry = ReferenceRegistry(data)
    birth = registry.find_record({"type": "birth", "nin": AMINA_NIN})

    assert birth is not None
    assert (birth.first_name_fr, birth.last_name_fr) == ("Amina", "Khelifi")
    assert (birth.first_name_ar, birth.last_name_ar) == ("أمينة", "خليفي")
    assert birth.birth_date == datetime.date(1990, 3, 14)
    assert birth.commune_ons_code == "0301"
    assert birth.father is not None and birth.mother is not None
    assert registry.identities[AMINA_NIN].identity.alive


def test_the_data_covers_the_pilot_communes_and_every_kind_of_record(data):
    records = data["records"]
    births = [r for r in records if r["record_type"] == "birth"]
    kinds = Counter(r["record_type"] for r in records)

    assert {r["commune_ons_code"] for r in births} == PILOT_COMMUNES
    assert len({(r["last_name_fr"], r["first_name_fr"]) for r in births}) >= 11
    assert kinds["marriage"] >= 2 and kinds["death"] >= 1
    assert len({(r["record_type"], r["commune_ons_code"], r["year"], r["record_number"])
                for r in records}) == len(records)  # fmt: skip


def test_latin_and_arabic_names_are_filled_in_their_script(data):
    people = []
    for record in data["records"]:
        people.append(record)
        people.extend(record[k] for k in ("father", "mother", "spouse") if record[k])
    for person in people:
        assert LATIN.match(person["last_name_fr"]) and LATIN.match(person["first_name_fr"])
        assert ARABIC.match(person["last_name_ar"]) and ARABIC.match(person["first_name_ar"])


def test_the_nin_register_and_the_civil_status_register_agree(data):
    registry = ReferenceRegistry(data)
    dead = {r.nin for r in registry.records if r.record_type == "death"}
    for nin, entry in registry.identities.items():
        identity = entry.identity
        birth = registry.find_record({"type": "birth", "nin": nin})
        assert birth is not None, nin
        assert (birth.last_name_fr, birth.first_name_fr, birth.birth_date) == (
            identity.last_name_fr,
            identity.first_name_fr,
            identity.birth_date,
        )
        assert identity.alive is (nin not in dead)
    for marriage in (r for r in registry.records if r.record_type == "marriage"):
        assert marriage.spouse is not None
        for spouse_nin in (marriage.nin, marriage.spouse.nin):
            spouse_birth = registry.find_record({"type": "birth", "nin": spouse_nin or ""})
            assert spouse_birth is not None
            assert any(marriage.record_number in note for note in spouse_birth.marginal_notes)


# --- TLS and the command line -------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_is_verified_by_default(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = ReferenceServer(("127.0.0.1", 0), ReferenceRegistry.from_file())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(RegistryUnavailable, match="TLS"):
            HttpRegistryClient(url).find_record(record_type="birth", nin=AMINA_NIN)
        trusted = HttpRegistryClient(url, ca_file=str(cert))
        assert trusted.find_record(record_type="birth", nin=AMINA_NIN) is not None
        unverified = HttpRegistryClient(url, verify_tls=False)
        assert unverified.find_record(record_type="birth", nin=AMINA_NIN) is not None
    finally:
        server.shutdown()


def test_the_service_runs_from_the_command_line():
    env = {**os.environ, "BALADIYA_REGISTRY_TOKEN": "cli-token", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "baladiya.registries.reference_server", "--port", "0"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"http://[0-9.]+:[0-9]+", line)
        assert match, line
        assert "FICTIONAL" in line and "token required" in line
        client = HttpRegistryClient(match.group(0), token="cli-token")
        assert client.find_record(record_type="birth", nin=AMINA_NIN) is not None
    finally:
        process.terminate()
        process.wait(timeout=5)
