"""Thin Celery tasks: ids in, a service call, nothing else."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import module_loading, timezone

from notifications import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver(self, *, email_id):
    """Send one outbox row. The service decides whether and when to retry (the row keeps the
    attempt count), so Celery's own retry limit is off."""
    outcome = services.deliver_email(email_id=email_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(acks_late=True)
def requeue_stuck_emails():
    return services.requeue_stuck_emails()


@shared_task(acks_late=True)
def send_deadline_reminders():
    """Run every app's reminder sweep; each is idempotent through the outbox's dedupe keys.

    One sweep that raises is logged and does not stop the others: otherwise a single bad
    conference would silence every reminder on every later run.
    """
    now = timezone.now()
    counts = {}
    for path in settings.SCOPE_REMINDER_SWEEPS:
        try:
            counts[path] = module_loading.import_string(path)(now=now)
        except Exception:
            logger.exception("Reminder sweep %s failed at %s", path, now.isoformat())
            counts[path] = "error"
    return counts
