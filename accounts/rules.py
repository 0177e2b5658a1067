"""Who may see a profile: its owner, and the chairs of a conference the person takes part in."""

import rules

from conference.models import CommitteeMembership


@rules.predicate
def is_self(user, person):
    return user.is_authenticated and person is not None and user.pk == person.pk


@rules.predicate
def chairs_a_conference_of(user, person):
    """A chair sees the profiles of their committee and of the authors who submitted to them."""
    if not user.is_authenticated or person is None:
        return False
    chaired = CommitteeMembership.objects.filter(
        user=user, role=CommitteeMembership.Role.CHAIR, status=CommitteeMembership.Status.ACCEPTED
    ).values("conference")
    if CommitteeMembership.objects.filter(user=person, conference__in=chaired).exists():
        return True
    from submissions.models import Authorship

    return Authorship.objects.filter(user=person, submission__conference__in=chaired).exists()


rules.add_perm("accounts.view_profile", is_self | chairs_a_conference_of)
