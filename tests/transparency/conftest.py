import pytest


@pytest.fixture
def citizen(pilots):
    return pilots.people["citizen"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages are cached by address: another test's page must not be served."""
    from django.core.cache import cache

    cache.clear()
