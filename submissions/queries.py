"""Which papers a person may see in a conference: the one place that filters by role and conflict.

Other apps (reviews, decisions) build on these querysets; every filter is done in SQL so that
lists, counts and exports cannot show a paper its viewer is conflicted with.
"""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from conference.roles import CHAIR, roles_in
from reviews.models import Assignment, Conflict
from submissions.models import Authorship, Submission


def verified_emails(user):
    """A subquery of the user's verified addresses, lowercased (authorship emails are stored so)."""
    return (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )


def authored(user):
    """An Exists() true for papers that list the user as an author, by account or verified email.

    The email match lets a co-author who signed up after being listed see the paper at once.
    """
    return Exists(
        Authorship.objects.filter(submission=OuterRef("pk")).filter(
            Q(user=user) | Q(email__in=verified_emails(user))
        )
    )


def conflicted(user):
    """An Exists() true for papers the user has a standing (not overridden) conflict with."""
    return Exists(Conflict.objects.filter(submission=OuterRef("pk"), user=user, overridden=False))


def assigned(user):
    return Exists(Assignment.objects.filter(submission=OuterRef("pk"), reviewer=user))


def authored_submissions(user, conference):
    """The papers the user is an author of, in any state."""
    if not user.is_authenticated:
        return Submission.objects.none()
    return Submission.objects.filter(authored(user), conference=conference)


def chair_visible_submissions(user, conference):
    """What a chair handles: every paper except those they conflict with or authored."""
    if CHAIR not in roles_in(user, conference):
        return Submission.objects.none()
    return (
        Submission.objects.filter(conference=conference)
        .exclude(conflicted(user))
        .exclude(authored(user))
    )


def assigned_submissions(user, conference):
    """The papers assigned to the user as a reviewer, conflicts excluded."""
    if not user.is_authenticated:
        return Submission.objects.none()
    return Submission.objects.filter(assigned(user), conference=conference).exclude(
        conflicted(user)
    )


def visible_submissions(user, conference):
    """Every paper the user may open, in whichever role: author, chair, assigned reviewer."""
    if not user.is_authenticated:
        return Submission.objects.none()
    handles = assigned(user)
    if CHAIR in roles_in(user, conference):
        handles = Q(pk__isnull=False)
    return Submission.objects.filter(conference=conference).filter(
        authored(user) | (handles & ~conflicted(user) & ~authored(user))
    )
