"""Who may see a profile: its owner, and the chairs of a conference the person takes part in."""

import rules

from conference.models import CommitteeMembership


@rules.predicate
def is_self(user, person):
    return user.is_authenticated and person is not None and user.pk == person.pk


@rules.predicate
def chairs_a_conference_of(user, person):
    """A chair sees the profiles of their committee, and of the authors of papers they handle
    (not of papers they are conflicted with: an author's profile would point at the paper)."""
    if not user.is_authenticated or person is None:
        return False
    chaired = CommitteeMembership.objects.filter(
        user=user, role=CommitteeMembership.Role.CHAIR, status=CommitteeMembership.Status.ACCEPTED
    ).values("conference")
    if CommitteeMembership.objects.filter(user=person, conference__in=chaired).exists():
        return True
    from submissions.models import Authorship, Submission
    from submissions.queries import authored, conflicted

    return (
        Authorship.objects.filter(user=person, submission__conference__in=chaired)
        .exclude(submission__in=Submission.objects.filter(conflicted(user) | authored(user)))
        .exists()
    )


rules.add_perm("accounts.view_profile", is_self | chairs_a_conference_of)
