"""Reads of the catalogue. Procedures are public: citizens see the published ones only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from baladiya.catalogue.models import FormStatus, FormVersion, Procedure, RequiredDocument
from baladiya.catalogue.text import search_terms
from baladiya.core import memo
from baladiya.organisation.models import ServiceType, StructureKind

# What the list page needs: names and summaries in every language, and who handles it.
LIST_FIELDS = (
    "slug",
    "code",
    "order",
    "structure_kind",
    "service_type",
    "available_online",
    *(f"{stem}_{lang}" for stem in ("name", "summary") for lang in ("fr", "ar", "en", "kab")),
)


def published_procedures(search: str = "") -> QuerySet[Procedure]:
    """Published procedures, in catalogue order, whose names or summaries (in any language)
    contain every word of ``search`` — ignoring case, French accents and Arabic diacritics."""
    procedures = Procedure.objects.filter(is_published=True)
    for term in search_terms(search):
        procedures = procedures.filter(search_text__contains=term)
    return procedures.only(*LIST_FIELDS).order_by("order", "name_fr")


def kept_published_procedures() -> list[Procedure]:
    """:func:`published_procedures` as reference data kept a while in this process (core.memo),
    for pickers and names."""
    return memo.memoised(("procedures",), lambda: list(published_procedures()))  # type: ignore[no-any-return]


def procedure_by_slug(slug: str) -> Procedure:
    """A published procedure with its documents (one extra query), or :class:`Http404`."""
    documents = Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "pk"))
    procedure = (
        Procedure.objects.filter(is_published=True, slug=slug).prefetch_related(documents).first()
    )
    if procedure is None:
        raise Http404("No such procedure.")
    return procedure


def current_form_version(procedure: Procedure) -> FormVersion | None:
    """The published form version of ``procedure`` (the one new cases are submitted with)."""
    return FormVersion.objects.filter(procedure=procedure, status=FormStatus.PUBLISHED).first()


@dataclass(frozen=True)
class HandlerGroup:
    """Procedures handled by the same kind of structure and service (e.g. APC · état civil)."""

    structure_kind: str
    service_type: str
    procedures: list[Procedure]

    @property
    def structure_label(self) -> str:
        return str(StructureKind(self.structure_kind).label)

    @property
    def service_label(self) -> str:
        return str(ServiceType(self.service_type).label)

    @property
    def anchor(self) -> str:
        return f"{self.structure_kind}-{self.service_type}"


_KIND_ORDER: dict[str, int] = {
    StructureKind.COMMUNE: 0,
    StructureKind.DAIRA: 1,
    StructureKind.WILAYA: 2,
}


def group_by_handler(procedures: list[Procedure] | QuerySet[Procedure]) -> list[HandlerGroup]:
    """Group procedures by who handles them: commune first, then daïra, then wilaya."""
    groups: dict[tuple[str, str], list[Procedure]] = {}
    for procedure in procedures:
        groups.setdefault((procedure.structure_kind, procedure.service_type), []).append(procedure)
    ordered = sorted(
        groups, key=lambda k: (_KIND_ORDER.get(k[0], 9), min(p.order for p in groups[k]))
    )
    return [HandlerGroup(kind, service, groups[(kind, service)]) for kind, service in ordered]
