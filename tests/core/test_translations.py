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


_MARKERS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}


def _marked_strings(path: Path) -> list[tuple[str, int]]:
    """(msgid, line) of every literal the code passes to a gettext function, f-strings included
    (makemessages does not look inside those, so such a string silently stays in English)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in _MARKERS:
            continue
        first = node.args[1] if name.startswith("pgettext") and len(node.args) > 1 else node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, node.lineno))
    return found


def test_every_string_the_code_translates_is_in_the_catalogue():
    with open(LOCALE / "fr" / "LC_MESSAGES" / "django.po", "rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    code = LOCALE.parent
    absent = [
        f"{path.relative_to(code)}:{line}: {msgid!r}"
        for path in sorted(code.rglob("*.py"))
        if "migrations" not in path.parts
        for msgid, line in _marked_strings(path)
        if msgid not in known
    ]
    assert not absent, "not in the catalogues (run make messages): " + "; ".join(absent[:10])
