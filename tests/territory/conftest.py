"""Messages are checked in English, whatever LANGUAGE_CODE and the translations say."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
