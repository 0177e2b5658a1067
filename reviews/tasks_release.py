"""The decision-release task: thin, ids in, the service does the work.

Kept apart from reviews/tasks.py (committee jobs) and registered with the worker through
CELERY_IMPORTS in settings.
"""

from celery import shared_task

from reviews import release


@shared_task(acks_late=True)
def queue_decision_emails(*, conference_id):
    return release.queue_decision_emails(conference_id=conference_id)
