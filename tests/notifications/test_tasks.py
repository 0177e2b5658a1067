"""The beat task that runs every app's reminder sweep."""

import logging

from notifications import tasks

SWEEPS_RUN = []


def sweep_that_breaks(*, now):
    raise RuntimeError("a conference without a review deadline")


def sweep_that_queues_two(*, now):
    SWEEPS_RUN.append(now)
    return 2


def test_send_deadline_reminders_failing_sweep_is_logged_and_others_still_run(settings, caplog):
    settings.SCOPE_REMINDER_SWEEPS = [
        "tests.notifications.test_tasks.sweep_that_breaks",
        "tests.notifications.test_tasks.sweep_that_queues_two",
    ]
    SWEEPS_RUN.clear()

    with caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        counts = tasks.send_deadline_reminders.apply().get()

    assert counts == {
        "tests.notifications.test_tasks.sweep_that_breaks": "error",
        "tests.notifications.test_tasks.sweep_that_queues_two": 2,
    }
    assert len(SWEEPS_RUN) == 1
    [record] = caplog.records
    assert record.getMessage().startswith(
        "Reminder sweep tests.notifications.test_tasks.sweep_that_breaks failed at "
    )
    assert record.exc_info[1].args == ("a conference without a review deadline",)
