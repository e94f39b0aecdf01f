"""Agents of one service work side by side: acting on a case locks that case, not its service."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from baladiya.cases import services
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_agents_of_one_service_act_on_two_cases_at_once(transactional_db, pilots):
    citizen = UserFactory(username="amina-locks", phone="+213661234567")
    procedure = simple_procedure()
    first, second = (make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(2))
    assert first.handling_structure_id == second.handling_structure_id
    holding, release = threading.Event(), threading.Event()

    def hold_the_first_case() -> None:
        try:
            with transaction.atomic():
                services.lock_case(first)
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    other = threading.Thread(target=hold_the_first_case)
    other.start()
    try:
        assert holding.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            # Waiting on the service's row (a lock on the join) would fail here after 2 s.
            assert services.lock_case(second).pk == second.pk
            services.fire(case=second, name="receive", actor=pilots.people["agent_a"])
    finally:
        release.set()
        other.join(timeout=10)
