"""Shared fixtures: the whole country is loaded by migrations; these add people and roles."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from baladiya.organisation import services
from baladiya.organisation.models import Role, ServiceType, Structure, StructureKind, User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness protects real passwords, not test fixtures."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _messages_stay_in_memory(settings):
    """SMS go to ``sms.outbox`` and emails to ``mail.outbox``; delivery happens in-process.

    Tests of the real gateways (HTTP, SMTP) and of the Celery worker override these.
    """
    from baladiya.notifications import sms

    settings.SMS_BACKEND = "locmem"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_DELIVERY = "inline"
    sms.outbox.clear()


@dataclass
class Pilots:
    """Two communes in different wilayas, with the people of the permission matrix.

    Commune A is Laghouat (wilaya 03), commune B is Boufarik (wilaya 09, Blida).
    """

    ministry: Structure
    wilaya_a: Structure
    daira_a: Structure
    apc_a: Structure
    civil_status_a: Structure
    apc_b: Structure
    civil_status_b: Structure
    people: dict[str, User]


@pytest.fixture
def pilots(db) -> Pilots:
    apc_a = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0301")
    apc_b = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0920")
    daira_a = apc_a.parent
    wilaya_a = daira_a.parent
    ministry = wilaya_a.parent
    civil_status_a = services.add_service(parent=apc_a, service_type=ServiceType.CIVIL_STATUS)
    civil_status_b = services.add_service(parent=apc_b, service_type=ServiceType.CIVIL_STATUS)

    def person(name: str, structure: Structure | None = None, role: str = "", **kw) -> User:
        user = UserFactory(username=name, **kw)
        if structure is not None:
            services.grant_membership(actor=None, user=user, structure=structure, role=role)
        return user

    people = {
        "citizen": person("citizen"),
        "agent_a": person("agent_a", civil_status_a, Role.AGENT),
        "apc_agent_a": person("apc_agent_a", apc_a, Role.AGENT),
        "head_a": person("head_a", civil_status_a, Role.HEAD_OF_SERVICE),
        "admin_a": person("admin_a", apc_a, Role.ADMINISTRATOR),
        "supervisor_daira_a": person("supervisor_daira_a", daira_a, Role.SUPERVISOR),
        "supervisor_wilaya_a": person("supervisor_wilaya_a", wilaya_a, Role.SUPERVISOR),
        "supervisor_ministry": person("supervisor_ministry", ministry, Role.SUPERVISOR),
        "agent_b": person("agent_b", civil_status_b, Role.AGENT),
        "platform_admin": person("platform_admin", is_staff=True, is_superuser=True),
    }
    return Pilots(ministry, wilaya_a, daira_a, apc_a, civil_status_a, apc_b, civil_status_b, people)
