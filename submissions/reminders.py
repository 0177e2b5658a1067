"""Reminders to finish a draft: 7 days, 1 day and 3 hours before a paper's deadline.

`draft_reminders` is a sweep the beat runs every 10 minutes (SCOPE_REMINDER_SWEEPS). Each
reminder goes to the contact author at most once per paper (its outbox key
`draft-reminder:<paper id>:<7d|1d|3h>`). A sweep sends only the latest reminder that is due:
if the beat was down through the 7-day instant and the 1-day one, the author gets the 1-day
reminder, not both.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q

from conference.models import AOE, Deadline
from notifications.models import OutgoingEmail
from notifications.services import queue_email
from submissions import deadlines, emails
from submissions.models import Authorship, Submission

REMINDERS = [("7d", timedelta(days=7)), ("1d", timedelta(days=1)), ("3h", timedelta(hours=3))]
LONGEST = REMINDERS[0][1]
BATCH = 500


def reminder_key(submission, label):
    return f"draft-reminder:{submission.pk}:{label}"


def due_reminder(*, closes_at, now):
    """The label of the latest reminder due at `now` for a deadline closing at `closes_at`
    (the first closed instant), or None before the first or after the deadline."""
    if now >= closes_at:
        return None
    due = [label for label, before in REMINDERS if now >= closes_at - before]
    return due[-1] if due else None


def draft_reminders(*, now):
    """Queue the due reminder of every unfinished draft; returns how many were queued."""
    # Only drafts whose deadline (or extension) closes within the longest reminder window.
    soonest, latest = now - timedelta(seconds=1), now + LONGEST
    in_window = Q(
        extension_until__isnull=True,
        conference__deadlines__kind=Deadline.Kind.SUBMISSION,
        conference__deadlines__due_at__gte=soonest,
        conference__deadlines__due_at__lt=latest,
    ) | Q(extension_until__gte=soonest, extension_until__lt=latest)
    drafts = (
        Submission.objects.filter(in_window, state=Submission.State.DRAFT)
        .select_related("conference", "track")
        .prefetch_related(
            "conference__deadlines",
            Prefetch("authorships", queryset=Authorship.objects.order_by("order")),
        )
        .distinct()
        .order_by("pk")
    )
    queued = 0
    for submission in drafts.iterator(chunk_size=BATCH):
        last_second = deadlines.last_open_second(
            conference=submission.conference, submission=submission
        )
        if last_second is None:
            continue
        closes_at = last_second + timedelta(seconds=1)
        label = due_reminder(closes_at=closes_at, now=now)
        if label is None:
            continue
        key = reminder_key(submission, label)
        if OutgoingEmail.objects.filter(dedupe_key=key).exists():
            continue
        contact = next((a for a in submission.authorships.all() if a.is_contact), None)
        if contact is None:
            continue
        queue_email(
            key=key,
            to=[contact.email],
            template="submission_draft_reminder",
            context={
                **emails.paper_context(submission),
                "contact": contact,
                "closes_stated": f"{last_second.astimezone(ZoneInfo(AOE)):%Y-%m-%d %H:%M:%S} AoE "
                f"({last_second:%Y-%m-%d %H:%M:%S} UTC)",
                "left": {"7d": "7 days", "1d": "1 day", "3h": "3 hours"}[label],
            },
            about=submission,
            conference=submission.conference,
        )
        queued += 1
    return queued
