import pytest


@pytest.fixture
def citizen(pilots):
    return pilots.people["citizen"]


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Each test has its own database: names kept by the process must not leak between them."""
    from django.core.cache import cache

    from baladiya.transparency import selectors

    selectors.forget_reference_data()
    cache.clear()  # pages are cached by address: another test's page must not be served
    yield
    selectors.forget_reference_data()
