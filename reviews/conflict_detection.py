"""Conflict detection over database rows, read-only: build the pure inputs of reviews.conflicts
from profiles, authorships and committee memberships, and run the rules.

Authors with an account (linked, or matched by a verified email) bring their whole profile;
others are known by the name, email and affiliation typed on the paper. Personal relations are
matched here: reviews.conflicts has no rule for them.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Relation, User
from conference.models import CommitteeMembership, Deadline
from reviews import conflicts as conflict_rules
from reviews.models import Conflict
from submissions.models import Authorship, Submission

Kind = Conflict.Kind


def conference_year(conference):
    """The year conflicts are judged in: the submission deadline's, else this year."""
    deadline = conference.deadlines.filter(kind=Deadline.Kind.SUBMISSION).first()
    return deadline.local_date.year if deadline else timezone.now().year


def _verified_emails(user_ids):
    emails = {}
    rows = EmailAddress.objects.filter(user_id__in=user_ids, verified=True).values_list(
        "user_id", "email"
    )
    for user_id, email in rows:
        emails.setdefault(user_id, []).append(email.strip().lower())
    return emails


def _references(relations, kind):
    return tuple(
        text.strip()
        for relation in relations
        if relation.kind == kind
        for text in (relation.name, relation.email)
        if text.strip()
    )


def _profile_person(user, *, key, emails, name="", extra_affiliations=()):
    """A Person from an account's profile: affiliation history, publications, advisor links."""
    relations = list(user.relations.all())
    return conflict_rules.Person(
        key=key,
        name=name or user.full_name,
        emails=tuple(dict.fromkeys(emails)),
        affiliations=tuple(
            conflict_rules.Affiliation(
                institution=affiliation.institution,
                domain=affiliation.email_domain,
                start_year=affiliation.start_year,
                end_year=affiliation.end_year,
            )
            for affiliation in user.affiliations.all()
        )
        + tuple(extra_affiliations),
        publications=tuple(
            conflict_rules.Publication(
                title=publication.title,
                year=publication.year,
                coauthors=tuple(publication.coauthor_list()),
            )
            for publication in user.publications.all()
        ),
        advisors=_references(relations, Relation.Kind.ADVISOR),
        advisees=_references(relations, Relation.Kind.ADVISEE),
        personal=_references(relations, Relation.Kind.PERSONAL),
    )


def _users_with_profiles(user_ids):
    return {
        user.pk: user
        for user in User.objects.filter(pk__in=user_ids).prefetch_related(
            "affiliations", "publications", "relations"
        )
    }


def committee_inputs(conference):
    """The accepted committee members (chairs and reviewers) as Persons keyed by user id."""
    user_ids = set(
        CommitteeMembership.objects.filter(
            conference=conference, status=CommitteeMembership.Status.ACCEPTED
        ).values_list("user_id", flat=True)
    )
    users = _users_with_profiles(user_ids)
    emails = _verified_emails(user_ids)
    return [
        _profile_person(users[user_id], key=user_id, emails=emails.get(user_id, ()))
        for user_id in sorted(users)
    ]


def _accounts_by_email(emails):
    """Accounts whose verified address is one of `emails`: an author listed before signing up."""
    return dict(
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(verified=True, address__in=emails)
        .values_list("address", "user_id")
    )


def paper_inputs(submissions):
    """The submissions as Papers. Authors with an account (linked, or matched by a verified
    email) bring their whole profile; others are known by name, email and typed affiliation."""
    submissions = list(submissions.only("pk", "declared_conflict_institutions"))
    ids = [submission.pk for submission in submissions]
    authorships = list(Authorship.objects.filter(submission_id__in=ids).order_by("order"))
    by_email = _accounts_by_email({a.email.strip().lower() for a in authorships})
    account_of = {a.pk: a.user_id or by_email.get(a.email.strip().lower()) for a in authorships}
    account_ids = {user_id for user_id in account_of.values() if user_id}
    users = _users_with_profiles(account_ids)
    emails = _verified_emails(account_ids)
    declared = {}
    through = Submission.declared_conflict_users.through
    for submission_id, user_id in through.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "user_id"
    ):
        declared.setdefault(submission_id, set()).add(user_id)
    authors_of = {}
    for authorship in authorships:
        typed = ()
        if authorship.affiliation.strip():
            typed = (conflict_rules.Affiliation(institution=authorship.affiliation.strip()),)
        user = users.get(account_of[authorship.pk])
        if user is None:
            person = conflict_rules.Person(
                key=None,
                name=authorship.name,
                emails=(authorship.email.strip().lower(),),
                affiliations=typed,
            )
        else:
            person = _profile_person(
                user,
                key=None,
                name=authorship.name,
                emails=[authorship.email.strip().lower(), *emails.get(user.pk, ())],
                extra_affiliations=typed,
            )
        authors_of.setdefault(authorship.submission_id, []).append(person)
    return [
        conflict_rules.Paper(
            key=submission.pk,
            authors=tuple(authors_of.get(submission.pk, ())),
            declared_reviewers=frozenset(declared.get(submission.pk, ())),
            declared_institutions=tuple(
                line.strip()
                for line in submission.declared_conflict_institutions.splitlines()
                if line.strip()
            ),
        )
        for submission in submissions
    ]


def coauthored_papers():
    """Every paper submitted to any conference here, for the shared-paper co-author rule."""
    rows = (
        Authorship.objects.exclude(submission__state=Submission.State.DRAFT)
        .order_by("submission_id", "order")
        .values_list(
            "submission_id",
            "submission__title",
            "submission__submitted_at",
            "submission__created_at",
            "name",
            "email",
        )
    )
    papers = {}
    for submission_id, title, submitted_at, created_at, name, email in rows:
        when = submitted_at or created_at
        entry = papers.setdefault(submission_id, {"year": when.year, "title": title, "authors": []})
        entry["authors"].append(
            conflict_rules.Person(key=None, name=name, emails=(email.strip().lower(),))
        )
    return [
        conflict_rules.CoauthoredPaper(
            year=entry["year"], title=entry["title"], authors=tuple(entry["authors"])
        )
        for entry in papers.values()
    ]


def find_conference_conflicts(conference, *, progress=None):
    """Every computed conflict of the conference, as FoundConflicts keyed by ids."""
    notify = progress or (lambda fraction, message: None)
    notify(0.05, "Reading committee profiles")
    people = committee_inputs(conference)
    notify(0.2, "Reading papers and authors")
    papers = paper_inputs(Submission.objects.filter(conference=conference))
    notify(0.35, "Reading earlier papers for co-authorship")
    coauthored = coauthored_papers()
    notify(0.5, "Applying the conflict rules")
    return conflict_rules.find_conflicts(
        papers=papers,
        reviewers=people,
        year=conference_year(conference),
        coauthored=coauthored,
    )


@dataclass
class PersonConflict:
    submission: Submission
    kind_label: str
    evidence: str


def check_person(*, conference, submissions, name, email, affiliation=""):
    """Conflicts a person would have with `submissions` (e.g. before inviting them), from what
    the chair typed and, when an account has that verified email, from its whole profile."""
    email = email.strip().lower()
    typed = (conflict_rules.Affiliation(institution=affiliation.strip()),) if affiliation else ()
    account_id = _accounts_by_email({email}).get(email)
    if account_id is None:
        person = conflict_rules.Person(key=None, name=name, emails=(email,), affiliations=typed)
    else:
        user = _users_with_profiles([account_id])[account_id]
        person = _profile_person(
            user,
            key=None,
            name=name,
            emails=[email, *_verified_emails([account_id]).get(account_id, ())],
            extra_affiliations=typed,
        )
    by_id = {submission.pk: submission for submission in submissions}
    papers = paper_inputs(Submission.objects.filter(pk__in=by_id))
    found = conflict_rules.conflicts_for_person(
        person=person,
        papers=papers,
        year=conference_year(conference),
        coauthored=coauthored_papers(),
    )
    labels = dict(Kind.choices)
    rows = [
        PersonConflict(
            submission=by_id[conflict.paper],
            kind_label=labels[conflict.kind],
            evidence=conflict.evidence,
        )
        for conflict in found
    ]
    return sorted(rows, key=lambda row: (row.submission.number, row.kind_label))
