"""Keep the structure tree in step with the territory."""

from typing import Any

from django.dispatch import receiver

from baladiya.organisation.services import sync_territorial_structures
from baladiya.territory.signals import territory_changed


@receiver(territory_changed)
def create_structures_for_new_places(sender: Any, **kwargs: Any) -> None:
    sync_territorial_structures()
