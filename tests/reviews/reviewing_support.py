"""Factories and scenes for the tests of reviewing, decisions, release, reminders and program."""

from dataclasses import dataclass, field

import factory
from django.utils import timezone

from conference.models import Deadline
from reviews.models import Assignment, Comment, Conflict, Decision, Review
from submissions.models import Submission
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A submitted review with every field filled."""

    class Meta:
        model = Review

    submission = factory.SubFactory(SubmissionFactory)
    reviewer = factory.SubFactory(UserFactory)
    state = Review.State.SUBMITTED
    summary = "The paper proposes a linear-time attention variant."
    strengths = "Clear writing; strong long-context results."
    weaknesses = "Few baselines at small scale."
    questions = "How does it behave at 1M tokens?"
    rating = 6
    confidence = 3
    confidential_comment = "CONFIDENTIAL-NOTE-FOR-CHAIRS"
    submitted_at = factory.LazyFunction(timezone.now)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    submission = factory.SubFactory(SubmissionFactory)
    outcome = Decision.Outcome.ACCEPT_POSTER


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    submission = factory.SubFactory(SubmissionFactory)
    author = factory.SubFactory(UserFactory)
    body = "I think the ablation answers my question."


@dataclass
class Scene:
    """A conference with a chair, an author's paper and its assigned reviewers."""

    conference: object
    chair: object
    author: object
    paper: object
    reviewers: list = field(default_factory=list)
    outsider: object = None


def make_scene(*, reviewers=3, review_deadline_days=7, **paper_fields):
    conference = ConferenceFactory()
    if review_deadline_days is not None:
        DeadlineFactory(conference=conference, kind=Deadline.Kind.REVIEW, days=review_deadline_days)
    chair = make_chair(conference)
    author = UserFactory()
    paper = SubmissionFactory(conference=conference, created_by=author, **paper_fields)
    people = [make_reviewer(conference) for _ in range(reviewers)]
    for reviewer in people:
        AssignmentFactory(submission=paper, reviewer=reviewer)
    return Scene(
        conference=conference,
        chair=chair,
        author=author,
        paper=paper,
        reviewers=people,
        outsider=make_reviewer(conference),
    )


def conflict(user, paper):
    return Conflict.objects.create(submission=paper, user=user, kind=Conflict.Kind.CHAIR_ADDED)


def decide(paper, outcome=Decision.Outcome.ACCEPT_POSTER, **fields):
    """A decision row and the matching paper state, as reviews.decisions would leave them."""
    states = {
        Decision.Outcome.ACCEPT_ORAL: Submission.State.ACCEPTED,
        Decision.Outcome.ACCEPT_POSTER: Submission.State.ACCEPTED,
        Decision.Outcome.REJECT: Submission.State.REJECTED,
        Decision.Outcome.DESK_REJECT: Submission.State.DESK_REJECTED,
    }
    Submission.objects.filter(pk=paper.pk).update(state=states[outcome])
    paper.state = states[outcome]
    return DecisionFactory(submission=paper, outcome=outcome, **fields)
