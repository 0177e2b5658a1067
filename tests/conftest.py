import os
import shutil

import pytest
from django.conf import settings
from django.db import connections


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test gets its own private storage directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    yield tmp_path / "private"
    shutil.rmtree(tmp_path / "private", ignore_errors=True)


@pytest.fixture
def redis_url():
    """The tests' own Redis database, flushed before and after use."""
    import redis

    url = settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def browser_env(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread; Django needs telling."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def artifacts_dir():
    path = os.path.join(settings.BASE_DIR, "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def page(browser_env):
    """A Playwright page in Debian's Chromium, in a non-UTC time zone so local times differ from AoE."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        yield page
        browser.close()
        # Database work in the test ran inside Playwright's event loop, where Django keeps
        # separate connections; left open, they stop the test database from being dropped.
        connections.close_all()
