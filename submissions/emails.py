"""The emails about a paper. Each goes through the outbox under a key that names its event,
so a retried request or a rerun sweep never queues it twice."""

from django.conf import settings
from django.urls import reverse

from notifications.services import queue_email
from submissions import uploads
from submissions.models import SubmissionFile


def paper_url(submission):
    path = reverse(
        "submissions:detail",
        kwargs={"conference_slug": submission.conference.slug, "number": submission.number},
    )
    return settings.SITE_URL.rstrip("/") + path


def author_addresses(submission):
    return [authorship.email for authorship in submission.authorships.all()]


def current_paper(submission):
    return submission.files.filter(kind=SubmissionFile.Kind.PAPER).order_by("-revision").first()


def paper_context(submission):
    """What every paper email shows: the paper, its track and the facts of its current PDF."""
    paper = current_paper(submission)
    return {
        "submission": submission,
        "conference": submission.conference,
        "track": submission.track,
        "authors": list(submission.authorships.all()),
        "paper": paper,
        "facts": paper.facts if paper else {},
        "verdict_message": uploads.paper_message(paper, submission.track),
        "url": paper_url(submission),
    }


def _queue(*, key, submission, template, to=None, extra=None):
    return queue_email(
        key=key,
        to=to or author_addresses(submission),
        template=template,
        context={**paper_context(submission), **(extra or {})},
        about=submission,
        conference=submission.conference,
    )


def notify_received(submission):
    return _queue(
        key=f"submission-received:{submission.pk}",
        submission=submission,
        template="submission_received",
    )


def notify_revised(submission):
    return _queue(
        key=f"submission-revised:{submission.pk}:v{submission.version}",
        submission=submission,
        template="submission_revised",
    )


def notify_withdrawn(submission, *, actor):
    return _queue(
        key=f"submission-withdrawn:{submission.pk}:v{submission.version}",
        submission=submission,
        template="submission_withdrawn",
        extra={"actor": actor},
    )


def notify_desk_rejected(submission):
    return _queue(
        key=f"submission-desk-rejected:{submission.pk}",
        submission=submission,
        template="submission_desk_rejected",
    )


def notify_author_added(submission, *, authorship, actor):
    """Tell a co-author that someone listed them on a paper (registered or not)."""
    return _queue(
        key=f"submission-author-added:{submission.pk}:{authorship.email}",
        submission=submission,
        template="submission_author_added",
        to=[authorship.email],
        extra={"authorship": authorship, "actor": actor, "signup_url": signup_url()},
    )


def signup_url():
    return settings.SITE_URL.rstrip("/") + reverse("account_signup")
