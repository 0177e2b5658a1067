"""Who someone is in a conference. Computed once per request and user, then cached on the user."""

from conference.models import CommitteeMembership

CHAIR = CommitteeMembership.Role.CHAIR
REVIEWER = CommitteeMembership.Role.REVIEWER


def roles_in(user, conference):
    """The accepted committee roles of a user in a conference, as a frozenset of role names."""
    if user is None or not user.is_authenticated or conference is None:
        return frozenset()
    cache = user.__dict__.setdefault("_scope_roles", {})
    if conference.pk not in cache:
        cache[conference.pk] = frozenset(
            CommitteeMembership.objects.filter(
                conference=conference, user=user, status=CommitteeMembership.Status.ACCEPTED
            ).values_list("role", flat=True)
        )
    return cache[conference.pk]


def forget_roles(user):
    user.__dict__.pop("_scope_roles", None)
