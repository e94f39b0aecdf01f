"""Catalogue texts: pick the reader's language, and normalise text for search.

The catalogue is written in Arabic, French and English, and in Kabyle (Latin script) where a
translation exists. Unlike place names (:func:`baladiya.core.i18n.pick_language_field`, where
Kabyle readers get the French name), a catalogue text picks ``_kab`` for Kabyle readers and
falls back to French only when no Kabyle text was written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import get_language

LANGUAGES = ("fr", "ar", "en", "kab")
RTL_LANGUAGES = frozenset({"ar"})


def active_language() -> str:
    """The active language without region (``ar-dz`` → ``ar``), one of :data:`LANGUAGES`."""
    lang = (get_language() or "fr").split("-")[0].lower()
    return lang if lang in LANGUAGES else "fr"


def _candidates(lang: str) -> tuple[str, ...]:
    # French is the common fallback (administrative texts always exist in French and Arabic);
    # Arabic comes next so a text written only in Arabic is still shown rather than nothing.
    order = [lang, "fr", "ar", "en"]
    return tuple(dict.fromkeys(order))


@dataclass(frozen=True)
class LocalizedText:
    """A text with the language it is actually written in (may differ from the page's)."""

    text: str
    lang: str

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RTL_LANGUAGES else "ltr"

    @property
    def is_fallback(self) -> bool:
        """True when the text is in another language than the page: mark it with lang/dir."""
        return bool(self.text) and self.lang != active_language()

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def localized(values: Mapping[str, str | None], lang: str | None = None) -> LocalizedText:
    """Pick from ``{"fr": …, "ar": …, "en": …, "kab": …}`` for ``lang`` (default: active)."""
    lang = lang or active_language()
    for candidate in _candidates(lang):
        text = values.get(candidate) or ""
        if text:
            return LocalizedText(text, candidate)
    return LocalizedText("", lang)


def pick(obj: object, stem: str, lang: str | None = None) -> LocalizedText:
    """``obj.<stem>_<lang>`` for the active language: ar→ar, fr→fr, en→en, kab→kab, else French."""
    return localized({code: getattr(obj, f"{stem}_{code}", "") for code in LANGUAGES}, lang)


def values_of(obj: object, stem: str) -> dict[str, str]:
    """``{"fr": obj.<stem>_fr, …}`` for the four languages (for freezing into JSON)."""
    return {code: getattr(obj, f"{stem}_{code}", "") or "" for code in LANGUAGES}


# --- search normalisation ---------------------------------------------------------------------

# Arabic letters that people type interchangeably: alef forms (the hamza and madda marks are
# combining characters removed below, but alef wasla is a letter of its own), alef maqsura and
# final ya, ta marbuta and ha. Tatweel (kashida) only stretches a word.
_ARABIC_FOLD = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_LATIN_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})
# Eastern Arabic and Persian digits, as typed on Arabic keyboards.
DIGITS_FOLD = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold ``text`` for search: case, French accents, Arabic diacritics, tatweel, alef forms.

    "Extrait de Naissance" → "extrait de naissance"; "شَهادة المِيلاد" → "شهاده الميلاد".
    Punctuation becomes a space so "d'acte" matches "acte".
    """
    text = (text or "").casefold().translate(_LATIN_FOLD)
    # NFKD splits accented letters and Arabic letters with hamza/madda into base + mark.
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = stripped.translate(_ARABIC_FOLD).translate(DIGITS_FOLD)
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def search_terms(query: str) -> list[str]:
    """The normalised words of a search query (at most 8, to bound the SQL)."""
    return normalise(query).split()[:8]
