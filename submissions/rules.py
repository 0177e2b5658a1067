"""Who may do what with a paper. The object of every predicate here is a Submission.

Conflicts win over roles: a chair or reviewer with a standing conflict has no access at all,
and a chair who authored a paper sees it only as an author.
"""

import rules
from django.db.models import Q
from django.utils import timezone

from conference.roles import CHAIR, roles_in
from reviews.models import Assignment, Conflict
from submissions import deadlines
from submissions.models import Authorship, Submission
from submissions.queries import verified_emails


def _cached(user, name, submission, compute):
    """Remember a per-user, per-paper answer for the rest of the request (users are per request)."""
    cache = user.__dict__.setdefault("_scope_submission_facts", {})
    key = (name, submission.pk)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@rules.predicate
def is_author(user, submission):
    if not user.is_authenticated or submission is None:
        return False
    return _cached(
        user,
        "author",
        submission,
        lambda: (
            Authorship.objects.filter(submission=submission)
            .filter(Q(user=user) | Q(email__in=verified_emails(user)))
            .exists()
        ),
    )


@rules.predicate
def is_conflicted(user, submission):
    if not user.is_authenticated or submission is None:
        return False
    return _cached(
        user,
        "conflict",
        submission,
        lambda: Conflict.objects.filter(
            submission=submission, user=user, overridden=False
        ).exists(),
    )


@rules.predicate
def is_chair_of_paper(user, submission):
    """A chair of the paper's conference, neither conflicted with it nor one of its authors."""
    if submission is None or CHAIR not in roles_in(user, submission.conference):
        return False
    return not is_conflicted(user, submission) and not is_author(user, submission)


@rules.predicate
def is_assigned_reviewer(user, submission):
    if not user.is_authenticated or submission is None:
        return False
    assigned = _cached(
        user,
        "assigned",
        submission,
        lambda: Assignment.objects.filter(submission=submission, reviewer=user).exists(),
    )
    return assigned and not is_conflicted(user, submission)


@rules.predicate
def before_submission_deadline(user, submission):
    """The deadline (or the paper's extension) has not passed at the request's arrival."""
    return submission is not None and deadlines.is_open(
        conference=submission.conference, submission=submission, now=timezone.now()
    )


@rules.predicate
def is_open_state(user, submission):
    return submission is not None and submission.is_open_state


@rules.predicate
def is_open_for_authors(user, submission):
    """Open as the authors see it: an unreleased decision must not change what they may do."""
    return submission is not None and submission.open_for_authors(submission.conference)


@rules.predicate
def is_submitted(user, submission):
    return submission is not None and submission.state == Submission.State.SUBMITTED


@rules.predicate
def is_set_aside(user, submission):
    """Withdrawn by its authors or desk-rejected by a chair: the states a chair can undo."""
    return submission is not None and submission.state in (
        Submission.State.WITHDRAWN,
        Submission.State.DESK_REJECTED,
    )


@rules.predicate
def before_decisions(user, submission):
    released = submission.conference.decisions_released_at
    return released is None or timezone.now() < released


@rules.predicate
def is_single_blind(user, submission):
    return not submission.conference.is_double_blind


can_handle = is_chair_of_paper | is_assigned_reviewer

rules.add_perm("submissions.view", is_author | can_handle)
rules.add_perm("submissions.download", is_author | can_handle)
# The camera-ready version is de-anonymized: its authors and handling chairs only.
rules.add_perm("submissions.download_final", is_author | is_chair_of_paper)
rules.add_perm("submissions.edit", is_author & is_open_state & before_submission_deadline)
rules.add_perm("submissions.withdraw", is_author & is_open_for_authors & before_decisions)
rules.add_perm(
    "submissions.view_authors",
    is_author | is_chair_of_paper | (is_assigned_reviewer & is_single_blind),
)
rules.add_perm("submissions.view_declared_conflicts", is_author | is_chair_of_paper)
rules.add_perm("submissions.desk_reject", is_chair_of_paper & is_submitted)
rules.add_perm("submissions.grant_extension", is_chair_of_paper & is_open_state)
rules.add_perm("submissions.reinstate", is_chair_of_paper & is_set_aside)
