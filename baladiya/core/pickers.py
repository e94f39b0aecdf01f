"""The ``<option>`` elements of a picker (a ``<select>`` of procedures, categories…).

Choices are reference data (core.memo); their options are rendered once per language and
choice: picking each name's language costs more than a page's own figures.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from baladiya.core import memo


def options(key: str, choices: list[Any], current: Any) -> SafeString:
    """``<option>`` elements for ``choices`` (objects with ``pk`` and ``name``), ``current``
    (one of them, or None) selected."""

    def build() -> SafeString:
        return mark_safe(  # noqa: S308 - names escaped, ids are integers
            "".join(
                f'<option value="{c.pk}"{" selected" if c is current else ""}>'
                f"{escape(c.name)}</option>"
                for c in choices
            )
        )

    chosen = current.pk if current is not None else 0
    return memo.memoised(  # type: ignore[no-any-return]
        ("options", key, get_language(), chosen, tuple(c.pk for c in choices)), build
    )
