"""Browser tests: Playwright (sync API) driving the system Chromium against pytest-django's live_server."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "pass-1234-word"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


SEED_MIGRATIONS = [
    ("huike.customers.migrations.0002_defaults_and_search", "load"),
    ("huike.followups.migrations.0002_default_cadence", "load"),
    ("huike.service.migrations.0002_default_deadlines", "load"),
    ("huike.classification.migrations.0002_default_strategies", "load"),
    ("huike.automation.migrations.0003_builtin_rules", "forwards"),
]


def ensure_seed_rows() -> None:
    """The rows the data migrations seed (choice lists, cadence rules, deadlines, strategies).

    A browser test runs in a flushed, committed database; when the rows do not come back with the
    serialized snapshot, the page under test has empty select lists. The loaders are idempotent.
    """
    import importlib

    from django.apps import apps

    for module, func in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), func)(apps, None)


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport) → a page in a fresh context (own cookies), closed after the test."""
    ensure_seed_rows()
    contexts = []

    def make(viewport=None):
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server.url, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url("**/")
