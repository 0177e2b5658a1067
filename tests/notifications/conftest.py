"""A real SMTP server on loopback (aiosmtpd) whose replies each test scripts, and a real worker."""

import pytest
from aiosmtpd.controller import Controller

from tests.notifications.support import ScriptedSMTPHandler, free_port, thread_worker


@pytest.fixture
def smtp_server(settings):
    """Call with the replies to script; Django's SMTP backend then talks to this server."""
    controllers = []

    def start(*replies):
        handler = ScriptedSMTPHandler(replies)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_TIMEOUT = 5
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def celery_worker(redis_url):
    """A real Celery worker in a thread, consuming the tests' own (flushed) Redis database."""
    from scope.celery import app

    assert app.conf.broker_url == redis_url
    with thread_worker() as worker_app:
        yield worker_app
