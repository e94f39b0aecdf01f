"""Reference data kept in each process for a short while: area names, procedure and category
lists, the territory of supervision.

It changes by hand, rarely: a save or delete in this process forgets it at once (receivers
below), other processes within :data:`REFERENCE_SECONDS`. Case data never goes here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_delete, post_save

REFERENCE_SECONDS = 120
_memo: dict[tuple, tuple[float, Any]] = {}


def memoised(key: tuple, load: Callable[[], Any]) -> Any:
    """``load()``, kept REFERENCE_SECONDS in this process under ``key``."""
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and now - hit[0] < REFERENCE_SECONDS:
        return hit[1]
    value = load()
    if len(_memo) > 20000:  # every area in four languages is ~6,500 keys
        _memo.clear()
    _memo[key] = (now, value)
    return value


def forget(**_kwargs: Any) -> None:
    """Drop everything kept (a signal receiver: it takes and ignores the signal's arguments)."""
    _memo.clear()


# A procedure, category, area or structure saved in this process is seen at once.
for _model in (
    "catalogue.Procedure",
    "concerns.Category",
    "territory.Wilaya",
    "territory.Daira",
    "territory.Commune",
    "organisation.Structure",  # supervision's communes carry their APC's path
):
    for _signal in (post_save, post_delete):
        _signal.connect(forget, sender=_model, dispatch_uid=f"memo-{_model}")
