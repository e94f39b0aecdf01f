import pytest


@pytest.fixture
def citizen(pilots):
    return pilots.people["citizen"]


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Each test has its own database: names kept by the process must not leak between them."""
    from baladiya.transparency import selectors

    selectors.forget_reference_data()
    yield
    selectors.forget_reference_data()
