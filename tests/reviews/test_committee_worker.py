"""A real Celery worker on the tests' Redis: the conflict recompute job travels as JSON after the
transaction commits, reports progress on its BackgroundJob row, and stores its outcome."""

import time

import pytest
from django.db import transaction

from reviews import conflict_sync
from reviews.models import BackgroundJob
from tests.factories import ConferenceFactory, make_chair
from tests.reviews.committee_support import conflict_rows, paper_by, reviewer_at

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviews_worker(redis_url):
    """A real worker in a thread, consuming the tests' own Redis database."""
    from celery.contrib.testing.worker import start_worker
    from kombu.asynchronous import set_event_loop

    import reviews.tasks  # noqa: F401 - registers the tasks with the app
    from scope.celery import app

    assert app.conf.broker_url == redis_url
    eager = app.conf.task_always_eager
    # The app reads Django settings under the CELERY_ namespace: switch eager mode off there.
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    assert app.conf.task_always_eager is False
    set_event_loop(None)
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield app
    finally:
        set_event_loop(None)
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager


def wait_for(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}.")
        time.sleep(0.05)


def test_worker_recomputes_conflicts_once_the_transaction_commits(reviews_worker):
    conference = ConferenceFactory()
    chair = make_chair(conference, user__email="chair@chairs.org")
    reviewer = reviewer_at(conference, "KAIST", "kaist.ac.kr", user__email="r@kaist.ac.kr")
    paper_by(conference, name="Jane Roe", email="jane@kaist.ac.kr", number=1)

    with pytest.raises(RuntimeError), transaction.atomic():
        conflict_sync.schedule_conflict_recompute(conference=conference, actor=chair)
        raise RuntimeError("rolled back: no job row, no task")
    assert BackgroundJob.objects.count() == 0

    with transaction.atomic():
        job = conflict_sync.schedule_conflict_recompute(conference=conference, actor=chair)

    wait_for(lambda: BackgroundJob.objects.get(pk=job.pk).status == "done", "the job to finish")
    job.refresh_from_db()
    assert (job.progress, job.created_by) == (1.0, chair)
    assert job.message == "1 conflict: 1 new, 0 with new evidence, 0 no longer found."
    assert job.result == {"created": 1, "updated": 0, "removed": 0, "total": 1}
    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", False)]
