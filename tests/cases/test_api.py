"""The API as another structure's system uses it: token auth, idempotent creation, scoping."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from baladiya.cases.models import Case
from baladiya.cases.workflow import Status
from baladiya.organisation.services import create_api_token
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    key, _token = create_api_token(user=user, name="GED de la commune")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_a_retried_creation_with_the_same_key_makes_one_case(pilots):
    procedure = simple_procedure()
    auth = bearer(pilots.people["agent_a"])
    body = {
        "procedure": procedure.slug,
        "commune_ons_code": "0301",
        "answers": {"full_name": "Ahmed Benali"},
        "applicant_name": "Ahmed Benali",
        "applicant_phone": "0661 23 45 67",
    }
    first = post(Client(), "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="req-42", **auth)
    again = post(Client(), "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="req-42", **auth)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert Case.objects.filter(applicant_name="Ahmed Benali").count() == 1
    case = Case.objects.get(applicant_name="Ahmed Benali")
    assert case.channel == "api" and case.applicant_phone == "+213661234567"


def test_invalid_answers_are_refused_with_the_reasons(pilots):
    procedure = simple_procedure()
    response = post(
        Client(),
        "/api/v1/cases",
        {"procedure": procedure.slug, "commune_ons_code": "0301", "answers": {}},
        **bearer(pilots.people["agent_a"]),
    )
    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]
    assert not Case.objects.exists()


def test_a_wrong_token_is_refused():
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer bld_nope")
    assert response.status_code == 401


def test_agents_operate_through_the_state_machine_and_only_on_their_cases(pilots):
    citizen = UserFactory(username="amina-api", phone="+213661234567")
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    own = bearer(pilots.people["agent_a"])
    stranger = bearer(pilots.people["agent_b"])
    listed = Client().get("/api/v1/cases?tab=all", **own).json()
    assert [c["reference"] for c in listed["items"]] == [case.reference]
    assert Client().get("/api/v1/cases?tab=all", **stranger).json()["items"] == []
    assert Client().get(f"/api/v1/cases/{case.pk}", **stranger).status_code == 404

    url = f"/api/v1/cases/{case.pk}/transitions"
    assert post(Client(), url, {"name": "accept"}, **stranger).status_code == 404
    assert post(Client(), url, {"name": "close"}, **own).status_code == 409
    response = post(Client(), url, {"name": "receive"}, **own)
    assert response.status_code == 200 and response.json()["status"] == Status.RECEIVED
    assert "start_review" in response.json()["allowed_transitions"]


def test_anyone_follows_a_case_with_its_reference_and_phone_digits(pilots):
    cache.clear()
    citizen = UserFactory(username="amina-follow", phone="+213661234567")
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    ok = Client().get(f"/api/v1/cases/status/{case.reference}?phone_last4=4567")
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert "applicant_name" not in ok.json()
    assert (
        Client().get(f"/api/v1/cases/status/{case.reference}?phone_last4=1111").status_code == 404
    )


def test_the_catalogue_is_public_and_says_who_brings_which_document(pilots):
    from baladiya.catalogue import demo

    demo.seed()
    procedures = Client().get("/api/v1/catalogue/procedures").json()
    assert len(procedures) >= 12
    residence = Client().get("/api/v1/catalogue/procedures/certificat-de-residence").json()
    assert {d["provided_by"] for d in residence["documents"]} >= {"citizen"}
    assert residence["form"] and residence["form_version"] == 1
