"""The life of a BackgroundJob: queued by a service, run by a Celery task, watched by a chair.

Progress is written outside any surrounding transaction (the polling chair must see it while the
work runs), at most every PROGRESS_INTERVAL seconds so that a tight loop does not flood the
database.
"""

import logging
import time
from functools import partial

from django.db import transaction
from django.utils import timezone

from reviews.models import BackgroundJob

logger = logging.getLogger(__name__)
Status = BackgroundJob.Status
PROGRESS_INTERVAL = 0.5
FINAL_STATES = (Status.DONE, Status.FAILED, Status.COMMITTED)
UNEXPECTED_FAILURE = (
    "The job stopped on an unexpected error (it is in the server log). "
    "Run it again; if it fails again, tell the site administrator."
)


def queue_job(*, conference, kind, actor=None, params=None, task):
    """Create a queued job and send `task` to the worker once the transaction commits."""
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            conference=conference,
            kind=kind,
            params=params or {},
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            message="Waiting for a worker.",
        )
        transaction.on_commit(partial(task.delay, job_id=job.pk))
    return job


class ProgressReporter:
    """A `progress(fraction, message)` callback that writes to the job row now and then."""

    def __init__(self, job):
        self.job_id = job.pk
        self.last_write = 0.0

    def __call__(self, fraction, message=""):
        now = time.monotonic()
        if now - self.last_write < PROGRESS_INTERVAL and fraction < 1.0:
            return
        self.last_write = now
        BackgroundJob.objects.filter(pk=self.job_id).update(
            progress=max(0.0, min(1.0, float(fraction))), message=message[:500]
        )


class JobFailed(Exception):
    """A failure the chair can act on: `message` and `result` are stored on the job."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


def run_job(*, job_id, work):
    """Run `work(job, progress)` for a queued (or redelivered, still running) job and store its
    outcome: DONE with the returned dict as result, or FAILED with a message.

    A job that already finished is left alone, so a redelivered task does nothing twice.
    """
    job = BackgroundJob.objects.filter(pk=job_id).select_related("conference").first()
    if job is None or job.status in FINAL_STATES:
        return None
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, progress=0.0, message="Started."
    )
    job.status = Status.RUNNING
    try:
        result = work(job, ProgressReporter(job))
    except JobFailed as failure:
        _finish(job, status=Status.FAILED, message=failure.message, result=failure.result)
        return None
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _finish(job, status=Status.FAILED, message=UNEXPECTED_FAILURE, result={})
        return None
    _finish(job, status=Status.DONE, message=result.pop("message", "Done."), result=result)
    return result


def _finish(job, *, status, message, result):
    fields = {"status": status, "message": message[:2000], "result": result}
    if status == Status.DONE:
        fields["progress"] = 1.0
    BackgroundJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)


def latest_job(*, conference, kind):
    return BackgroundJob.objects.filter(conference=conference, kind=kind).first()
