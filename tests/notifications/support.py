"""Helpers for the outbox tests: a scripted SMTP handler, a real worker in a thread, polling."""

import asyncio
import email
import socket
import threading
import time
from contextlib import contextmanager

import pytest

STALL = "stall"


class ScriptedSMTPHandler:
    """Answers each DATA command with the next scripted reply ("451 try later", "550 ...");
    once the script is used up it accepts with "250 OK". Keeps every message it accepted.

    The reply STALL holds the client in DATA (a send in progress) until `release` is set, then
    answers "421": the test can kill a worker while it waits for the server's verdict. Such
    messages are kept in `interrupted`, never in `accepted`.
    """

    def __init__(self, replies):
        self.replies = list(replies)
        self.accepted = []
        self.refused = []
        self.interrupted = []  # received, then held in DATA with no verdict (see STALL)
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            reply = self.replies.pop(0) if self.replies else "250 OK"
        if reply == STALL:
            with self.lock:
                self.interrupted.append(message)
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            reply = "421 closing"
        with self.lock:
            (self.accepted if reply.startswith("250") else self.refused).append(message)
        return reply

    def message_ids(self):
        with self.lock:
            return [message["Message-ID"] for message in self.accepted]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def tasks_to_broker():
    """Send tasks to the broker instead of running them eagerly, as in production."""
    from scope.celery import app

    # The app reads Django's settings under the CELERY_ namespace, so the switch must be made
    # under that name: setting `app.conf.task_always_eager` would be silently shadowed.
    eager = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    assert app.conf.task_always_eager is False
    try:
        yield app
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager


@contextmanager
def thread_worker():
    """A real Celery worker in a thread of this process, consuming the tests' Redis database;
    while it runs, tasks go to the broker."""
    from celery.contrib.testing.worker import start_worker
    from kombu.asynchronous import set_event_loop

    import notifications.tasks  # noqa: F401 - registers the tasks with the app

    # Each worker needs a fresh event loop: a worker reuses the process-wide hub of an earlier one,
    # whose timer is not the new worker's, and tasks with a countdown would then never run.
    set_event_loop(None)
    try:
        with (
            tasks_to_broker() as app,
            start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30),
        ):
            yield app
    finally:
        set_event_loop(None)


def wait_until(condition, timeout=20.0, what="the condition"):
    """Poll until condition() is true; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}.")
        time.sleep(0.05)
