"""Areas of the statistics (nation, wilaya, daïra, commune): names, parents and children."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core.memo import memoised
from baladiya.territory.models import Commune, Daira, Wilaya
from baladiya.transparency.models import Level

LEVEL_SLUGS = {"nation": Level.NATION, "wilaya": Level.WILAYA, "daira": Level.DAIRA}
LEVEL_SLUGS["commune"] = Level.COMMUNE
SLUG_OF = {level: slug for slug, level in LEVEL_SLUGS.items()}


@dataclass
class Area:
    level: int
    pk: int
    name: str
    parents: list[tuple[str, int, str]]  # (level slug, id, name), nation first
    children: list[tuple[str, int, str]]

    @property
    def slug(self) -> str:
        return SLUG_OF[Level(self.level)]


def area(slug: str, pk: int) -> Area:
    """The area and its neighbours: two queries at most, then kept a while in this process
    (territory names change by migration or import, not by the minute)."""
    if slug not in LEVEL_SLUGS:
        raise Http404
    return memoised(("area", slug, pk, get_language()), lambda: _load(slug, pk))  # type: ignore[no-any-return]


def _load(slug: str, pk: int) -> Area:
    level = LEVEL_SLUGS[slug]
    nation = ("nation", 0, _("Algeria"))
    try:
        if level == Level.NATION:
            children = [("wilaya", w.pk, str(w)) for w in Wilaya.objects.order_by("number")]
            return Area(level, 0, nation[2], [], children)
        if level == Level.WILAYA:
            wilaya = Wilaya.objects.get(pk=pk)
            children = [("daira", d.pk, d.name) for d in wilaya.dairas.order_by("name_fr")]
            return Area(level, pk, str(wilaya), [nation], children)
        if level == Level.DAIRA:
            daira = Daira.objects.select_related("wilaya").get(pk=pk)
            children = [("commune", c.pk, c.name) for c in daira.communes.order_by("name_fr")]
            parents = [nation, ("wilaya", daira.wilaya_id, str(daira.wilaya))]
            return Area(level, pk, daira.name, parents, children)
        commune = Commune.objects.select_related("daira__wilaya").get(pk=pk)
    except (Wilaya.DoesNotExist, Daira.DoesNotExist, Commune.DoesNotExist) as exc:
        raise Http404 from exc
    parents = [
        nation,
        ("wilaya", commune.daira.wilaya_id, str(commune.daira.wilaya)),
        ("daira", commune.daira_id, commune.daira.name),
    ]
    return Area(level, pk, commune.name, parents, [])
