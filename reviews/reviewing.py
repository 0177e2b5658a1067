"""Writing reviews: the form's scales, drafts that save themselves, submission, late flags.

Rules: only an assigned, non-conflicted reviewer writes (checked by the views with
`reviews.write_review`). A draft can be saved and submitted at any time, also after the review
deadline (the review is then flagged late). A submitted review can be edited until the review
deadline closes; after that it is final. Every save names the version it was loaded at, so a
second open tab cannot silently overwrite the first.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from conference import audit
from conference.models import Deadline
from reviews.models import Review, ReviewFormSettings

DEFAULT_RATING_LABELS = {
    "1": "strong reject",
    "2": "reject, significant issues",
    "3": "reject, not good enough",
    "4": "possibly reject, but has redeeming facets",
    "5": "marginally below the acceptance threshold",
    "6": "marginally above the acceptance threshold",
    "7": "accept, but needs minor improvements",
    "8": "accept, good paper",
    "9": "strong accept, excellent work",
    "10": "strong accept, should be highlighted at the workshop",
}
DEFAULT_CONFIDENCE_LABELS = {
    "1": "You are unable to assess this paper and have alerted the chairs.",
    "2": "You are willing to defend your assessment, but it is quite likely that you did not "
    "understand central parts of the submission or are unfamiliar with related work.",
    "3": "You are fairly confident in your assessment; some parts or related work may have "
    "escaped you. Math and other details were not carefully checked.",
    "4": "You are confident in your assessment, but not absolutely certain.",
    "5": "You are absolutely certain about your assessment: you know the related work well "
    "and checked the math and other details carefully.",
}
DEFAULT_FIELD_LABELS = {
    "summary": "Summary of the paper",
    "strengths": "Strengths",
    "weaknesses": "Weaknesses",
    "questions": "Questions for the authors",
    "rating": "Overall rating",
    "confidence": "Confidence",
    "recommend_oral": "Recommend for an oral presentation",
    "nominate_best_paper": "Nominate for the Best Paper award",
    "confidential_comment": "Confidential comment to the chairs (never shown to authors)",
}
TEXT_FIELDS = ("summary", "strengths", "weaknesses", "questions", "confidential_comment")
SCORE_FIELDS = ("rating", "confidence")
FLAG_FIELDS = ("recommend_oral", "nominate_best_paper")
REVIEW_FIELDS = TEXT_FIELDS + SCORE_FIELDS + FLAG_FIELDS
REQUIRED_TO_SUBMIT = ("summary", "strengths", "weaknesses", "rating", "confidence")
AUTHOR_VISIBLE_FIELDS = ("summary", "strengths", "weaknesses", "questions", "rating", "confidence")


class ReviewRefused(Exception):
    """A save the rules do not allow; the message says what to do."""


class StaleReview(ReviewRefused):
    """The review was saved elsewhere (another tab) after this form was loaded."""


@dataclass(frozen=True)
class FormScales:
    """The labels and scales of a conference's review form, defaults filled in."""

    rating_labels: dict
    confidence_labels: dict
    field_labels: dict

    @staticmethod
    def choices(labels):
        return [(int(score), f"{score}: {label}") for score, label in labels.items()]

    @property
    def rating_choices(self):
        return self.choices(self.rating_labels)

    @property
    def confidence_choices(self):
        return self.choices(self.confidence_labels)

    def rating_label(self, score):
        return self.rating_labels.get(str(score), "") if score is not None else ""

    def confidence_label(self, score):
        return self.confidence_labels.get(str(score), "") if score is not None else ""


def sorted_scale(labels):
    return dict(sorted(((str(k), v) for k, v in labels.items()), key=lambda item: int(item[0])))


def form_scales(conference):
    """The chairs' labels where they set some, ICLR-style defaults elsewhere."""
    stored = ReviewFormSettings.objects.filter(conference=conference).first()
    rating = stored.rating_labels if stored and stored.rating_labels else DEFAULT_RATING_LABELS
    confidence = (
        stored.confidence_labels
        if stored and stored.confidence_labels
        else DEFAULT_CONFIDENCE_LABELS
    )
    fields = {**DEFAULT_FIELD_LABELS, **(stored.field_labels if stored else {})}
    return FormScales(sorted_scale(rating), sorted_scale(confidence), fields)


def save_form_scales(*, actor, conference, rating_labels, confidence_labels, field_labels):
    """Chairs change labels and scales. A scale must keep every score a submitted review uses,
    so that no review is left with a score the form cannot show."""
    with transaction.atomic():
        used = Review.objects.filter(submission__conference=conference).exclude(
            state=Review.State.DRAFT
        )
        for name, labels in (("rating", rating_labels), ("confidence", confidence_labels)):
            scores = set(
                used.exclude(**{f"{name}__isnull": True}).values_list(name, flat=True).distinct()
            )
            missing = sorted(scores - {int(score) for score in labels})
            if missing:
                raise ReviewRefused(
                    f"Submitted reviews use the {name} score(s) {', '.join(map(str, missing))}: "
                    f"keep them in the {name} scale (you can change their labels)."
                )
        stored, _ = ReviewFormSettings.objects.select_for_update().get_or_create(
            conference=conference
        )
        before = {
            "rating_labels": stored.rating_labels,
            "confidence_labels": stored.confidence_labels,
            "field_labels": stored.field_labels,
        }
        stored.rating_labels = sorted_scale(rating_labels)
        stored.confidence_labels = sorted_scale(confidence_labels)
        stored.field_labels = {
            key: value
            for key, value in field_labels.items()
            if key in DEFAULT_FIELD_LABELS and value and value != DEFAULT_FIELD_LABELS[key]
        }
        stored.save()
        audit.record(
            actor=actor,
            conference=conference,
            action="review_form.edit",
            obj=stored,
            before=before,
            after={
                "rating_labels": stored.rating_labels,
                "confidence_labels": stored.confidence_labels,
                "field_labels": stored.field_labels,
            },
        )
    return stored


def review_deadline(conference):
    return conference.deadline(Deadline.Kind.REVIEW)


def is_past_deadline(conference, now):
    """True once the review deadline has closed (never when chairs set none)."""
    deadline = review_deadline(conference)
    return deadline is not None and not deadline.is_open_at(now)


def start_review(*, reviewer, submission):
    """The reviewer's review of the paper, created as an empty draft the first time."""
    review, _ = Review.objects.get_or_create(submission=submission, reviewer=reviewer)
    return review


def _lock(review, expected_version):
    locked = Review.objects.select_for_update().select_related("submission__conference")
    locked = locked.get(pk=review.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleReview(
            "This review was saved in another tab or window after you opened this page, so "
            "nothing was saved here. Copy any text you want to keep, then reload the page."
        )
    return locked


def _apply(review, fields):
    for name in REVIEW_FIELDS:
        if name in fields:
            value = fields[name]
            if name in TEXT_FIELDS:
                value = (value or "").strip()
            elif name in FLAG_FIELDS:
                value = bool(value)
            setattr(review, name, value)
    review.version += 1


def save_draft(*, review, fields, expected_version, now=None):
    """Store what the reviewer has typed so far (autosave). Only drafts save this way: a
    submitted review changes only through `submit_review`, so co-reviewers and chairs never
    see half-edited text."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(review, expected_version)
        if locked.state != Review.State.DRAFT:
            raise ReviewRefused(
                "This review is already submitted: use “Update review” to save your changes."
            )
        _apply(locked, fields)
        locked.save()
    return locked


def missing_to_submit(fields, scales):
    """The labels of the fields still needed before a review can be submitted."""
    return [
        scales.field_labels[name]
        for name in REQUIRED_TO_SUBMIT
        if fields.get(name) in (None, "")
        or (isinstance(fields[name], str) and not fields[name].strip())
    ]


def submit_review(*, actor, review, fields, expected_version, scales, now=None):
    """Submit a review, or update a submitted one before the deadline. A first submission after
    the review deadline is accepted and flagged `is_late`."""
    now = now or timezone.now()
    missing = missing_to_submit(fields, scales)
    if missing:
        raise ReviewRefused(f"Fill in {', '.join(missing)} before submitting.")
    with transaction.atomic():
        locked = _lock(review, expected_version)
        conference = locked.submission.conference
        past_deadline = is_past_deadline(conference, now)
        first_submission = locked.state == Review.State.DRAFT
        if not first_submission and past_deadline:
            raise ReviewRefused(
                "The review deadline has passed, so submitted reviews are final. If something "
                "must be corrected, say so to the chairs in the paper's discussion."
            )
        before = {name: getattr(locked, name) for name in ("state", "rating", "confidence")}
        _apply(locked, fields)
        if first_submission:
            locked.state = Review.State.SUBMITTED
            locked.submitted_at = now
            locked.is_late = past_deadline
        locked.save()
        audit.record(
            actor=actor,
            conference=conference,
            action="review.submit" if first_submission else "review.update",
            obj=locked,
            before=before,
            after={
                "state": locked.state,
                "rating": locked.rating,
                "confidence": locked.confidence,
                "is_late": locked.is_late,
            },
        )
    return locked
