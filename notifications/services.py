"""The one way email leaves the system: queue a row, deliver it from a worker, never twice.

Life of a row: queued -> sending -> sent. A transient SMTP failure puts it back to queued with
a later `next_attempt_at`; a permanent one (or too many transient ones) ends it failed. Chairs
may cancel a queued row or resend a failed or cancelled one.
"""

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from conference import audit
from notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)
State = OutgoingEmail.State
DEDUPE_KEY_MAX_LENGTH = OutgoingEmail._meta.get_field("dedupe_key").max_length


def message_id_for(key):
    """A stable Message-ID: a resend after a crash is the same message to every mail client."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def render_email(template, context):
    """Render emails/<template>.txt (first line "Subject: ...", then the body) and
    emails/<template>.html when that template exists. Returns (subject, text, html)."""
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"emails/{template}.txt", context)
    first_line, _, body = text.lstrip().partition("\n")
    subject = " ".join(first_line.removeprefix("Subject:").split())
    if not first_line.startswith("Subject:") or not subject:
        raise ValueError(f"emails/{template}.txt must start with a non-empty 'Subject:' line")
    try:
        html_template = get_template(f"emails/{template}.html")
    except TemplateDoesNotExist:
        # Only the absence of the .html file itself means "text only"; a missing include inside
        # an existing .html template is a bug and is raised while rendering below.
        html = ""
    else:
        html = html_template.render({**context, "subject": subject})
    return subject, body.strip() + "\n", html


def queue_email(
    *, key, to, template, context, about=None, conference=None, reply_to="", papers=()
):
    """Queue one email under a unique key; a second call with the same key changes nothing.

    Delivery is enqueued only after the surrounding transaction commits, so a rolled-back
    transaction sends nothing. `papers` are the submissions the email names (`about` counts
    when it is one): the outbox hides the email from chairs who may not see any of them.
    """
    if not key or len(key) > DEDUPE_KEY_MAX_LENGTH:
        raise ValueError(f"An email key must have 1 to {DEDUPE_KEY_MAX_LENGTH} characters: {key!r}")
    if isinstance(to, str):
        raise TypeError("`to` is a list of addresses, not one string.")
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    if not recipients:
        raise ValueError("An email needs at least one recipient.")
    subject, text, html = render_email(template, context)
    now = timezone.now()
    defaults = {
        "to": recipients,
        "template": template,
        "subject": subject[:300],
        "text_body": text,
        "html_body": html,
        "reply_to": reply_to,
        "conference": conference,
        "message_id": message_id_for(key),
        "state_changed_at": now,
        "next_attempt_at": now,
    }
    if about is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(about)
        defaults["object_id"] = str(about.pk)
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(dedupe_key=key, defaults=defaults)
        if created:
            named = {paper.pk for paper in papers}
            if about is not None and about._meta.label == "submissions.Submission":
                named.add(about.pk)
            email.papers.set(named)
            transaction.on_commit(partial(enqueue_delivery, email.pk))
    return email


def enqueue_delivery(email_id):
    from notifications.tasks import deliver

    deliver.delay(email_id=email_id)


@dataclass
class DeliveryOutcome:
    state: str
    retry_in: float | None = None


def is_transient(exc):
    """4xx replies and lost or refused connections are worth retrying; 5xx replies are final,
    and so is any other SMTP protocol error (no STARTTLS, no AUTH: the configuration is wrong)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # connection refused, timeout, DNS: the server may come back


def describe_error(exc):
    """The failure as a chair can read it: SMTP code and server text first."""

    def text(message):
        return message.decode(errors="replace") if isinstance(message, bytes) else str(message)

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {text(message)}"
            for address, (code, message) in exc.recipients.items()
        )
        description = f"Recipients refused: {refused}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        description = f"SMTP {exc.smtp_code} {text(exc.smtp_error)} ({exc.__class__.__name__})"
    else:
        description = f"{exc.__class__.__name__}: {exc}"
    return description[:2000]


def retry_delay(attempts):
    """Seconds to wait after the n-th failed attempt: base, 2 x base, 4 x base, ..."""
    return settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


def claim_for_sending(email_id):
    """Mark a row as being sent, or return None when it is not ours to send.

    A row in "sending" is taken over only when it has been there longer than the stuck
    threshold: its worker died mid-send. Sent, failed and cancelled rows are never taken.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return None
        takeover = email.state == State.SENDING and email.state_changed_at <= stale
        if email.state != State.QUEUED and not takeover:
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
        headers={
            "Message-ID": email.message_id,
            "X-SCOPE-Key": hashlib.sha256(email.dedupe_key.encode()).hexdigest()[:16],
        },
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def deliver_email(*, email_id):
    """Send one queued row through Django's email backend and record the outcome.

    If the worker dies between the SMTP server's "250" and the update below, the row stays in
    "sending" and the sweep sends it again: at-least-once delivery, with the same Message-ID so
    that mail clients show one message.
    """
    email = claim_for_sending(email_id)
    if email is None:
        return DeliveryOutcome(state="skipped")
    try:
        build_message(email, connection=get_connection()).send(fail_silently=False)
    except Exception as exc:
        return record_failure(email, exc)
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=State.SENT, sent_at=now, state_changed_at=now, last_error=""
    )
    return DeliveryOutcome(state=State.SENT)


def record_failure(email, exc):
    """Back to the queue with a later attempt for a transient failure, failed for good otherwise."""
    error = describe_error(exc)
    now = timezone.now()
    if is_transient(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        retry_in = retry_delay(email.attempts)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            state=State.QUEUED,
            last_error=error,
            state_changed_at=now,
            next_attempt_at=now + timedelta(seconds=retry_in),
        )
        logger.warning("Email %s: transient failure, retry in %ss: %s", email.pk, retry_in, error)
        return DeliveryOutcome(state=State.QUEUED, retry_in=retry_in)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=State.FAILED, last_error=error, state_changed_at=now
    )
    logger.error("Email %s failed after %s attempt(s): %s", email.pk, email.attempts, error)
    return DeliveryOutcome(state=State.FAILED)


def requeue_stuck_emails(*, batch_size=500):
    """Re-enqueue rows that a worker or the broker lost; returns how many.

    Lost means: queued and due for longer than the stuck threshold (the broker message is gone,
    e.g. Redis restarted), or sending for longer than that (the worker died mid-send). Each row
    found is put back to queued and due now, so the next sweep leaves it alone unless it is lost
    again. Rows that are sent, failed or cancelled are never touched.
    """
    total = 0
    while True:
        now = timezone.now()
        stale = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
        lost = Q(state=State.QUEUED, next_attempt_at__lt=stale) | Q(
            state=State.SENDING, state_changed_at__lt=stale
        )
        with transaction.atomic():
            ids = list(
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .filter(lost)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            OutgoingEmail.objects.filter(pk__in=ids).update(
                state=State.QUEUED, state_changed_at=now, next_attempt_at=now
            )
            for email_id in ids:
                transaction.on_commit(partial(enqueue_delivery, email_id))
        if ids:
            logger.warning("Outbox sweep re-enqueued %s lost email(s): %s", len(ids), ids)
        total += len(ids)
        if len(ids) < batch_size:
            return total


def resend_email(*, email, actor):
    """A chair sends a failed or cancelled email again: back to the queue with a fresh count.

    Returns False (and changes nothing) when the email is in any other state: a sent email is
    never sent twice, a queued one is already on its way.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if email.state not in (State.FAILED, State.CANCELLED):
            return False
        before = {"state": email.state, "attempts": email.attempts}
        now = timezone.now()
        email.state = State.QUEUED
        email.attempts = 0
        email.state_changed_at = now
        email.next_attempt_at = now
        email.save(update_fields=["state", "attempts", "state_changed_at", "next_attempt_at"])
        audit.record(
            actor=actor,
            conference=email.conference,
            action="email.resend",
            obj=email,
            before=before,
            after={"state": State.QUEUED, "attempts": 0},
        )
        transaction.on_commit(partial(enqueue_delivery, email.pk))
    return True


def cancel_email(*, email, actor):
    """A chair stops a queued email before it leaves. Returns False when it is no longer queued
    (a worker may have claimed it a moment ago)."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if email.state != State.QUEUED:
            return False
        email.state = State.CANCELLED
        email.state_changed_at = timezone.now()
        email.save(update_fields=["state", "state_changed_at"])
        audit.record(
            actor=actor,
            conference=email.conference,
            action="email.cancel",
            obj=email,
            before={"state": State.QUEUED},
            after={"state": State.CANCELLED},
        )
    return True
