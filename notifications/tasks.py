"""Thin Celery tasks: ids in, a service call, nothing else."""

from celery import shared_task
from django.utils import module_loading
from django.conf import settings
from django.utils import timezone

from notifications import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver(self, *, email_id):
    outcome = services.deliver_email(email_id=email_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(acks_late=True)
def requeue_stuck_emails():
    return services.requeue_stuck_emails()


@shared_task(acks_late=True)
def send_deadline_reminders():
    """Run every app's reminder sweep; each is idempotent through the outbox's dedupe keys."""
    now = timezone.now()
    counts = {}
    for path in settings.SCOPE_REMINDER_SWEEPS:
        counts[path] = module_loading.import_string(path)(now=now)
    return counts
