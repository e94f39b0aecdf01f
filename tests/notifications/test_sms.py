"""SMS segments (GSM-7 160/153, UCS-2 70/67), the budget, and the generic HTTP gateway."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from baladiya.notifications.sms import HttpGateway, count_segments, fit_to_budget
from tests.notifications.servers import FakeOperator


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters count twice
        ("€" * 81, "GSM-7", 2),
        ("ب" * 70, "UCS-2", 1),
        ("ب" * 71, "UCS-2", 2),
        ("ب" * 134, "UCS-2", 2),
        ("ب" * 135, "UCS-2", 3),
        ("a" * 69 + "é", "GSM-7", 1),  # é is in GSM-7
        ("a" * 69 + "ê", "UCS-2", 1),  # ê is not: the whole message becomes UCS-2
        ("", "GSM-7", 0),
    ],
)
def test_segments_are_counted_as_operators_bill_them(text, encoding, segments):
    count = count_segments(text)
    assert (count.encoding, count.segments) == (encoding, segments)


@given(st.text(max_size=600), st.integers(min_value=1, max_value=4))
@hsettings(max_examples=200, deadline=None)
def test_a_message_cut_to_budget_fits_and_keeps_its_beginning(text, budget):
    kept = fit_to_budget(text, budget)
    assert count_segments(kept).segments <= budget
    if kept != text:
        stem = kept.removesuffix("...").removesuffix("…")
        assert text.startswith(stem)


def test_the_http_gateway_speaks_the_operators_dialect():
    """Parameter names, JSON body, token header and id pattern come from settings alone."""
    with FakeOperator(body='{"result":{"code":0,"id":"MSG-42"}}') as fake:
        gateway = HttpGateway(
            {
                "url": fake.url,
                "body": "json",
                "to_param": "msisdn",
                "text_param": "message",
                "sender_param": "originator",
                "sender": "APC-LGT",
                "strip_plus": True,
                "extra_params": {"channel": "sms"},
                "token": "abc123",
                "success_pattern": r'"code":0\b',
                "id_pattern": r'"id":"([^"]+)"',
            }
        )
        result = gateway.send(to="+213661234567", text="مرحبا", client_ref="bal-1")
    assert result.ok and result.provider_id == "MSG-42"
    request = fake.requests[0]
    assert request["params"] == {
        "channel": "sms",
        "msisdn": "213661234567",
        "message": "مرحبا",
        "originator": "APC-LGT",
    }
    assert request["headers"]["Authorization"] == "Bearer abc123"


def test_the_http_gateway_can_use_get_and_reads_refusals():
    with FakeOperator(body="ERR: insufficient credit") as fake:
        gateway = HttpGateway(
            {"url": fake.url + "?user=x", "method": "GET", "success_pattern": "^OK"}
        )
        result = gateway.send(to="+213661234567", text="hello", client_ref="bal-2")
    assert not result.ok and "insufficient credit" in result.response and result.retry
    assert fake.requests[0]["method"] == "GET"
    assert fake.requests[0]["params"]["user"] == "x"


def test_the_http_gateway_refuses_a_non_http_address():
    with pytest.raises(ValueError):
        HttpGateway({"url": "file:///etc/passwd"}).send(to="+2135", text="x", client_ref="r")
