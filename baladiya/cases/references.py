"""Case references: short, readable aloud, unguessable and self-checking.

A reference reads ``LGT-26-7K3F-9Q2M``: the commune's three-letter code, the two-digit year,
then seven random symbols and one check symbol. The alphabet has 31 symbols — digits and capital
letters without I, L, O, U (read as 1, 1, 0, V) nor Z (read as 2) — so that it survives being
read over the phone or copied by hand. 31 is prime, so the weighted check symbol catches every
single wrong symbol and every swap of two neighbours. Seven random symbols give 31⁷ ≈ 2.75 × 10¹⁰
references a commune a year: guessing one is hopeless, and public look-ups also need a second
factor and are rate limited.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
assert len(ALPHABET) == 31
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# What people type instead of a symbol: forgiven when reading a reference back.
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V", "Z": "2"})
RANDOM_LENGTH = 7
PATTERN = re.compile(r"^([A-Z]{3})-(\d{2})-([0-9A-Y]{4})-([0-9A-Y]{4})$")


def check_symbol(payload: str) -> str:
    """The check symbol of ``payload`` (prefix, year and random part, without dashes)."""
    total = 0
    for position, char in enumerate(payload, start=1):
        value = _VALUE.get(char)
        if value is None:
            value = ord(char) % 31  # prefix letters outside the alphabet still count
        total += position * value
    return ALPHABET[total % 31]


def new_reference(commune_code: str, year: int) -> str:
    """A fresh random reference for a case submitted in ``commune_code`` during ``year``."""
    prefix = commune_code.upper()
    if not re.fullmatch(r"[A-Z]{3}", prefix):
        raise ValueError(f"A commune code has three letters, not {commune_code!r}")
    yy = f"{year % 100:02d}"
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    check = check_symbol(prefix + yy + body)
    code = body + check
    return f"{prefix}-{yy}-{code[:4]}-{code[4:]}"


def normalise(text: str) -> str | None:
    """Read a reference as a person typed it: any case, spaces or dashes, look-alike letters.

    Returns the canonical form, or None when it is malformed or its check symbol is wrong.
    """
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    if len(compact) != 3 + 2 + RANDOM_LENGTH + 1:
        return None
    prefix = compact[:3]
    yy, code = compact[3:5].translate(_LOOKALIKES), compact[5:].translate(_LOOKALIKES)
    if not (prefix.isalpha() and prefix.isascii() and yy.isdigit()):
        return None
    if any(c not in _VALUE for c in code):
        return None
    if check_symbol(prefix + yy + code[:-1]) != code[-1]:
        return None
    return f"{prefix}-{yy}-{code[:4]}-{code[4:]}"


def is_valid(reference: str) -> bool:
    return PATTERN.match(reference) is not None and normalise(reference) == reference
