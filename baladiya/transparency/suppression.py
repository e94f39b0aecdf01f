"""Small-count suppression: THE rule, in one place. No published cell counts fewer than 5.

A count under :data:`THRESHOLD` (zero included) is withheld; so is any figure computed from fewer
than :data:`THRESHOLD` cases (a share, a median, a 90th percentile). Pages, CSV, JSON and the
supervision exports all go through these functions.
"""

from __future__ import annotations

THRESHOLD = 5


def count(n: int | None) -> int | None:
    """``n``, or None (shown as "fewer than 5") when it is under the threshold."""
    if n is None or n < THRESHOLD:
        return None
    return n


def share(part: int, whole: int) -> float | None:
    """``part / whole`` as a percentage (one decimal), or None when ``whole`` is too small."""
    if whole < THRESHOLD:
        return None
    return round(100.0 * part / whole, 1)


def statistic(value: float | int | None, base: int) -> float | int | None:
    """A figure (median, mean…) computed from ``base`` cases, withheld under the threshold."""
    if value is None or base < THRESHOLD:
        return None
    return value
