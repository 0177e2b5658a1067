"""Demo reviews for the seeded SCOPE conference (a seed hook, see conference/seed_hooks.py).

Runs after the demo papers and conflicts exist. Each submitted paper gets three reviewers
without a conflict; the demo reviewer (login "reviewer") is among them on two papers and has
nothing written yet, the others have submitted their reviews, so the reviewer home, the other
reviews, the chair dashboard and its plots all have something to show. Idempotent: rows are
found by their natural keys; the seeded reviews are written once, never overwritten.
"""

from django.db import transaction
from django.utils import timezone

from reviews.models import Assignment, Conflict, Review
from submissions.models import Submission

REVIEWERS_PER_PAPER = 3
DEMO_REVIEWER_PAPERS = 2
SAMPLE_REVIEWS = [
    {
        "summary": "The paper proposes a routing scheme that sends each token only to the experts "
        "it needs and reports lower inference cost at equal accuracy.",
        "strengths": "* Clear motivation and a simple method\n* Consistent gains on **four** "
        "long-context benchmarks",
        "weaknesses": "* Only one model family is evaluated\n* The router's overhead is not "
        "measured on small batches",
        "questions": "How does the router behave when the expert capacity is tight?",
        "rating": 8,
        "confidence": 4,
        "recommend_oral": True,
    },
    {
        "summary": "An empirical study of distilling attention layers into state space models "
        "without access to pre-training data.",
        "strengths": "Careful ablations; the negative results are reported honestly.",
        "weaknesses": "The baselines are a year old, and the compute budget is not stated.",
        "questions": "Would the method transfer to encoder-decoder models?",
        "rating": 5,
        "confidence": 3,
        "recommend_oral": False,
    },
]


def seed_demo_reviews(*, conference, people, password):
    reviewers = people["reviewers"]
    if not reviewers:
        return
    demo_reviewer = reviewers[0]
    papers = Submission.objects.filter(
        conference=conference, state=Submission.State.SUBMITTED
    ).order_by("number")
    conflicted = set(
        Conflict.objects.filter(submission__conference=conference, overridden=False).values_list(
            "submission_id", "user_id"
        )
    )
    demo_papers = 0
    with transaction.atomic():
        for index, paper in enumerate(papers):
            authors = set(paper.authorships.values_list("user_id", flat=True))
            free = [
                r for r in reviewers if (paper.pk, r.pk) not in conflicted and r.pk not in authors
            ]
            if demo_reviewer in free and demo_papers < DEMO_REVIEWER_PAPERS:
                chosen = [demo_reviewer]
                demo_papers += 1
            else:
                chosen = []
            others = [r for r in free if r != demo_reviewer]
            start = (index * REVIEWERS_PER_PAPER) % max(1, len(others))
            rotated = others[start:] + others[:start]
            chosen += rotated[: REVIEWERS_PER_PAPER - len(chosen)]
            for reviewer in chosen:
                Assignment.objects.get_or_create(submission=paper, reviewer=reviewer)
            for number, reviewer in enumerate(r for r in chosen if r != demo_reviewer):
                sample = SAMPLE_REVIEWS[(index + number) % len(SAMPLE_REVIEWS)]
                Review.objects.get_or_create(
                    submission=paper,
                    reviewer=reviewer,
                    defaults={
                        **sample,
                        "state": Review.State.SUBMITTED,
                        "submitted_at": timezone.now(),
                    },
                )
