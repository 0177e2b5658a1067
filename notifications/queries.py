"""Which outbox rows a chair may read: none that names a paper they may not see."""

from notifications.models import OutgoingEmail
from submissions.models import Submission
from submissions.queries import chair_visible_submissions


def chair_visible_emails(user, conference):
    """The conference's emails, less those naming a paper the chair is conflicted with or wrote."""
    hidden = Submission.objects.filter(conference=conference).exclude(
        pk__in=chair_visible_submissions(user, conference).values("pk")
    )
    return OutgoingEmail.objects.filter(conference=conference).exclude(papers__in=hidden)
