"""The factories read the settings; without a registry URL they refuse, never answer."""

from __future__ import annotations

import pytest

from baladiya.registries import (
    CivilStatusRegistry,
    HttpRegistryClient,
    NinRegistry,
    RegistryUnavailable,
    get_civil_status_registry,
    get_nin_registry,
)
from tests.registries.conftest import AMINA_BIRTH, AMINA_NIN, TOKEN


@pytest.mark.parametrize("factory", [get_civil_status_registry, get_nin_registry])
def test_without_a_registry_url_the_factories_raise_unavailable(settings, factory):
    if hasattr(settings, "BALADIYA_REGISTRY_URL"):
        del settings.BALADIYA_REGISTRY_URL

    with pytest.raises(RegistryUnavailable, match="not configured"):
        factory()


@pytest.mark.parametrize("url", ["", "   "])
def test_an_empty_registry_url_is_not_configured(settings, url):
    settings.BALADIYA_REGISTRY_URL = url

    with pytest.raises(RegistryUnavailable, match="not configured"):
        get_civil_status_registry()


def test_the_factories_build_a_client_from_the_settings(settings, registry_url):
    settings.BALADIYA_REGISTRY_URL = registry_url + "/"
    settings.BALADIYA_REGISTRY_TOKEN = TOKEN
    settings.BALADIYA_REGISTRY_TIMEOUT = 2.5

    civil_status = get_civil_status_registry()
    nin = get_nin_registry()

    assert isinstance(civil_status, CivilStatusRegistry) and isinstance(nin, NinRegistry)
    assert isinstance(civil_status, HttpRegistryClient) and civil_status.timeout == 2.5
    assert civil_status.base_url == registry_url
    record = civil_status.find_record(record_type="birth", nin=AMINA_NIN)
    assert record is not None and record.first_name_fr == "Amina"
    identity = nin.verify_identity(nin=AMINA_NIN, last_name="Khelifi", birth_date=AMINA_BIRTH)
    assert identity is not None and identity.alive


def test_the_factories_follow_a_change_of_settings(settings, registry_url):
    settings.BALADIYA_REGISTRY_URL = registry_url
    settings.BALADIYA_REGISTRY_TOKEN = "stale-token"
    stale = get_civil_status_registry()
    settings.BALADIYA_REGISTRY_TOKEN = TOKEN

    fresh = get_civil_status_registry()

    assert fresh is not stale
    assert fresh.find_record(record_type="birth", nin=AMINA_NIN) is not None
