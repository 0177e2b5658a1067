"""Helpers shared by the committee, conflict, bidding and assignment tests: real rows only."""

from accounts.models import Affiliation, Publication, Relation
from reviews.models import Conflict
from tests.factories import AuthorshipFactory, SubmissionFactory, make_reviewer


def reviewer_at(conference, institution, domain, **user_fields):
    """An accepted reviewer with one current affiliation."""
    user = make_reviewer(conference, **user_fields)
    Affiliation.objects.create(user=user, institution=institution, email_domain=domain)
    return user


def paper_by(conference, *, name, email, affiliation="", **fields):
    """A submitted paper whose one author has no account (known by name, email, affiliation)."""
    submission = SubmissionFactory(conference=conference, authors=[], **fields)
    AuthorshipFactory(
        submission=submission, order=1, name=name, email=email, affiliation=affiliation
    )
    return submission


def publication(user, title, *, year, coauthors):
    return Publication.objects.create(
        user=user, title=title, year=year, coauthors="\n".join(coauthors)
    )


def relation(user, kind, *, name="", email=""):
    return Relation.objects.create(user=user, kind=kind, name=name, email=email)


def conflict_rows(conference):
    """(paper number, user email, kind, overridden) of every Conflict row, sorted."""
    return sorted(
        Conflict.objects.filter(submission__conference=conference).values_list(
            "submission__number", "user__email", "kind", "overridden"
        )
    )
