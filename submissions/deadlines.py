"""When a paper can still be changed: the submission deadline, or the paper's own extension.

Every instant here is the *last open second* (as `Deadline.due_at`); a deadline is open at
`now` while `now < last_open_second + 1 s`, so "23:59 AoE" is open at 23:59:59 and closed
one second later. The server's request arrival time is what counts, never the browser's.
"""

from datetime import timedelta

from conference.models import Deadline


def submission_deadline(conference):
    """The conference's submission Deadline, from the prefetch cache when there is one."""
    return conference.deadline(Deadline.Kind.SUBMISSION)


def last_open_second(*, conference, submission=None):
    """The paper's extension when a chair granted one, else the conference's deadline.

    None when the chairs have not set a submission deadline (then nothing is open).
    """
    if submission is not None and submission.extension_until is not None:
        return submission.extension_until
    deadline = submission_deadline(conference)
    return deadline.due_at if deadline else None


def is_open(*, conference, now, submission=None):
    due = last_open_second(conference=conference, submission=submission)
    return due is not None and now < due + timedelta(seconds=1)
