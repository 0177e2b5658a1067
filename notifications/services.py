"""The one way email leaves the system: queue a row, deliver it from a worker, never twice."""

import hashlib
import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)
State = OutgoingEmail.State


def message_id_for(key):
    """A stable Message-ID: a resend after a crash is the same message to every mail client."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def render_email(template, context):
    """Render emails/<template>.txt (first line "Subject: ...", then a blank line, then the body)
    and emails/<template>.html when it exists."""
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"emails/{template}.txt", context)
    first_line, _, body = text.lstrip().partition("\n")
    if not first_line.startswith("Subject:"):
        raise ValueError(f"emails/{template}.txt must start with a 'Subject:' line")
    subject = " ".join(first_line.removeprefix("Subject:").split())
    try:
        html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    except Exception as exc:  # noqa: BLE001 - only a missing template is expected here
        if exc.__class__.__name__ != "TemplateDoesNotExist":
            raise
        html = ""
    return subject, body.strip() + "\n", html


def queue_email(*, key, to, template, context, about=None, conference=None, reply_to=""):
    """Queue one email under a unique key; a second call with the same key changes nothing.

    Delivery is enqueued only after the surrounding transaction commits, so a rolled-back
    transaction sends nothing.
    """
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    if not recipients:
        raise ValueError("An email needs at least one recipient.")
    subject, text, html = render_email(template, context)
    defaults = {
        "to": recipients,
        "template": template,
        "subject": subject[:300],
        "text_body": text,
        "html_body": html,
        "reply_to": reply_to,
        "conference": conference,
        "message_id": message_id_for(key),
    }
    if about is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(about)
        defaults["object_id"] = str(about.pk)
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(dedupe_key=key, defaults=defaults)
        if created:
            transaction.on_commit(lambda: enqueue_delivery(email.pk))
    return email


def enqueue_delivery(email_id):
    from notifications.tasks import deliver

    deliver.delay(email_id=email_id)


@dataclass
class DeliveryOutcome:
    state: str
    retry_in: int | None = None


TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError, OSError)


def is_transient(exc):
    """4xx replies and lost connections are worth retrying; 5xx replies are final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, TRANSIENT_ERRORS)


def claim_for_sending(email_id):
    """Mark a row as being sent, or return None when it is not ours to send.

    A row in "sending" is taken over only when it has been there longer than the stuck
    threshold: its worker died mid-send.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return None
        if email.state == State.SENDING and email.state_changed_at > stale:
            return None
        if email.state not in (State.QUEUED, State.SENDING):
            return None
        email.state = State.SENDING
        email.attempts += 1
        email.state_changed_at = now
        email.save(update_fields=["state", "attempts", "state_changed_at"])
    return email


def build_message(email, connection=None):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id, "X-SCOPE-Key": hashlib.sha256(email.dedupe_key.encode()).hexdigest()[:16]},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def deliver_email(*, email_id):
    """Send one queued row through Django's email backend and record the outcome."""
    email = claim_for_sending(email_id)
    if email is None:
        return DeliveryOutcome(state="skipped")
    try:
        build_message(email, connection=get_connection()).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        return record_failure(email, exc)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=State.SENT, sent_at=timezone.now(), state_changed_at=timezone.now(), last_error=""
    )
    return DeliveryOutcome(state=State.SENT)


def record_failure(email, exc):
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    transient = is_transient(exc)
    if transient and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        retry_in = 30 * 2 ** (email.attempts - 1)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            state=State.QUEUED, last_error=error, state_changed_at=timezone.now()
        )
        logger.warning("Email %s: transient failure, retry in %ss: %s", email.pk, retry_in, error)
        return DeliveryOutcome(state=State.QUEUED, retry_in=retry_in)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=State.FAILED, last_error=error, state_changed_at=timezone.now()
    )
    logger.error("Email %s failed for good: %s", email.pk, error)
    return DeliveryOutcome(state=State.FAILED)


def requeue_stuck_emails(*, now=None):
    """Re-enqueue rows that waited in queued/sending past the threshold (a dead worker, a lost
    broker message). Delivery itself refuses rows that are sent, so this is safe to run often."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    ids = list(
        OutgoingEmail.objects.filter(state__in=[State.QUEUED, State.SENDING], state_changed_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    for email_id in ids:
        enqueue_delivery(email_id)
    return len(ids)


def resend_email(*, email, actor):
    """A chair resends a failed (or cancelled) email: it goes back to the queue with a fresh count."""
    from conference import audit

    with transaction.atomic():
        before = {"state": email.state, "attempts": email.attempts}
        OutgoingEmail.objects.filter(pk=email.pk).update(
            state=State.QUEUED, attempts=0, state_changed_at=timezone.now()
        )
        audit.record(actor=actor, conference=email.conference, action="email.resend", obj=email, before=before,
                     after={"state": State.QUEUED})
        transaction.on_commit(lambda: enqueue_delivery(email.pk))


def cancel_email(*, email, actor):
    """A chair stops a queued email before it leaves."""
    from conference import audit

    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(pk=email.pk, state=State.QUEUED).update(
            state=State.CANCELLED, state_changed_at=timezone.now()
        )
        if updated:
            audit.record(actor=actor, conference=email.conference, action="email.cancel", obj=email,
                         before={"state": State.QUEUED}, after={"state": State.CANCELLED})
    return bool(updated)
