"""Reading reviews for one audience at a time: chairs, co-reviewers, or authors.

Reviews leave the database through `present_reviews` only, which copies the fields an audience
may see into plain dicts: a confidential comment or a reviewer's name is never in a co-reviewer's
or an author's template context, so no template can show it by mistake.
"""

from dataclasses import dataclass, field
from string import ascii_uppercase

from django.db.models import Count, Exists, OuterRef, Subquery

from reviews.markdown import render_markdown
from reviews.models import Assignment, Review
from submissions.models import SubmissionFile
from submissions.queries import assigned_submissions

CHAIR = "chair"
REVIEWER = "reviewer"
AUTHOR = "author"


def letter(index):
    """A, B, ..., Z, AA, AB, ... for index 0, 1, ..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = ascii_uppercase[rest] + name
    return name


def letters_by_paper(submission_ids):
    """{paper id: {reviewer id: letter}} for many papers in two queries.

    Letters are stable: reviewers who have a review row keep the order in which their reviews
    were started (rows are never deleted), then assigned reviewers without one follow in
    assignment order.
    """
    order = {pk: [] for pk in submission_ids}
    for paper_id, reviewer_id in (
        Review.objects.filter(submission_id__in=submission_ids)
        .order_by("pk")
        .values_list("submission_id", "reviewer_id")
    ):
        order[paper_id].append(reviewer_id)
    for paper_id, reviewer_id in (
        Assignment.objects.filter(submission_id__in=submission_ids)
        .order_by("pk")
        .values_list("submission_id", "reviewer_id")
    ):
        if reviewer_id not in order[paper_id]:
            order[paper_id].append(reviewer_id)
    return {
        paper_id: {reviewer_id: letter(i) for i, reviewer_id in enumerate(reviewers)}
        for paper_id, reviewers in order.items()
    }


def reviewer_letters(submission):
    return letters_by_paper([submission.pk])[submission.pk]


@dataclass
class PresentedReview:
    """One review as an audience may see it; fields an audience may not see are simply absent."""

    letter: str
    state: str
    rating: int | None
    rating_label: str
    confidence: int | None
    confidence_label: str
    sections: list = field(default_factory=list)  # (label, safe HTML)
    is_late: bool = False
    submitted_at: object = None
    reviewer_name: str = ""
    reviewer_id: int | None = None
    recommend_oral: bool = False
    nominate_best_paper: bool = False
    confidential_html: str = ""


def present_reviews(reviews, *, letters, scales, audience, render=render_markdown):
    """Turn Review rows into PresentedReview for `audience` (CHAIR, REVIEWER or AUTHOR).

    Co-reviewers and authors get submitted reviews only, under letters, with the
    author-visible fields; chairs get everything, drafts included, with names. Texts are
    rendered as safe HTML, or kept as typed with `render=str` (plain-text emails).
    """
    shown = []
    for review in sorted(reviews, key=lambda r: letters.get(r.reviewer_id, "ZZZ")):
        if audience != CHAIR and review.state != Review.State.SUBMITTED:
            continue
        labels = scales.field_labels
        presented = PresentedReview(
            letter=letters.get(review.reviewer_id, "?"),
            state=review.state,
            rating=review.rating,
            rating_label=scales.rating_label(review.rating),
            confidence=review.confidence,
            confidence_label=scales.confidence_label(review.confidence),
            sections=[
                (labels[name], render(getattr(review, name)))
                for name in ("summary", "strengths", "weaknesses", "questions")
                if getattr(review, name)
            ],
            is_late=review.is_late,
            submitted_at=review.submitted_at,
        )
        if audience == CHAIR:
            presented.reviewer_name = str(review.reviewer)
            presented.reviewer_id = review.reviewer_id
            presented.recommend_oral = review.recommend_oral
            presented.nominate_best_paper = review.nominate_best_paper
            presented.confidential_html = render(review.confidential_comment)
        shown.append(presented)
    return shown


def reviewer_home_papers(user, conference):
    """The reviewer's assigned papers (conflicts excluded) with their own review's state,
    in one query."""
    own = Review.objects.filter(submission=OuterRef("pk"), reviewer=user)
    return (
        assigned_submissions(user, conference)
        .select_related("track")
        .annotate(
            review_state=Subquery(own.values("state")[:1]),
            review_is_late=Subquery(own.values("is_late")[:1]),
            review_updated_at=Subquery(own.values("updated_at")[:1]),
            comment_count=Count("comments", distinct=True),
            has_pdf=Exists(
                SubmissionFile.objects.filter(
                    submission=OuterRef("pk"), kind=SubmissionFile.Kind.PAPER
                )
            ),
        )
        .order_by("number")
    )
