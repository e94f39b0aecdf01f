"""Fixtures of the plans tests: evidence files in a temporary media folder; a known language."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _arabic():
    """URLs reversed in tests carry the active language: make it the default, whatever ran
    before in this thread (a request leaves its language active)."""
    with translation.override("ar"):
        yield
