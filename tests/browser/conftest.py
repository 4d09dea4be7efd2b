"""Playwright against pytest-django's live server, driving Debian's Chromium.

The live server runs in this process, so Django's test email backend (locmem) holds
every email in ``django.core.mail.outbox`` and the test reads links from there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ensure_reference_data

# Playwright's sync API keeps an event loop running in this thread; Django refuses ORM
# calls from a thread with a running loop unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(django_db_serialized_rollback: None, live_server: Any, transactional_db: None, settings: Any) -> str:
    """The live server's address, with throttling off and a private cache so runs never share state.

    Serialized rollback: the flush after a live-server test would drop the taxonomy,
    the default program and the Coordinators group that migrations load.
    """
    ensure_reference_data()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ACCOUNT_RATE_LIMITS = False
    return str(live_server.url)


@pytest.fixture
def new_page(browser: Any, site: str) -> Iterator[Callable[[], Any]]:
    """Open a fresh browser context (its own cookies: one person) and return its page."""
    contexts = []

    def open_page() -> Any:
        context = browser.new_context(viewport=DESKTOP, base_url=site)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


Shot = Callable[[Any, str], None]


def expect(target: Any) -> Any:
    """Playwright's ``expect``, imported late so collection works without the package."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def screenshot_taker(folder_name: str) -> Shot:
    """take(page, "name"): full-page PNGs at desktop and phone width, numbered in order,
    into test-artifacts/screenshots/<folder_name>/ (emptied first)."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", folder_name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def take(page: Any, name: str) -> None:
        number = next(counter)
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"{number:02d}-{name}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Shot:
    """Screenshots into a folder named after the test."""
    return screenshot_taker(request.node.name)
