"""Permission predicates for committee work, reviews, discussion and decisions.

The paper-level predicates (author, chair without conflict, assigned reviewer) live in
submissions/rules.py; the ones here build on them. The object of every permission here is a
Submission.
"""

import rules
from django.utils import timezone

from conference.roles import REVIEWER, roles_in
from conference.rules import is_chair, is_reviewer
from reviews.models import Decision, Review
from submissions.models import Submission
from submissions.rules import (
    is_assigned_reviewer,
    is_author,
    is_chair_of_paper,
    is_conflicted,
    is_submitted,
)

UNDER_REVIEW_STATES = (
    Submission.State.SUBMITTED,
    Submission.State.ACCEPTED,
    Submission.State.REJECTED,
)
DECIDABLE_STATES = (*UNDER_REVIEW_STATES, Submission.State.DESK_REJECTED)


def _cached(user, name, submission, compute):
    """Remember a per-user, per-paper answer for the rest of the request (users are per request)."""
    cache = user.__dict__.setdefault("_scope_review_facts", {})
    key = (name, submission.pk)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@rules.predicate
def is_under_review(user, submission):
    """Submitted and not set aside: withdrawn, desk-rejected and draft papers get no reviews."""
    return submission is not None and submission.state in UNDER_REVIEW_STATES


@rules.predicate
def is_decidable(user, submission):
    return submission is not None and submission.state in DECIDABLE_STATES


@rules.predicate
def decisions_released(user, submission):
    released = submission.conference.decisions_released_at
    return released is not None and released <= timezone.now()


@rules.predicate
def shows_reviews_after_own(user, submission):
    return submission.conference.show_reviews_after_own


@rules.predicate
def has_submitted_own_review(user, submission):
    if not user.is_authenticated:
        return False
    return _cached(
        user,
        "submitted_review",
        submission,
        lambda: Review.objects.filter(
            submission=submission, reviewer=user, state=Review.State.SUBMITTED
        ).exists(),
    )


@rules.predicate
def is_accepted(user, submission):
    """Accepted by a decision: the paper's state and its decision agree."""
    return (
        submission.state == Submission.State.ACCEPTED
        and Decision.objects.filter(
            submission=submission,
            outcome__in=[Decision.Outcome.ACCEPT_ORAL, Decision.Outcome.ACCEPT_POSTER],
        ).exists()
    )


rules.add_perm("reviews.view_as_reviewer", is_assigned_reviewer)
rules.add_perm("reviews.write_review", is_assigned_reviewer & is_under_review & ~decisions_released)
rules.add_perm(
    "reviews.view_other_reviews",
    is_chair_of_paper | (is_assigned_reviewer & shows_reviews_after_own & has_submitted_own_review),
)
rules.add_perm("reviews.discuss", is_chair_of_paper | is_assigned_reviewer)
rules.add_perm("reviews.view_as_chair", is_chair_of_paper)
rules.add_perm("reviews.decide", is_chair_of_paper & is_decidable)
rules.add_perm("reviews.view_outcome", is_author & decisions_released)
rules.add_perm("reviews.camera_ready", is_author & decisions_released & is_accepted)


# Committee, bidding and assignment. The first three take a Submission, the rest the Conference.
@rules.predicate
def is_committee_reviewer(user, submission):
    return submission is not None and REVIEWER in roles_in(user, submission.conference)


rules.add_perm("reviews.bid", is_committee_reviewer & is_submitted & ~is_conflicted & ~is_author)
rules.add_perm("reviews.assign", is_chair_of_paper)
rules.add_perm("reviews.manage_conflicts", is_chair_of_paper)
rules.add_perm("reviews.manage_committee", is_chair)
rules.add_perm("reviews.bid_in_conference", is_reviewer)
rules.add_perm("reviews.view_own_assignments", is_reviewer)
