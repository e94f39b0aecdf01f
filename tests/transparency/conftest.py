import pytest


@pytest.fixture
def citizen(pilots):
    return pilots.people["citizen"]
