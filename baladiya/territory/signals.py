"""Signals of the territory app.

``territory_changed`` is sent after an import changed wilayas, daïras or communes (APC), once
the change is saved, with ``report``: the :class:`~baladiya.territory.services.ApplyReport`
(``report.created_commune_ids`` lists the new communes). The sender is the Commune model.
It is not sent by the data migration that loads the national territory, nor by dry runs.
"""

from django.dispatch import Signal

territory_changed = Signal()
