"""The beat sweep: a dead worker or a lost broker message loses no email, a sent one never repeats."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail

from notifications import tasks
from notifications.models import OutgoingEmail
from notifications.services import (
    claim_for_sending,
    deliver_email,
    queue_email,
    requeue_stuck_emails,
)
from tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db
State = OutgoingEmail.State
T0 = datetime.fromisoformat("2025-02-03T12:00:00+00:00")


@pytest.fixture(autouse=True)
def stuck_after_five_minutes(settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 300
    settings.OUTBOX_RETRY_BASE_SECONDS = 30


def at(seconds):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


def test_requeue_stuck_emails_resends_row_left_sending_by_dead_worker(
    django_capture_on_commit_callbacks,
):
    with at(0):
        email = OutgoingEmailFactory()
        claim_for_sending(email.pk)  # the worker claimed the row, then was killed

    with at(301), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 2)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_requeue_stuck_emails_leaves_sending_row_that_is_not_stale(
    django_capture_on_commit_callbacks,
):
    with at(0):
        email = OutgoingEmailFactory()
        claim_for_sending(email.pk)

    with at(299), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert requeue_stuck_emails() == 0

    email.refresh_from_db()
    assert (email.state, email.attempts, email.state_changed_at) == (State.SENDING, 1, T0)
    assert callbacks == []
    assert mail.outbox == []


def test_requeue_stuck_emails_never_resends_sent_row(django_capture_on_commit_callbacks):
    with at(0):
        email = OutgoingEmailFactory()
        deliver_email(email_id=email.pk)

    with at(86_400), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert requeue_stuck_emails() == 0

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 1)
    assert callbacks == []
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("state", [State.FAILED, State.CANCELLED])
def test_requeue_stuck_emails_leaves_failed_and_cancelled_rows(
    state, django_capture_on_commit_callbacks
):
    with at(0):
        email = OutgoingEmailFactory(state=state)

    with at(86_400), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 0

    email.refresh_from_db()
    assert email.state == state
    assert mail.outbox == []


def test_requeue_stuck_emails_resends_queued_row_whose_broker_message_was_lost(
    django_capture_on_commit_callbacks,
):
    with at(0), django_capture_on_commit_callbacks(execute=False):  # the task never ran
        email = queue_email(
            key="test:lost",
            to=["ada@example.org"],
            template="account",
            context={"subject": "Lost", "body": "Body"},
        )

    with at(301), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 1)
    assert len(mail.outbox) == 1


def test_requeue_stuck_emails_waits_for_retry_backoff_before_taking_row_as_lost(
    django_capture_on_commit_callbacks,
):
    with at(0):
        email = OutgoingEmailFactory(
            state=State.QUEUED, attempts=3, next_attempt_at=T0 + timedelta(seconds=120)
        )

    with at(420), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 0
    with at(421), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails() == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 4)


def test_requeue_stuck_emails_reenqueues_lost_row_once_per_threshold(
    django_capture_on_commit_callbacks,
):
    with at(0):
        email = OutgoingEmailFactory(state=State.SENDING, attempts=1)

    with at(301), django_capture_on_commit_callbacks(execute=False) as lost_again:
        assert requeue_stuck_emails() == 1
    with at(302), django_capture_on_commit_callbacks(execute=False):
        assert requeue_stuck_emails() == 0
    with at(602), django_capture_on_commit_callbacks(execute=False):
        assert requeue_stuck_emails() == 1

    email.refresh_from_db()
    assert len(lost_again) == 1
    assert (email.state, email.attempts) == (State.QUEUED, 1)
    assert email.next_attempt_at == T0 + timedelta(seconds=602)


def test_requeue_stuck_emails_works_through_every_batch(django_capture_on_commit_callbacks):
    with at(0):
        emails = OutgoingEmailFactory.create_batch(5, state=State.SENDING, attempts=1)

    with at(301), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_emails(batch_size=2) == 5

    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        e.message_id for e in emails
    )
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {State.SENT}


def test_requeue_stuck_emails_task_runs_the_sweep(django_capture_on_commit_callbacks):
    with at(0):
        OutgoingEmailFactory(state=State.SENDING, attempts=1)

    with at(301), django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stuck_emails.apply().get() == 1

    assert len(mail.outbox) == 1
