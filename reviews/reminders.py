"""Reminder sweeps (run by beat through notifications.tasks.send_deadline_reminders) and the
chairs' one-click reminder to late reviewers.

Each reminder is due at an instant measured from the moment a deadline closes (one second after
its last open second). A sweep sends the latest milestone that is due and not older than a day
(nor superseded by the next one), under a key naming the milestone, so reruns and overlapping
sweeps send nothing twice and a late-assigned reviewer gets only the current reminder.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from conference import audit
from conference.models import CommitteeMembership, Deadline
from notifications.models import OutgoingEmail
from notifications.services import queue_email, render_email
from reviews.models import Assignment, AuthorListConfirmation, Conflict, Review
from submissions.models import Submission, SubmissionFile
from submissions.queries import chair_visible_submissions

GRACE = timedelta(days=1)
REVIEW_MILESTONES = [
    ("before-7d", timedelta(days=-7)),
    ("before-2d", timedelta(days=-2)),
    ("before-1d", timedelta(days=-1)),
    ("overdue-1", timedelta(days=2)),
    ("overdue-2", timedelta(days=4)),
    ("overdue-3", timedelta(days=6)),
]
CAMERA_READY_MILESTONES = [
    ("before-7d", timedelta(days=-7)),
    ("before-1d", timedelta(days=-1)),
]


def new_keys(keys):
    """The keys of `keys` that no outbox row has yet (those reminders are still to send)."""
    keys = list(keys)
    taken = set(
        OutgoingEmail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    return [key for key in keys if key not in taken]


def closes_at(deadline):
    return deadline.due_at + timedelta(seconds=1)


def due_milestone(deadline, now, milestones):
    """The name of the milestone due at `now`, or None."""
    close = closes_at(deadline)
    for index, (name, offset) in enumerate(milestones):
        start = close + offset
        end = start + GRACE
        if index + 1 < len(milestones):
            end = min(end, close + milestones[index + 1][1])
        if start <= now < end:
            return name
    return None


def missing_reviews(conference, papers=None):
    """Assignments still without a submitted review, on papers under review, conflicts
    excluded; optionally only on `papers` (a Submission queryset)."""
    assignments = Assignment.objects.filter(
        submission__conference=conference, submission__state=Submission.State.SUBMITTED
    )
    if papers is not None:
        assignments = assignments.filter(submission__in=papers.values("pk"))
    conflicted = Conflict.objects.filter(
        submission=OuterRef("submission"), user=OuterRef("reviewer"), overridden=False
    )
    submitted = Review.objects.filter(
        submission=OuterRef("submission"),
        reviewer=OuterRef("reviewer"),
        state=Review.State.SUBMITTED,
    )
    return (
        assignments.exclude(Exists(conflicted))
        .exclude(Exists(submitted))
        .select_related("reviewer", "submission")
        .order_by("reviewer_id", "submission__number")
    )


def by_reviewer(assignments):
    grouped = defaultdict(list)
    people = {}
    for assignment in assignments:
        people[assignment.reviewer_id] = assignment.reviewer
        grouped[assignment.reviewer_id].append(assignment.submission)
    return [(people[pk], papers) for pk, papers in grouped.items()]


def reminder_context(conference, deadline, reviewer, papers, now):
    return {
        "conference": conference,
        "person": reviewer,
        "papers": papers,
        "deadline": deadline,
        "overdue": now >= closes_at(deadline),
        "home_url": reverse("reviews:reviewer_home", args=[conference.slug]),
    }


def review_reminders(*, now):
    """Beat sweep: remind reviewers of unsubmitted reviews 7, 2 and 1 days before the review
    deadline, then 2, 4 and 6 days after it. Returns the number of emails queued."""
    queued = 0
    for deadline in Deadline.objects.filter(kind=Deadline.Kind.REVIEW).select_related("conference"):
        conference = deadline.conference
        milestone = due_milestone(deadline, now, REVIEW_MILESTONES)
        if milestone is None or conference.decisions_released_at is not None:
            continue
        pending = {
            f"review-reminder:{conference.pk}:{reviewer.pk}:{milestone}": (reviewer, papers)
            for reviewer, papers in by_reviewer(missing_reviews(conference))
        }
        for key in new_keys(pending):
            reviewer, papers = pending[key]
            queue_email(
                key=key,
                to=[reviewer.email],
                template="review_reminder",
                context=reminder_context(conference, deadline, reviewer, papers, now),
                conference=conference,
                papers=papers,
            )
            queued += 1
    return queued


def chairs_of(conference):
    return [
        membership.user
        for membership in CommitteeMembership.objects.filter(
            conference=conference,
            role=CommitteeMembership.Role.CHAIR,
            status=CommitteeMembership.Status.ACCEPTED,
        ).select_related("user")
    ]


def missing_review_digests(*, now):
    """Beat sweep: while reviews are overdue, each chair gets one email a day (UTC) listing the
    missing reviews of the papers they may see."""
    queued = 0
    for deadline in Deadline.objects.filter(kind=Deadline.Kind.REVIEW).select_related("conference"):
        conference = deadline.conference
        if now < closes_at(deadline) or conference.decisions_released_at is not None:
            continue
        for chair in chairs_of(conference):
            key = f"missing-reviews:{conference.pk}:{chair.pk}:{now:%Y-%m-%d}"
            if OutgoingEmail.objects.filter(dedupe_key=key).exists():
                continue
            missing = list(
                missing_reviews(conference, chair_visible_submissions(chair, conference))
            )
            if not missing:
                continue
            papers = defaultdict(list)
            for assignment in missing:
                papers[assignment.submission].append(assignment.reviewer)
            queue_email(
                key=key,
                to=[chair.email],
                template="review_missing_digest",
                context={
                    "conference": conference,
                    "person": chair,
                    "papers": sorted(papers.items(), key=lambda item: item[0].number),
                    "count": len(missing),
                    "days_overdue": (now - closes_at(deadline)).days,
                    "dashboard_url": reverse("reviews:chair_dashboard", args=[conference.slug])
                    + "?needs=missing",
                },
                conference=conference,
                papers=list(papers),
            )
            queued += 1
    return queued


@dataclass
class LateReminder:
    """What a chair's one-click reminder would send: recipients and one rendered example."""

    reviewers: list  # (reviewer, papers)
    subject: str = ""
    text: str = ""


def late_reviewers(*, chair, conference, now):
    """Reviewers with missing reviews on the chair's papers once the review deadline closed."""
    deadline = conference.deadline(Deadline.Kind.REVIEW)
    if deadline is None or now < closes_at(deadline):
        return deadline, []
    return deadline, by_reviewer(
        missing_reviews(conference, chair_visible_submissions(chair, conference))
    )


def preview_late_reminder(*, chair, conference, now):
    deadline, reviewers = late_reviewers(chair=chair, conference=conference, now=now)
    reminder = LateReminder(reviewers=reviewers)
    if reviewers:
        reviewer, papers = reviewers[0]
        reminder.subject, reminder.text, _html = render_email(
            "review_reminder", reminder_context(conference, deadline, reviewer, papers, now)
        )
    return reminder


def remind_late_reviewers(*, actor, conference, batch, now):
    """Send the chair's reminder to every late reviewer. `batch` names this click (it comes from
    the preview form), so a double click or a reloaded POST sends nothing twice."""
    deadline, reviewers = late_reviewers(chair=actor, conference=conference, now=now)
    with transaction.atomic():
        for reviewer, papers in reviewers:
            queue_email(
                key=f"review-nudge:{conference.pk}:{batch}:{reviewer.pk}",
                to=[reviewer.email],
                template="review_reminder",
                context=reminder_context(conference, deadline, reviewer, papers, now),
                conference=conference,
                papers=papers,
            )
        if reviewers:
            audit.record(
                actor=actor,
                conference=conference,
                action="reviews.remind_late",
                obj=conference,
                after={"reviewers": len(reviewers), "batch": batch},
            )
    return len(reviewers)


def camera_ready_reminders(*, now):
    """Beat sweep: 7 days and 1 day before the camera-ready deadline, remind the authors of each
    accepted paper that still lacks its camera-ready PDF or its confirmed author list."""
    queued = 0
    for deadline in Deadline.objects.filter(kind=Deadline.Kind.CAMERA_READY).select_related(
        "conference"
    ):
        conference = deadline.conference
        milestone = due_milestone(deadline, now, CAMERA_READY_MILESTONES)
        if milestone is None or conference.decisions_released_at is None:
            continue
        has_pdf = Exists(
            SubmissionFile.objects.filter(
                submission=OuterRef("pk"), kind=SubmissionFile.Kind.CAMERA_READY
            )
        )
        confirmed = Exists(AuthorListConfirmation.objects.filter(submission=OuterRef("pk")))
        papers = (
            Submission.objects.filter(
                conference=conference,
                state=Submission.State.ACCEPTED,
                decision__outcome__in=["accept_oral", "accept_poster"],
            )
            .annotate(has_pdf=has_pdf, confirmed=confirmed)
            .exclude(has_pdf=True, confirmed=True)
            .prefetch_related("authorships")
        )
        pending = {f"camera-ready-reminder:{paper.pk}:{milestone}": paper for paper in papers}
        for key in new_keys(pending):
            paper = pending[key]
            queue_email(
                key=key,
                to=[a.email for a in paper.authorships.all()],
                template="camera_ready_reminder",
                context={
                    "conference": conference,
                    "paper": paper,
                    "deadline": deadline,
                    "url": reverse("reviews:author_reviews", args=[conference.slug, paper.number]),
                },
                about=paper,
                conference=conference,
            )
            queued += 1
    return queued
