"""Fixtures of the case engine: small real procedures, and cases made through the services."""

from __future__ import annotations

import pytest

from tests.cases.helpers import make_case, simple_procedure

__all__ = ["make_case", "simple_procedure"]


@pytest.fixture
def procedure(db):
    return simple_procedure()
