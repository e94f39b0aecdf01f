"""Orientation: one search box that understands a need and offers a procedure or a category.

It understands Arabic, French and Algerian Arabic written in Latin letters ("chehadat el
milad", "dou mkhassar") through curated synonyms per item, compared after folding case,
accents and Arabic diacritics (:func:`baladiya.catalogue.text.normalise`) and tolerating the
spelling variations of transliteration (each word matched by similarity, not equality).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.urls import reverse

from baladiya.catalogue.models import Procedure
from baladiya.catalogue.text import normalise
from baladiya.concerns.models import Category

# Curated synonyms of the catalogue's procedures, by slug (the catalogue names them already in
# fr/ar/en; these add what people say and type).
PROCEDURE_SYNONYMS: dict[str, list[str]] = {
    "extrait-acte-naissance": [
        "extrait de naissance",
        "acte de naissance",
        "شهادة الميلاد",
        "شهادة ميلاد",
        "مستخرج عقد الميلاد",
        "chehadat el milad",
        "chahadat milad",
        "extrait naissance",
        "birth certificate",
    ],
    "extrait-naissance-special-12s": ["12s", "extrait special", "شهادة ميلاد خاصة", "12 s"],
    "fiche-familiale-etat-civil": [
        "fiche familiale",
        "بطاقة عائلية",
        "fiche famille",
        "bitaka 3ailia",
        "carte familiale",
    ],
    "extrait-acte-mariage": ["acte de mariage", "عقد الزواج", "chehadat zawaj", "marriage"],
    "extrait-acte-deces": ["acte de deces", "شهادة الوفاة", "chehadat el wafat", "death"],
    "certificat-de-residence": [
        "certificat de residence",
        "شهادة الإقامة",
        "chehadat el iqama",
        "residence",
    ],
    "legalisation-de-signature": ["legalisation", "تصديق الإمضاء", "tasdiq el imda", "signature"],
    "certification-conforme-copies": [
        "copie conforme",
        "نسخة طبق الأصل",
        "nos5a tebq el asl",
        "certified copy",
    ],
    "duplicata-livret-de-famille": ["livret de famille", "الدفتر العائلي", "deftar 3ailii"],
    "certificat-urbanisme": ["certificat d urbanisme", "شهادة التعمير", "urbanisme"],
    "permis-de-construire": [
        "permis de construire",
        "رخصة البناء",
        "rokhsat el bina",
        "construire",
    ],
    "passeport-biometrique": ["passeport", "جواز السفر", "passport", "paspor"],
    "carte-identite-biometrique": [
        "carte d identite",
        "بطاقة التعريف",
        "carte nationale",
        "identity card",
        "bitaka",
    ],
}

WORD_SIMILARITY = 0.78
MIN_SCORE = 0.7


@dataclass(frozen=True)
class Result:
    kind: str  # "procedure" | "category"
    title: str
    url: str
    score: float
    hint: str = ""


def _word_match(word: str, words: list[str]) -> float:
    best = 0.0
    for other in words:
        if word == other:
            return 1.0
        if len(word) >= 3 and len(other) >= 3:
            best = max(best, SequenceMatcher(None, word, other).ratio())
    return best if best >= WORD_SIMILARITY else 0.0


def score(query_words: list[str], synonym: str) -> float:
    """How well the query covers a synonym: the share of the synonym's words found."""
    words = normalise(synonym).split()
    if not words or not query_words:
        return 0.0
    found = sum(_word_match(w, query_words) for w in words)
    coverage = found / len(words)
    # A one-word synonym matched inside a long query is weaker evidence.
    precision = found / max(len(query_words), len(words))
    return 0.75 * coverage + 0.25 * precision


def _best(query_words: list[str], synonyms: list[str]) -> float:
    return max((score(query_words, s) for s in synonyms if s.strip()), default=0.0)


def search(query: str, *, limit: int = 6) -> list[Result]:
    """Procedures and concern categories matching a need, best first (two queries)."""
    words = normalise(query).split()[:12]
    if not words:
        return []
    results: list[Result] = []
    procedures = Procedure.objects.filter(is_published=True).only(
        "slug", "name_fr", "name_ar", "name_en", "name_kab"
    )
    for procedure in procedures:
        synonyms = [procedure.name_fr, procedure.name_ar, procedure.name_en or ""]
        synonyms += PROCEDURE_SYNONYMS.get(procedure.slug, [])
        value = _best(words, synonyms)
        if value >= MIN_SCORE:
            results.append(
                Result(
                    "procedure",
                    str(procedure.name),
                    reverse("catalogue:detail", kwargs={"slug": procedure.slug}),
                    value,
                )
            )
    for category in Category.objects.filter(is_active=True).select_related("parent"):
        synonyms = [category.name_fr, category.name_ar, category.name_en]
        synonyms += category.synonyms.splitlines()
        value = _best(words, synonyms)
        if value >= MIN_SCORE:
            results.append(
                Result(
                    "category",
                    str(category.name),
                    reverse("concerns:new") + f"?category={category.pk}",
                    value,
                    hint=str(category.parent.name) if category.parent else "",
                )
            )
    results.sort(key=lambda r: (-r.score, r.title))
    return results[:limit]
