"""A signed-in request: the session, its user and their grants, read in one statement.

The session store (organisation.sessions) and the backend that builds the scope with the user
(organisation.backends) must change nothing a user can see: expired sessions, revoked
memberships, closed structures and deactivated accounts count from the very next request.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user
from django.test import RequestFactory
from django.utils import timezone

from baladiya.organisation import services
from baladiya.organisation.backends import ScopedModelBackend
from baladiya.organisation.models import Membership, Role, Session
from baladiya.organisation.scoping import Scope

INBOX = "/fr/staff/cases/"


def test_the_user_and_their_grants_come_in_one_query(pilots, django_assert_num_queries):
    agent = pilots.people["agent_a"]
    services.grant_membership(actor=None, user=agent, structure=pilots.apc_a, role=Role.AGENT)
    with django_assert_num_queries(1):
        user = ScopedModelBackend().get_user(agent.pk)
        scope = Scope.of(user)
    assert user == agent and user.first_name == agent.first_name
    # Columns converted as the ORM would (SQLite keeps booleans and datetimes as text/ints).
    assert user.date_joined == agent.date_joined and user.date_joined.tzinfo is not None
    assert user.is_active is True and user.accepts_sms is agent.accepts_sms
    assert not user._state.adding
    assert {(g.structure_id, g.role) for g in scope.grants} == {
        (pilots.civil_status_a.pk, Role.AGENT),
        (pilots.apc_a.pk, Role.AGENT),
    }
    assert scope.grants == Scope(agent).grants  # the same grants as the scope reads itself


def test_a_citizen_has_no_grants_and_an_unknown_user_is_nobody(pilots):
    citizen = ScopedModelBackend().get_user(pilots.people["citizen"].pk)
    assert citizen is not None and Scope.of(citizen).grants == ()
    assert ScopedModelBackend().get_user(10**9) is None


def test_a_revoked_membership_counts_from_the_next_request(client, pilots):
    agent = pilots.people["agent_a"]
    client.force_login(agent)
    assert client.get(INBOX).status_code == 200
    services.revoke_membership(actor=None, membership=Membership.objects.get(user=agent))
    assert client.get(INBOX).status_code == 403


def test_a_closed_structure_grants_nothing(client, pilots):
    agent = pilots.people["agent_a"]
    client.force_login(agent)
    pilots.civil_status_a.is_active = False
    pilots.civil_status_a.save(update_fields=["is_active"])
    assert client.get(INBOX).status_code == 403


def test_a_deactivated_agent_is_signed_out_at_once(client, pilots):
    agent = pilots.people["agent_a"]
    client.force_login(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = client.get(INBOX)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_expired_session_signs_nobody_in(client, pilots):
    client.force_login(pilots.people["agent_a"])
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(INBOX).status_code == 302


def test_a_forged_session_cookie_is_an_anonymous_visitor(client, pilots):
    client.cookies["sessionid"] = "not-a-session-key-at-all"
    response = client.get(INBOX)
    assert response.status_code == 302
    client.cookies["sessionid"] = "x" * 40  # well-formed, unknown
    assert client.get("/fr/").status_code == 200


def test_the_session_survives_from_request_to_request(client, pilots):
    agent = pilots.people["agent_a"]
    client.force_login(agent)
    request = RequestFactory().get("/")
    request.session = client.session
    assert get_user(request) == agent
    assert client.get(INBOX).status_code == 200
    assert client.get(INBOX).status_code == 200


def test_a_signed_in_page_reads_session_user_and_grants_in_one_statement(
    client, pilots, django_assert_num_queries
):
    agent = pilots.people["agent_a"]
    client.force_login(agent)
    assert Session.objects.get().user_id == agent.pk  # the row names who signed in
    request = RequestFactory().get("/")
    request.session = client.session
    from baladiya.organisation.sessions import get_user as get_request_user

    with django_assert_num_queries(1):
        user = get_request_user(request)
        scope = Scope.of(user)
    assert user == agent and scope.grants == Scope(agent).grants


def test_the_session_column_never_decides_who_is_signed_in(client, pilots):
    """A row pointing at someone else (tampered with, or stale) changes nothing: the user is
    the one the session's signed data names, read on their own."""
    agent, other = pilots.people["agent_a"], pilots.people["citizen"]
    client.force_login(agent)
    Session.objects.update(user=other)
    request = RequestFactory().get("/")
    request.session = client.session
    from baladiya.organisation.sessions import get_user as get_request_user

    assert get_request_user(request) == agent
    assert client.get(INBOX).status_code == 200


def test_signing_out_leaves_an_anonymous_session(client, pilots):
    client.force_login(pilots.people["agent_a"])
    client.post("/fr/accounts/logout/")
    assert client.get(INBOX).status_code == 302
    assert not Session.objects.exclude(user=None).exists()


def test_a_deleted_user_takes_their_sessions_with_them(client, pilots):
    citizen = pilots.people["citizen"]
    client.force_login(citizen)
    citizen.delete()
    assert not Session.objects.exists()
    assert client.get("/fr/").status_code == 200


def test_the_upgrade_keeps_everyone_signed_in_and_leaves_no_old_session_behind(pilots):
    """Migration 0005 copies the live rows of Django's session table with their user."""
    import importlib

    from django.apps import apps
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session as DjangoSession

    from baladiya.organisation.sessions import SessionStore

    migration = importlib.import_module("baladiya.organisation.migrations.0005_session_with_user")
    agent = pilots.people["agent_a"]
    later = timezone.now() + datetime.timedelta(days=1)
    for key, data, expires in [
        ("a" * 32, {SESSION_KEY: str(agent.pk)}, later),
        ("b" * 32, {"django_language": "ar"}, later),
        ("c" * 32, {SESSION_KEY: str(agent.pk)}, timezone.now() - datetime.timedelta(days=1)),
        ("d" * 32, {SESSION_KEY: "999999999"}, later),  # a user deleted since
    ]:
        DjangoSession.objects.create(
            session_key=key, session_data=SessionStore().encode(data), expire_date=expires
        )
    migration.copy_live_sessions(apps, None)
    # The expired session and the one naming a user deleted since (it signs nobody in) are gone.
    assert dict(Session.objects.values_list("session_key", "user_id")) == {
        "a" * 32: agent.pk,
        "b" * 32: None,
    }
    assert SessionStore("a" * 32).load() == {SESSION_KEY: str(agent.pk)}
    assert not DjangoSession.objects.exists()


def test_clearsessions_removes_the_expired_sessions_only(client, pilots):
    from django.core.management import call_command

    client.force_login(pilots.people["agent_a"])
    Session.objects.create(
        session_key="e" * 32,
        session_data="",
        expire_date=timezone.now() - datetime.timedelta(seconds=1),
    )
    call_command("clearsessions")
    assert list(Session.objects.values_list("user_id", flat=True)) == [pilots.people["agent_a"].pk]


def test_a_session_naming_a_user_deleted_since_can_still_be_written(client, pilots):
    """Its data names someone who no longer exists: nobody is signed in, and the visitor can
    still start, say, a phone sign-in (the session is saved with that id in its row)."""
    from django.contrib.auth import SESSION_KEY

    from baladiya.organisation.sessions import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = "999999999"
    store.save()
    client.cookies["sessionid"] = store.session_key
    assert client.get(INBOX).status_code == 302  # nobody signed in
    again = SessionStore(store.session_key)
    again["phone_challenge"] = 1
    again.save()  # no foreign-key error
    assert Session.objects.get(pk=store.session_key).user_id == 999999999
