"""A real Celery worker on the tests' Redis and a real SMTP server: what eager mode cannot prove
(JSON serialization, on_commit enqueueing, acks_late, retries with a countdown)."""

import os
import signal
import subprocess
import sys

import pytest
from django.db import connection, transaction

from notifications.models import OutgoingEmail
from notifications.services import enqueue_delivery, queue_email, requeue_stuck_emails
from tests.factories import ConferenceFactory
from tests.notifications.support import STALL, tasks_to_broker, thread_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
State = OutgoingEmail.State


def queue_decision(conference, number):
    return queue_email(
        key=f"decision:{conference.pk}:{number}",
        to=[f"author{number}@example.org"],
        template="account",
        context={"subject": f"Decision on paper {number}", "body": "Accepted.\n"},
        conference=conference,
    )


def test_worker_delivers_each_committed_email_exactly_once_with_its_message_id(
    celery_worker, smtp_server
):
    server = smtp_server()
    conference = ConferenceFactory(with_tracks=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_decision(conference, 99)
        raise RuntimeError("decision not saved")  # rolled back: neither row nor task
    with transaction.atomic():
        emails = [queue_decision(conference, number) for number in (1, 2, 3)]
        queue_decision(conference, 1)  # the same key again: no second row, no second task

    wait_until(
        lambda: OutgoingEmail.objects.filter(state=State.SENT).count() == 3, what="3 sent rows"
    )
    # A broker redelivering every task must not send anything twice. The worker takes tasks
    # in order, so once a later marker email has arrived the duplicates have been processed.
    for email in emails:
        enqueue_delivery(email.pk)
    with transaction.atomic():
        marker = queue_decision(conference, 4)
    wait_until(lambda: len(server.accepted) == 4, what="the marker email")

    assert sorted(server.message_ids()) == sorted(e.message_id for e in [*emails, marker])
    assert sorted(m["Subject"] for m in server.accepted) == [
        "Decision on paper 1",
        "Decision on paper 2",
        "Decision on paper 3",
        "Decision on paper 4",
    ]
    assert server.refused == []
    assert sorted(OutgoingEmail.objects.values_list("dedupe_key", "attempts")) == [
        (f"decision:{conference.pk}:{number}", 1) for number in (1, 2, 3, 4)
    ]


def test_worker_retries_after_451_then_delivers_once(celery_worker, smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.2
    server = smtp_server("451 try later")
    conference = ConferenceFactory(with_tracks=False)
    with transaction.atomic():
        email = queue_decision(conference, 1)

    wait_until(lambda: OutgoingEmail.objects.get(pk=email.pk).state == State.SENT, what="sent")

    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (2, "")
    assert [m["Message-ID"] for m in server.refused] == [email.message_id]
    assert server.message_ids() == [email.message_id]


@pytest.fixture
def worker_process(redis_url, tmp_path, settings):
    """Start a real `celery worker` process on the test database; yields a function that
    starts it for a given SMTP port. The process is killed at the end if still alive."""
    processes = []

    def start(smtp_port):
        database = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "TEST_DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
                f"/{database['NAME']}"
            ),
            "TEST_REDIS_URL": redis_url,
            "OUTBOX_TEST_SMTP_PORT": str(smtp_port),
        }
        log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
        command = [sys.executable, "-m", "celery", "-A", "scope", "worker", "--pool=solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        processes.append((process, log))
        return process

    yield start
    for process, log in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.mark.slow
def test_worker_killed_mid_send_loses_nothing_and_sweep_sends_once(
    worker_process, smtp_server, settings
):
    server = smtp_server(STALL)  # the first send hangs in DATA until released
    conference = ConferenceFactory(with_tracks=False)
    doomed = worker_process(settings.EMAIL_PORT)
    with tasks_to_broker(), transaction.atomic():
        email = queue_decision(conference, 1)

    wait_until(server.stalled.is_set, timeout=60, what="the worker process to start sending")
    assert OutgoingEmail.objects.get(pk=email.pk).state == State.SENDING
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    server.release.set()  # the server's answer now reaches nobody

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENDING, 1)
    settings.OUTBOX_STUCK_AFTER_SECONDS = 0  # from now on, any row in "sending" is stuck
    with thread_worker():
        assert requeue_stuck_emails() == 1
        wait_until(lambda: OutgoingEmail.objects.get(pk=email.pk).state == State.SENT, what="sent")
        assert requeue_stuck_emails() == 0  # sent rows are never picked up again

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 2)
    assert [m["Message-ID"] for m in server.interrupted] == [email.message_id]
    assert server.message_ids() == [email.message_id]
