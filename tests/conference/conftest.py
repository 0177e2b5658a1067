import time

import pytest


@pytest.fixture
def tokyo_process(monkeypatch, settings):
    """The process and Django both in Asia/Tokyo, so nothing passes by being in UTC by accident."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    settings.TIME_ZONE = "Asia/Tokyo"
    yield
    monkeypatch.undo()
    time.tzset()
