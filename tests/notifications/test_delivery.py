"""Delivery through a real SMTP server on loopback: retries for 4xx, failure at once for 5xx."""

import smtplib
import ssl
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import OutgoingEmail
from notifications.services import deliver_email, is_transient
from tests.factories import OutgoingEmailFactory
from tests.notifications.support import free_port

pytestmark = pytest.mark.django_db
State = OutgoingEmail.State


def test_deliver_email_accepted_marks_sent_with_headers(smtp_server):
    server = smtp_server()
    email = OutgoingEmailFactory(
        to=["ada@example.org", "bob@example.org"], subject="Your review is due", reply_to="c@x.org"
    )

    outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.state == State.SENT
    assert (email.state, email.attempts, email.last_error) == (State.SENT, 1, "")
    assert email.sent_at is not None
    [message] = server.accepted
    assert message["Message-ID"] == email.message_id
    assert message["Subject"] == "Your review is due"
    assert message["To"] == "ada@example.org, bob@example.org"
    assert message["Reply-To"] == "c@x.org"
    assert message.get_payload().replace("\r\n", "\n") == "Hello,\n\nthis is a test message.\n"


def test_deliver_email_transient_451_retries_then_succeeds(smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    server = smtp_server("451 try later")
    email = OutgoingEmailFactory()

    with time_machine.travel("2025-02-03 12:00:00Z", tick=False):
        first = deliver_email(email_id=email.pk)
        email.refresh_from_db()
        assert (first.state, first.retry_in) == (State.QUEUED, 30)
        assert (email.state, email.attempts) == (State.QUEUED, 1)
        assert email.last_error == "SMTP 451 try later (SMTPDataError)"
        assert email.next_attempt_at == timezone.now() + timedelta(seconds=30)

    second = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert second.state == State.SENT
    assert (email.state, email.attempts, email.last_error) == (State.SENT, 2, "")
    assert [m["Message-ID"] for m in server.refused] == [email.message_id]
    assert server.message_ids() == [email.message_id]


def test_deliver_email_transient_failures_back_off_exponentially(smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_MAX_ATTEMPTS = 4
    smtp_server("451 try later", "421 closing", "452 mailbox full", "451 still busy")
    email = OutgoingEmailFactory()

    delays = [deliver_email(email_id=email.pk).retry_in for _ in range(4)]

    email.refresh_from_db()
    assert delays == [30, 60, 120, None]
    assert (email.state, email.attempts) == (State.FAILED, 4)
    assert email.last_error == "SMTP 451 still busy (SMTPDataError)"


def test_deliver_email_permanent_550_fails_at_once_with_error_kept(smtp_server):
    server = smtp_server("550 mailbox unavailable")
    email = OutgoingEmailFactory()

    outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert (outcome.state, outcome.retry_in) == (State.FAILED, None)
    assert (email.state, email.attempts) == (State.FAILED, 1)
    assert email.last_error == "SMTP 550 mailbox unavailable (SMTPDataError)"
    assert server.accepted == []
    assert deliver_email(email_id=email.pk).state == "skipped"
    assert len(server.refused) == 1


def test_deliver_email_no_server_listening_is_transient(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    email = OutgoingEmailFactory()

    outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert (outcome.state, email.state, email.attempts) == (State.QUEUED, State.QUEUED, 1)
    assert email.last_error.startswith("ConnectionRefusedError: ")


@pytest.mark.parametrize("state", [State.SENT, State.FAILED, State.CANCELLED])
def test_deliver_email_finished_row_is_never_sent(state):
    email = OutgoingEmailFactory(state=state, attempts=1)

    outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.state == "skipped"
    assert (email.state, email.attempts) == (state, 1)
    assert mail.outbox == []


def test_deliver_email_missing_row_is_skipped():
    assert deliver_email(email_id=999_999).state == "skipped"


def test_deliver_email_row_another_worker_is_sending_is_skipped(settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 300
    with time_machine.travel("2025-02-03 12:00:00Z", tick=False):
        email = OutgoingEmailFactory(state=State.SENDING, attempts=1)
    with time_machine.travel("2025-02-03 12:04:59Z", tick=False):
        outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.state == "skipped"
    assert (email.state, email.attempts) == (State.SENDING, 1)
    assert mail.outbox == []


def test_deliver_email_row_stuck_in_sending_is_taken_over(settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 300
    with time_machine.travel("2025-02-03 12:00:00Z", tick=False):
        email = OutgoingEmailFactory(state=State.SENDING, attempts=1)
    with time_machine.travel("2025-02-03 12:05:00Z", tick=False):
        outcome = deliver_email(email_id=email.pk)

    email.refresh_from_db()
    assert outcome.state == State.SENT
    assert (email.state, email.attempts) == (State.SENT, 2)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPSenderRefused(421, b"closing", "noreply@x"), True),
        (smtplib.SMTPSenderRefused(553, b"not allowed", "noreply@x"), False),
        (smtplib.SMTPConnectError(421, b"too many connections"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"later"), "b@x": (550, b"no")}), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), False),
        (smtplib.SMTPException("SMTP AUTH extension not supported by server."), False),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (ssl.SSLError("wrong version number"), True),
        (ValueError("Header values may not contain linefeed"), False),
    ],
)
def test_is_transient_only_for_4xx_and_lost_connections(error, transient):
    assert is_transient(error) is transient
