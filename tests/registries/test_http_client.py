"""The HTTP client against the reference registry: what a caller gets back in each situation."""

from __future__ import annotations

import datetime
import json
import logging
import time

import pytest

from baladiya.registries import (
    CivilRecord,
    CivilStatusRegistry,
    HttpRegistryClient,
    NinIdentity,
    NinRegistry,
    RegistryRejected,
    RegistryUnavailable,
)
from baladiya.registries.reference_server import start_reference_server
from tests.registries.conftest import AMINA_BIRTH, AMINA_NIN, LAGHOUAT, TOKEN

JSON = {"Content-Type": "application/json"}


def _json(status: int, payload: object) -> tuple[int, dict[str, str], bytes]:
    return status, JSON, json.dumps(payload).encode()


# --- Civil status: finding a record ------------------------------------------------------------


def test_the_client_implements_both_registries(client):
    assert isinstance(client, CivilStatusRegistry)
    assert isinstance(client, NinRegistry)


def test_amina_s_birth_record_is_found_by_her_nin(client):
    record = client.find_record(record_type="birth", nin=AMINA_NIN)

    assert isinstance(record, CivilRecord)
    assert record.record_type == "birth"
    assert (record.last_name_fr, record.first_name_fr) == ("Khelifi", "Amina")
    assert (record.last_name_ar, record.first_name_ar) == ("خليفي", "أمينة")
    assert record.birth_date == record.event_date == AMINA_BIRTH
    assert record.commune_ons_code == LAGHOUAT
    assert record.year == 1990 and record.record_number
    assert record.nin == AMINA_NIN
    assert record.father is not None and record.father.first_name_fr == "Mohamed"
    assert record.father.first_name_ar == "محمد"
    assert record.mother is not None and record.mother.last_name_fr == "Benaissa"
    assert record.mother.last_name_ar == "بن عيسى"
    assert any("Saidi" in note.title() for note in record.marginal_notes)


@pytest.mark.parametrize("last_name", ["Khelifi", "KHELIFI", "khélifi", "  Khelifi ", "خليفي"])
def test_amina_s_birth_record_is_found_by_name_birth_date_and_commune(client, last_name):
    record = client.find_record(
        record_type="birth",
        last_name=last_name,
        first_name="AMINA",
        birth_date=AMINA_BIRTH,
        commune_ons_code=LAGHOUAT,
    )

    assert record is not None and record.nin == AMINA_NIN


def test_a_record_is_found_by_its_number_year_and_commune(client):
    record = client.find_record(
        record_type="birth", record_number="412", year=1990, commune_ons_code=LAGHOUAT
    )

    assert record is not None and record.first_name_fr == "Amina"


def test_no_match_is_none_not_an_error(client):
    assert client.find_record(record_type="birth", nin="109900301000000000") is None
    assert (
        client.find_record(
            record_type="birth", last_name="Khelifi", birth_date=datetime.date(1990, 3, 15)
        )
        is None
    )
    assert client.find_record(record_type="death", nin=AMINA_NIN) is None


def test_a_marriage_record_is_found_from_either_spouse(client):
    from_her = client.find_record(record_type="marriage", nin=AMINA_NIN)
    from_him = client.find_record(
        record_type="marriage", last_name="saidi", birth_date=datetime.date(1987, 1, 18)
    )

    assert from_her is not None and from_him is not None
    assert from_her.record_number == from_him.record_number
    assert from_her.event_date == datetime.date(2016, 7, 21)
    assert from_her.first_name_fr == "Amina"
    assert from_her.spouse is not None and from_her.spouse.last_name_fr == "Saidi"
    assert from_him.first_name_fr == "Karim"
    assert from_him.spouse is not None and from_him.spouse.nin == AMINA_NIN


def test_a_death_record_is_found(client):
    record = client.find_record(
        record_type="death", last_name="AIT SAID", birth_date=datetime.date(1966, 5, 9)
    )

    assert record is not None
    assert record.commune_ons_code == "3501"
    assert record.event_date == datetime.date(2021, 2, 11)


# --- Civil status: the registry refuses ---------------------------------------------------------


def test_a_malformed_nin_is_rejected_with_the_registry_s_message(client):
    with pytest.raises(RegistryRejected) as caught:
        client.find_record(record_type="birth", nin="12345")

    assert caught.value.status == 400
    assert caught.value.code == "invalid_nin"
    assert caught.value.message == "nin must be 18 digits"


def test_an_unknown_record_type_is_rejected(client):
    with pytest.raises(RegistryRejected) as caught:
        client.find_record(record_type="adoption", nin=AMINA_NIN)

    assert caught.value.status == 400
    assert "type" in caught.value.message


def test_a_vague_query_is_rejected(client):
    with pytest.raises(RegistryRejected) as caught:
        client.find_record(record_type="birth", last_name="Khelifi")

    assert caught.value.code == "insufficient_criteria"


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_without_the_right_token_the_registry_answers_401(registry_url, token):
    client = HttpRegistryClient(registry_url, token=token)

    with pytest.raises(RegistryRejected) as caught:
        client.find_record(record_type="birth", nin=AMINA_NIN)
    assert caught.value.status == 401
    with pytest.raises(RegistryRejected) as caught:
        client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)
    assert caught.value.status == 401


# --- NIN register -------------------------------------------------------------------------------


@pytest.mark.parametrize("last_name", ["Khelifi", "KHÉLIFI", "خليفي"])
def test_the_nin_is_verified_with_the_right_name_and_birth_date(client, last_name):
    identity = client.verify_identity(nin=AMINA_NIN, last_name=last_name, birth_date=AMINA_BIRTH)

    assert identity == NinIdentity(
        nin=AMINA_NIN,
        last_name_fr="Khelifi",
        first_name_fr="Amina",
        birth_date=AMINA_BIRTH,
        alive=True,
    )


@pytest.mark.parametrize(
    ("nin", "last_name", "birth_date"),
    [
        (AMINA_NIN, "Saidi", AMINA_BIRTH),
        (AMINA_NIN, "Khelifi", datetime.date(1990, 3, 15)),
        ("109930301000231887", "Khelifi", AMINA_BIRTH),  # her brother's NIN
        ("109900301000000000", "Khelifi", AMINA_BIRTH),
    ],
)
def test_the_nin_is_not_verified_when_anything_differs(client, nin, last_name, birth_date):
    assert client.verify_identity(nin=nin, last_name=last_name, birth_date=birth_date) is None


def test_the_nin_register_knows_who_died(client):
    identity = client.verify_identity(
        nin="109663501000009376", last_name="Aït Saïd", birth_date=datetime.date(1966, 5, 9)
    )

    assert identity is not None and identity.alive is False


def test_a_malformed_nin_is_rejected_by_the_nin_register(client):
    with pytest.raises(RegistryRejected) as caught:
        client.verify_identity(
            nin="10990030100012345X", last_name="Khelifi", birth_date=AMINA_BIRTH
        )

    assert caught.value.status == 400 and caught.value.message == "nin must be 18 digits"


# --- When the registry cannot answer -----------------------------------------------------------


def test_a_stopped_registry_is_unavailable_after_the_retries(closed_url, monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr("baladiya.registries.connector.time.sleep", sleeps.append)
    client = HttpRegistryClient(closed_url, retries=2, backoff=0.2)

    with pytest.raises(RegistryUnavailable):
        client.find_record(record_type="birth", nin=AMINA_NIN)
    assert sleeps == [0.2, 0.4]  # two retries, exponential backoff
    with pytest.raises(RegistryUnavailable):
        client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)


def test_a_connection_error_is_retried_and_the_retry_can_succeed(scripted):
    identity = {
        "nin": AMINA_NIN,
        "last_name_fr": "Khelifi",
        "first_name_fr": "Amina",
        "birth_date": "1990-03-14",
        "alive": True,
    }
    script, url = scripted([None, _json(200, identity)])  # first connection dropped
    client = HttpRegistryClient(url, backoff=0.01)

    found = client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)

    assert found is not None and found.first_name_fr == "Amina"
    assert script.hits == ["/nin/verify", "/nin/verify"]


def test_a_registry_that_never_answers_times_out(silent_url):
    client = HttpRegistryClient(silent_url, timeout=0.3, backoff=0.01)

    started = time.monotonic()
    with pytest.raises(RegistryUnavailable, match="timed out"):
        client.find_record(record_type="birth", nin=AMINA_NIN)
    assert time.monotonic() - started < 2  # a timeout is not retried


def test_a_slow_registry_times_out():
    server, url = start_reference_server(port=0, latency=1.0)
    try:
        client = HttpRegistryClient(url, timeout=0.2)
        with pytest.raises(RegistryUnavailable, match="timed out"):
            client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)
    finally:
        server.shutdown()


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_server_errors_make_the_registry_unavailable(scripted, status):
    _script, url = scripted([_json(status, {"error": "down", "message": "maintenance"})])

    with pytest.raises(RegistryUnavailable, match=str(status)):
        HttpRegistryClient(url).find_record(record_type="birth", nin=AMINA_NIN)


@pytest.mark.parametrize(
    "step",
    [
        (200, {"Content-Type": "text/html"}, b"<html>portal</html>"),
        (404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"),
        _json(404, {"error": "unknown_endpoint", "message": "no such endpoint"}),
        _json(200, {"record_type": "birth"}),
        _json(200, {"nin": AMINA_NIN, "alive": "yes"}),
        (302, {"Location": "http://127.0.0.1:9/elsewhere"}, b""),
    ],
    ids=["html-200", "html-404", "unknown-endpoint", "bad-record", "bad-identity", "redirect"],
)
def test_answers_outside_the_protocol_make_the_registry_unavailable(scripted, step):
    script, url = scripted([step])
    client = HttpRegistryClient(url)

    with pytest.raises(RegistryUnavailable):
        if b"alive" in step[2]:
            client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)
        else:
            client.find_record(record_type="birth", nin=AMINA_NIN)
    assert len(script.hits) == 1  # not retried, redirect not followed


def test_a_wrong_base_url_is_not_mistaken_for_no_match(registry_url):
    client = HttpRegistryClient(registry_url + "/api/v9", token=TOKEN)

    with pytest.raises(RegistryUnavailable, match="BALADIYA_REGISTRY_URL"):
        client.find_record(record_type="birth", nin=AMINA_NIN)


def test_an_unconfigured_client_is_unavailable_never_silent():
    client = HttpRegistryClient("")

    with pytest.raises(RegistryUnavailable, match="not configured"):
        client.find_record(record_type="birth", nin=AMINA_NIN)
    with pytest.raises(RegistryUnavailable, match="not configured"):
        client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://registry.example", "registry"])
def test_only_http_urls_are_accepted(url):
    with pytest.raises(ValueError, match="http"):
        HttpRegistryClient(url)


# --- Personal data in logs ----------------------------------------------------------------------


def test_the_nin_and_names_never_appear_in_logs(client, registry_url, closed_url, caplog):
    caplog.set_level(logging.DEBUG)
    errors: list[Exception] = []

    client.find_record(record_type="birth", nin=AMINA_NIN)
    client.find_record(
        record_type="birth", last_name="Khelifi", first_name="Amina", birth_date=AMINA_BIRTH
    )
    client.find_record(record_type="death", nin=AMINA_NIN)
    client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)
    client.verify_identity(nin=AMINA_NIN, last_name="Amina", birth_date=AMINA_BIRTH)
    for call in (
        lambda: HttpRegistryClient(registry_url).find_record(record_type="birth", nin=AMINA_NIN),
        lambda: client.find_record(record_type="birth", nin=AMINA_NIN[:-1] + "x"),
        lambda: HttpRegistryClient(closed_url, backoff=0.01).verify_identity(
            nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH
        ),
    ):
        with pytest.raises((RegistryRejected, RegistryUnavailable)) as caught:
            call()
        errors.append(caught.value)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "baladiya.registries" in {record.name for record in caplog.records}
    assert AMINA_NIN[-4:] in logged  # masked, but there
    for secret in (AMINA_NIN, AMINA_NIN[:-1], "Khelifi", "khelifi", "Amina", "خليفي", "1990-03-14"):
        assert secret not in logged
        assert all(secret not in str(error) for error in errors)


def test_reprs_do_not_show_personal_data(client):
    record = client.find_record(record_type="birth", nin=AMINA_NIN)
    identity = client.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)

    for text in (repr(record), repr(identity), repr(record.father) if record else ""):
        assert AMINA_NIN not in text
        assert "Khelifi" not in text and "Amina" not in text
