"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
live_server.

- Only Debian's /usr/bin/chromium is used (`apt-get install chromium`); Playwright never
  downloads a browser here. Without it the tests skip, or fail when BALADIYA_REQUIRE_BROWSER=1
  (as in CI).
- Every test under tests/browser/ is marked `browser`; `make test` runs them in a pytest
  process of their own (`-m browser`), because Playwright's sync API keeps an asyncio loop
  marked as running in the main thread for as long as the browser is open.
- `page` is a fresh page in a new browser context per test; `new_page(**options)` makes more,
  with other context options (locale, viewport, ...).
- `assert_no_axe_violations(page)` runs axe-core (bundled by axe-playwright-python) limited to
  WCAG 2.0 and 2.1, levels A and AA.
- When a test fails, a screenshot of each of its pages goes to test-results/browser/, and what
  the pages logged as errors is printed.
- The live server needs transactional tests, which empty every table after each test: the data
  that migrations loaded (the whole territory) is copied once per session into snapshot tables
  and put back before each later test, in a few milliseconds (Django's serialized_rollback does
  the same object by object, in about five seconds a test).
"""

from __future__ import annotations

import functools
import os
import re
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_CONTEXT_OPTIONS: dict[str, Any] = {
    "locale": "ar-DZ",
    "timezone_id": "Africa/Algiers",
    "viewport": {"width": 1280, "height": 800},
    "color_scheme": "light",
}
# Fail fast: Playwright's default of 30 s per action makes a broken page slow to report.
ACTION_TIMEOUT_MS = 10_000

# What each open page logged as an error: console.error (CSP refusals too), uncaught errors.
_ERRORS: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = BROWSER_DIR.parent.parent / "test-results" / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ `browser`, even one whose module forgot to, and run
    them after all others when one plain `pytest` runs both (the browser's event loop stays)."""
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"_baladiya_report_{report.when}", report)
    return report


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed: apt-get install chromium"
        if os.environ.get("BALADIYA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (BALADIYA_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(message)

    # Playwright's sync API runs an asyncio loop in this thread from here on: Django would take
    # the test's own ORM calls (and the transactional flush after each test) for calls from
    # async code. Set only while the browser is open, so that other tests keep the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context_options() -> dict[str, Any]:
    """Context options for `page`, over DEFAULT_CONTEXT_OPTIONS; override in a module or
    parametrize indirectly to change them."""
    return {}


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Factory: `new_page(locale="fr-DZ", viewport={"width": 320, "height": 640})` opens a page
    in a new context; all are closed (and screenshotted if the test failed) at teardown."""
    opened: list[tuple[Page, list[str]]] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{**DEFAULT_CONTEXT_OPTIONS, **options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(f"console.error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        _ERRORS[page] = errors
        opened.append((page, errors))
        return page

    yield make

    report = getattr(request.node, "_baladiya_report_call", None)
    failed = report is not None and report.failed
    for index, (page, errors) in enumerate(opened):
        if failed:
            _save_failure_artifacts(request.node.nodeid, index, page, errors)
        page.context.close()


@pytest.fixture
def page(new_page: Callable[..., Page], context_options: dict[str, Any]) -> Page:
    return new_page(**context_options)


def _save_failure_artifacts(nodeid: str, index: int, page: Page, errors: list[str]) -> None:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("tests/browser/")[-1]).strip("_")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}-{index}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of {page.url}: {path}")
    except Exception as exc:  # the page may be gone; the failure itself matters more
        print(f"no screenshot of {page.url}: {exc}")
    for line in errors:
        print(f"page logged: {line}")


def console_errors(page: Page) -> list[str]:
    """What the page logged as errors so far (console.error, CSP refusals, uncaught errors)."""
    return list(_ERRORS.get(page, []))


@pytest.fixture
def page_errors() -> Callable[[Page], list[str]]:
    return console_errors


# --- accessibility -------------------------------------------------------------------------


@functools.cache
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _run_axe(page: Page, context: Any, options: dict[str, Any]) -> dict[str, Any]:
    return _axe().run(page, context=context, options=options).response


def format_axe_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"axe: {len(violations)} WCAG 2.0/2.1 A/AA violation(s) on {url}"]
    for number, violation in enumerate(violations, start=1):
        lines.append(
            f"{number}. {violation['id']} [{violation.get('impact') or 'n/a'}]: "
            f"{violation['help']}  ({violation.get('helpUrl', '')})"
        )
        nodes = violation.get("nodes", [])
        for node in nodes[:10]:
            target = " ".join(
                t if isinstance(t, str) else " >>> ".join(t) for t in node.get("target", [])
            )
            html = re.sub(r"\s+", " ", node.get("html", ""))[:160]
            lines.append(f"     - {target}    {html}")
        if len(nodes) > 10:
            lines.append(f"     ... and {len(nodes) - 10} more")
    return "\n".join(lines)


def assert_no_axe_violations(
    page: Page, *, context: Any = None, disable_rules: tuple[str, ...] = ()
) -> None:
    """Fail with a readable list if axe-core finds a WCAG 2.0/2.1 A or AA violation.

    `context` narrows the check (an axe context: a selector, or {"exclude": [...]});
    `disable_rules` turns off named rules, to be used with a comment saying why.
    """
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    violations = _run_axe(page, context, options)["violations"]
    if violations:
        pytest.fail(format_axe_violations(violations, page.url), pytrace=False)


@pytest.fixture(name="assert_no_axe_violations")
def assert_no_axe_violations_fixture() -> Callable[..., None]:
    """The helper, as a fixture: tests take it as an argument (a conftest is not imported)."""
    return assert_no_axe_violations
