"""Shared fixtures: the whole country is loaded by migrations; these add people and roles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from baladiya.organisation import services
from baladiya.organisation.models import Role, ServiceType, Structure, StructureKind, User
from tests.factories import UserFactory

if TYPE_CHECKING:
    from django.db.models import Model


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


@pytest.fixture(autouse=True)
def _pages_kept_per_test(monkeypatch):
    """Kept public pages (core.pagecache) never outlive the test that rendered them: the
    database is rolled back between tests, but the cache is not."""
    import uuid

    from baladiya.core import pagecache

    monkeypatch.setattr(pagecache, "PREFIX", f"pagecache-{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _reference_data_per_test():
    """Reference data kept by the process (core.memo) is forgotten between tests: each test's
    procedures, areas and structures are its own."""
    from baladiya.core import memo

    memo.forget()
    yield
    memo.forget()


@pytest.fixture(autouse=True)
def _settled_months_per_test(monkeypatch):
    """The settled months' figures kept by the process (transparency.settled) are forgotten
    between tests, and never checked against the database on a timer (a test's queries are
    counted): tests of that check set ``CHECK_SECONDS`` themselves."""
    from baladiya.transparency import settled

    monkeypatch.setattr(settled, "CHECK_SECONDS", float("inf"))
    settled.forget()
    yield
    settled.forget()


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


# --- the data migrations loaded, put back after each transactional flush ------------------

SNAPSHOT_PREFIX = "zz_browser_snapshot_"
_flushed_since_snapshot = False


@pytest.fixture(scope="session")
def _migrated_data_snapshot(
    django_db_setup: None, django_db_blocker: Any
) -> list[tuple[type[Model], str]]:
    """Copy every non-empty table of the fresh test database into a snapshot table (which
    Django's flush leaves alone, knowing no model for it); return (model, snapshot table)."""
    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    snapshot: list[tuple[type[Model], str]] = []
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if not meta.managed or meta.proxy or meta.swapped or meta.db_table not in existing:
                continue
            table = quote(meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - names from models
            if cursor.fetchone() is None:
                continue
            copy = quote(f"{SNAPSHOT_PREFIX}{len(snapshot)}")
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table}")  # noqa: S608
            snapshot.append((model, copy))
    return snapshot


def _restore_migrated_data(snapshot: list[tuple[type[Model], str]]) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    # Foreign keys are DEFERRABLE INITIALLY DEFERRED (SQLite and PostgreSQL): checked at commit.
    with transaction.atomic(), connection.cursor() as cursor:
        for model, _copy in snapshot:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608
        for model, copy in snapshot:
            table = quote(model._meta.db_table)
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {copy}")  # noqa: S608
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in snapshot]):
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _migrated_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Before each test that follows a transactional one, put back what migrations loaded.

    A transactional test (browser tests, the Celery worker's) ends with a flush of every table;
    the next test — transactional or not — finds the territory back.
    """
    global _flushed_since_snapshot
    transactional = bool({"live_server", "transactional_db"} & set(request.fixturenames))
    if not transactional and not _flushed_since_snapshot:
        yield
        return
    snapshot = request.getfixturevalue("_migrated_data_snapshot")
    if not transactional:
        with request.getfixturevalue("django_db_blocker").unblock():
            _restore_migrated_data(snapshot)
        _flushed_since_snapshot = False
        yield
        return
    request.getfixturevalue("transactional_db")
    if _flushed_since_snapshot:
        _restore_migrated_data(snapshot)
    yield
    _flushed_since_snapshot = True  # the transactional_db teardown, next, empties every table
