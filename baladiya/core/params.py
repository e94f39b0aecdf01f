"""Numbers typed in an address or a form. ``str.isdigit()`` accepts "²" and "①", which ``int()``
refuses, and any length, which the database refuses: both were answered by a 500."""

from __future__ import annotations

from typing import overload

MAX_ID = 2**31 - 1  # the largest id or page number we ever look up


@overload
def whole_number(raw: object, default: int, *, maximum: int = ...) -> int: ...
@overload
def whole_number(raw: object, default: None = None, *, maximum: int = ...) -> int | None: ...
def whole_number(raw: object, default: int | None = None, *, maximum: int = MAX_ID) -> int | None:
    """``raw`` as a whole number from 0 to ``maximum`` (Arabic-Indic digits too), else
    ``default``."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > 12 or not text.isdecimal():
        return default
    number = int(text)
    return number if number <= maximum else default
