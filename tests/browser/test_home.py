"""The shell, seen through the home page in each language, in a real browser.

What the shell promises: `<html lang dir>` right for the language (Arabic right-to-left); a skip
link first in the tab order that moves focus into `<main>`; no WCAG 2.0/2.1 A/AA violation
found by axe; no sideways scrolling on a 320 px wide phone; nothing refused by the content
security policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

# transaction=True: the live server's thread must see what a test writes. What migrations
# loaded is put back before each test by tests/browser/conftest.py.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ar", "fr", "en", "kab"]
BROWSER_LOCALES = {"ar": "ar-DZ", "fr": "fr-DZ", "en": "en-GB", "kab": "kab-DZ"}


def open_home(new_page: Callable[..., Page], base_url: str, lang: str, **options: Any) -> Page:
    page = new_page(locale=BROWSER_LOCALES[lang], **options)
    response = page.goto(f"{base_url}/{lang}/")
    assert response is not None
    assert response.status == 200, f"GET /{lang}/ answered {response.status}"
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_lang_and_direction(new_page, live_server, lang):
    page = open_home(new_page, live_server.url, lang)

    html_lang = (page.get_attribute("html", "lang") or "").lower()
    assert html_lang == lang or html_lang.startswith(f"{lang}-"), (
        f"<html lang={html_lang!r}> on /{lang}/"
    )
    expected_dir = "rtl" if lang == "ar" else "ltr"
    assert page.get_attribute("html", "dir") == expected_dir


@pytest.mark.parametrize("lang", LANGUAGES)
def test_skip_link_moves_focus_into_main(new_page, live_server, lang):
    page = open_home(new_page, live_server.url, lang)
    main = page.evaluate(
        """() => {
            const mains = document.querySelectorAll("main");
            const main = mains[0];
            if (!main) return null;
            return {count: mains.length, id: main.id, tabindex: main.getAttribute("tabindex")};
        }"""
    )
    assert main, "the page has no <main> element"
    assert main["count"] == 1, f"{main['count']} <main> elements"
    assert main["id"], "<main> has no id for the skip link to point to"
    assert main["tabindex"] == "-1", (
        f'<main tabindex={main["tabindex"]!r}>: tabindex="-1" lets it take the focus'
    )

    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                href: el.getAttribute("href"),
                text: (el.innerText || el.textContent || "").trim(),
                html: el.outerHTML.slice(0, 200),
                visible: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0
                    && box.top < innerHeight && box.left < innerWidth,
            };
        }"""
    )
    assert focused["tag"] == "a" and focused["href"] == f"#{main['id']}", (
        f"first Tab focused {focused['html']!r}, not a skip link to #{main['id']}"
    )
    assert focused["text"], "the skip link has no text"
    assert focused["visible"], "the skip link stays out of sight when it has the focus"

    page.keyboard.press("Enter")
    in_main = page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const el = document.activeElement;
            return el === main || main.contains(el);
        }"""
    )
    assert in_main, "after Enter on the skip link the focus is on " + page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 200)"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_axe_violations(new_page, live_server, lang, assert_no_axe_violations):
    page = open_home(new_page, live_server.url, lang)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_horizontal_scroll_at_320px(new_page, live_server, lang):
    page = open_home(new_page, live_server.url, lang, viewport={"width": 320, "height": 640})
    widths = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            overflowing: [...document.querySelectorAll("body *")]
                .filter((el) => {
                    const box = el.getBoundingClientRect();
                    return box.width > 0 && (box.right > 320.5 || box.left < -0.5);
                })
                .slice(0, 5)
                .map((el) => el.outerHTML.slice(0, 120)),
        })"""
    )
    assert widths["scroll"] <= 320, (
        f"page is {widths['scroll']} px wide at 320 px; wider elements: {widths['overflowing']}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_refused_by_content_security_policy(new_page, live_server, lang, page_errors):
    page = open_home(new_page, live_server.url, lang)
    page.wait_for_load_state("load")
    refused = [e for e in page_errors(page) if "Content Security Policy" in e]
    assert not refused, "\n".join(refused)
