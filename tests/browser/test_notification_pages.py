"""The phone sign-in and the citizen's message settings: keyboard, screen reader, RTL, axe."""

from __future__ import annotations

import re

import pytest

from baladiya.notifications import sms
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["ar", "fr", "en", "kab"])
def test_a_citizen_signs_in_with_a_code_by_sms(live_server, page, language, settings):
    page.goto(f"{live_server.url}/{language}/accounts/phone/")
    assert_no_axe_violations(page)
    page.locator("#id_phone").fill("0661 23 45 67")
    page.locator("#id_phone").press("Enter")
    page.wait_for_url(re.compile(r"/accounts/phone/code/"))
    assert_no_axe_violations(page)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1]["text"]).group(1)
    field = page.locator("#id_code")
    field.fill("000000")
    field.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/my/"))
    page.goto(f"{live_server.url}/{language}/my/messages/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_no_axe_violations(page)
