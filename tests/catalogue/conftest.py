"""Catalogue fixtures: the demo catalogue, and English messages for assertions."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from baladiya.catalogue import demo


@pytest.fixture
def catalogue(db) -> None:
    """The demo catalogue (13 procedures with published forms)."""
    demo.seed()


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The sitemap view is cached for an hour; each test starts from an empty cache.
    cache.clear()
    yield
    cache.clear()
