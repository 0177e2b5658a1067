"""The security tests of a module share one world: built once (it runs the PDF check, the
solver and the services), committed, and flushed when the module is done, so that other
modules never see it. Each test runs in its own transaction, rolled back at its end, so no
test changes the world for another."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from tests.security.world import ROLES, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    location = tmp_path_factory.mktemp("world-private")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages), django_db_blocker.unblock():
        try:
            yield build_world()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(autouse=True)
def private_storage(request, settings, tmp_path):
    """Tests on the world read its files; the others get their own storage, as everywhere."""
    if "world" in request.fixturenames:
        yield Path(settings.STORAGES["default"]["OPTIONS"]["location"])
        return
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
def clients(world, db):
    """A signed-in test client per role (anonymous: a fresh one)."""
    made = {}
    for role in ROLES:
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        made[role] = client
    return made
