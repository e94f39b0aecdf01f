"""Connectors to Algeria's national registers (civil status, NIN).

A plain Python package, not a Django app: no models, nothing in ``INSTALLED_APPS``. Code that
needs a register asks the factories and handles the three outcomes (an answer, ``None``, a
``RegistryError``)::

    from baladiya.registries import RegistryUnavailable, get_civil_status_registry

    try:
        record = get_civil_status_registry().find_record(record_type="birth", nin=nin)
    except RegistryUnavailable:
        record = None  # manual processing; never a hard-coded answer

See :mod:`baladiya.registries.connector` for the protocol and settings, and
:mod:`baladiya.registries.reference_server` for the reference service (fictional data) used in
development and tests.
"""

from baladiya.registries.connector import (
    CivilRecord,
    CivilStatusRegistry,
    HttpRegistryClient,
    NinIdentity,
    NinRegistry,
    PersonName,
    RecordType,
    RegistryError,
    RegistryRejected,
    RegistryUnavailable,
    get_civil_status_registry,
    get_nin_registry,
    mask_nin,
)

__all__ = [
    "CivilRecord",
    "CivilStatusRegistry",
    "HttpRegistryClient",
    "NinIdentity",
    "NinRegistry",
    "PersonName",
    "RecordType",
    "RegistryError",
    "RegistryRejected",
    "RegistryUnavailable",
    "get_civil_status_registry",
    "get_nin_registry",
    "mask_nin",
]
