"""The gettext catalogues: complete in Arabic, French and Kabyle, and compiled as committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "baladiya" / "locale"


@pytest.mark.parametrize("lang", ["ar", "fr", "kab"])
def test_every_message_is_translated_and_the_compiled_file_matches(lang):
    folder = LOCALE / lang / "LC_MESSAGES"
    with open(folder / "django.po", "rb") as handle:
        po = read_po(handle, locale=lang.replace("kab", "kab"))
    with open(folder / "django.mo", "rb") as handle:
        mo = read_mo(handle)
    missing = [
        m.id
        for m in po
        if m.id and not m.fuzzy and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not missing, f"untranslated in {lang}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy[:10]}"

    def compiled(message):
        found = mo.get(message.id)
        return (
            None if found is None else tuple(found.string) if message.pluralizable else found.string
        )

    def source(message):
        return tuple(message.string) if message.pluralizable else message.string

    stale = [m.id for m in po if m.id and compiled(m) != source(m)]
    assert not stale, f"{lang}: django.mo is older than django.po (run make messages): {stale[:5]}"
