"""A real `celery -A scope worker` process is killed with SIGKILL in the middle of a batch of 500
emails to a real (slow) SMTP server. After a restart and the stuck sweep, every email has
arrived; the only repeats are of messages that were inside their SMTP exchange at the kill,
and they carry the same Message-ID."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction

from notifications.models import OutgoingEmail
from notifications.services import queue_email, requeue_stuck_emails
from tests.factories import ConferenceFactory
from tests.notifications.support import free_port, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BATCH = 500
POOL_PROCESSES = 2
STUCK_AFTER_SECONDS = 1
SMTP_DELAY_SECONDS = 0.008


class SlowSink:
    """An SMTP server that takes a few milliseconds per message and records each Message-ID
    just before it answers 250 (a worker killed after that point has delivered its message)."""

    def __init__(self):
        self.message_ids = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY_SECONDS)
        header = next(
            line
            for line in envelope.content.decode(errors="replace").splitlines()
            if line.lower().startswith("message-id:")
        )
        with self.lock:
            self.message_ids.append(header.split(":", 1)[1].strip())
        return "250 OK"

    def count(self):
        with self.lock:
            return len(self.message_ids)


def start_worker(*, smtp_port, broker_url):
    """`celery -A scope worker` in its own process group, on this test's database and broker."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scope.settings.test",
        "CELERY_EAGER": "0",
        "TEST_DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
        "TEST_REDIS_URL": broker_url,
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "OUTBOX_STUCK_AFTER_SECONDS": str(STUCK_AFTER_SECONDS),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "scope",
        "worker",
        "--pool=prefork",
        f"--concurrency={POOL_PROCESSES}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def processes_in_group(group_id):
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces) start with state, ppid, pgrp.
        if int(stat.rsplit(")", 1)[1].split()[2]) == group_id:
            found.append(int(entry.name))
    return found


def stop(worker, sig=signal.SIGTERM):
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


@pytest.fixture
def enqueue_to_broker():
    """The test process sends tasks to Redis (the real worker runs them) instead of eagerly."""
    from scope.celery import app

    eager = app.conf.task_always_eager
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    yield app
    app.conf.CELERY_TASK_ALWAYS_EAGER = eager


def queue_batch(conference, size):
    with transaction.atomic():
        return [
            queue_email(
                key=f"batch:{conference.pk}:{number}",
                to=[f"person{number}@example.org"],
                template="account",
                context={"subject": f"Message {number}", "body": "Hello.\n"},
                conference=conference,
            )
            for number in range(size)
        ]


def test_email_batch_survives_worker_sigkill_with_repeats_only_of_messages_in_flight(
    redis_url, enqueue_to_broker, settings
):
    settings.OUTBOX_STUCK_AFTER_SECONDS = STUCK_AFTER_SECONDS
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    workers = []
    try:
        conference = ConferenceFactory(with_tracks=False)
        with pytest.raises(RuntimeError), transaction.atomic():
            rolled_back = queue_email(
                key="rolled-back",
                to=["nobody@example.org"],
                template="account",
                context={"subject": "Never", "body": "Never sent.\n"},
            )
            raise RuntimeError("the surrounding change failed")
        workers.append(start_worker(smtp_port=controller.port, broker_url=redis_url))
        emails = queue_batch(conference, BATCH)

        wait_until(lambda: sink.count() >= 150, timeout=60, what="150 delivered emails")
        first = workers[0]
        killed = processes_in_group(first.pid)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        delivered_at_kill = sink.count()

        workers.append(start_worker(smtp_port=controller.port, broker_url=redis_url))

        def all_sent_after_sweep():
            time.sleep(STUCK_AFTER_SECONDS + 0.2)
            requeue_stuck_emails()
            return OutgoingEmail.objects.filter(state=OutgoingEmail.State.SENT).count() == BATCH

        wait_until(all_sent_after_sweep, timeout=60, what=f"{BATCH} sent rows")
    finally:
        for worker in workers:
            stop(worker)
        controller.stop()

    arrivals = Counter(sink.message_ids)
    repeats = sum(count - 1 for count in arrivals.values())
    assert delivered_at_kill < BATCH
    assert len(killed) == POOL_PROCESSES + 1  # the main process and its pool processes
    assert set(arrivals) == {email.message_id for email in emails}
    assert repeats <= POOL_PROCESSES  # only the pool processes send
    assert sum(arrivals.values()) == BATCH + repeats
    assert rolled_back.message_id not in arrivals
    assert not OutgoingEmail.objects.filter(dedupe_key="rolled-back").exists()
