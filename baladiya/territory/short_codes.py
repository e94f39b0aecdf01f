"""Three-letter commune codes for case references (``LGT-26-…``).

Derived once from the French name (first letter, then the name's consonants in order) and then
stored: a code never changes once given, even if the commune is renamed, because references
printed on receipts carry it. The pilot communes have the codes their agents already use.
"""

from __future__ import annotations

import itertools
import string
import unicodedata
from collections.abc import Iterator
from typing import Any

PINNED = {"3501": "BMD", "0301": "LGT", "0920": "BFK", "4431": "BTH"}
VOWELS = set("AEIOUY")


def _letters(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return "".join(c for c in folded if c in string.ascii_uppercase) or "X"


def candidates(name: str) -> Iterator[str]:
    """Codes for ``name``, best first: consonants before vowels, in reading order."""
    letters = _letters(name)
    first, rest = letters[0], letters[1:]
    consonants = [c for c in rest if c not in VOWELS]
    seen: set[str] = set()
    for pool in (consonants, list(rest)):
        for a, b in itertools.combinations(pool, 2):
            code = first + a + b
            if code not in seen:
                seen.add(code)
                yield code
    for a, b in itertools.product(string.ascii_uppercase, repeat=2):
        code = first + a + b
        if code not in seen:
            seen.add(code)
            yield code


def assign_short_codes(commune_model: Any, using: str = "default") -> int:
    """Give every commune without a code the first free candidate. Returns how many were set."""
    communes = list(
        commune_model.objects.using(using).order_by("daira__wilaya__number", "ons_code", "name_fr")
    )
    taken = {c.short_code for c in communes if c.short_code}
    changed = []
    for commune in sorted(communes, key=lambda c: c.ons_code not in PINNED):
        if commune.short_code:
            continue
        pinned = PINNED.get(commune.ons_code)
        if pinned and pinned not in taken:
            code = pinned
        else:
            code = next(c for c in candidates(commune.name_fr) if c not in taken)
        commune.short_code = code
        taken.add(code)
        changed.append(commune)
    commune_model.objects.using(using).bulk_update(changed, ["short_code"], batch_size=500)
    return len(changed)
