"""The rule that matters most: a conflicted user, chairs included, never reaches a conflicted
paper, by any URL. A chair who wrote a paper sees it only as an author.

The URLs are not listed by hand: every conference URL is read from the resolver, so a view added
later is checked too. A URL whose kwargs this file cannot fill fails the test until someone says
here what its kwargs mean.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from conference.models import Deadline
from notifications.models import OutgoingEmail
from reviews import assignment_service
from reviews.bidding import save_bid
from reviews.models import Assignment, BackgroundJob, Bid, Comment, Conflict, Decision, Review
from submissions.models import Submission, SubmissionFile
from submissions.uploads import private_storage as paper_storage
from tests.factories import (
    AuthorshipFactory,
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar Quokka"  # in the conflicted paper's title: must never reach the conflicted
REVIEW_TEXT = "Kumquat-flavoured review summary"
COMMENT_TEXT = "Persimmon discussion point"
# kwargs that name a paper, or a row that belongs to exactly one paper
PAPER_KWARGS = {"number", "submission_id", "paper_id", "submission_pk", "paper_pk", "conflict_id"}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")
DENIED = {404, 405}
# Paper URLs that nobody may open in this fixture's state, and why (the control test skips them).
UNREACHABLE_IN_FIXTURE = {
    "public:pdf": "public only once the paper is accepted and the program published",
    "reviews:author_reviews": "authors read reviews only after decisions are released",
    "submissions:reinstate": "only a withdrawn or desk-rejected paper can be reinstated",
}


def conference_routes():
    """(URL name, route, kwarg names) of every URL under a conference slug."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    routes = []
    for name, route in walk(get_resolver().url_patterns):
        kwargs = KWARG.findall(route)
        if "conference_slug" in kwargs:
            routes.append((name, route, tuple(k for k in kwargs if k != "conference_slug")))
    return routes


def paper_routes():
    return [route for route in conference_routes() if PAPER_KWARGS & set(route[2])]


def other_routes():
    return [route for route in conference_routes() if not PAPER_KWARGS & set(route[2])]


@dataclass
class World:
    conference: object
    paper: object
    users: dict
    values: dict = field(default_factory=dict)

    def url(self, name, route, kwargs):
        missing = [k for k in kwargs if k not in self.values]
        if name is None or missing:
            pytest.fail(
                f"{route}: name the URL and teach tests/security/test_conflict_enforcement.py "
                f"what its kwargs {missing} mean, so that conflicts are checked on it."
            )
        return reverse(
            name,
            kwargs={"conference_slug": self.conference.slug, **{k: self.values[k] for k in kwargs}},
        )


@pytest.fixture
def paper_world(private_storage):
    """One conference; paper #1 (the secret) and #2; every kind of person around paper #1."""
    conference = ConferenceFactory(slug="scope")
    for kind, days in (("submission", -3), ("bidding", 3), ("review", 20)):
        DeadlineFactory(conference=conference, kind=kind, days=days)
    users = {
        "author": UserFactory(email="author@authors.net", full_name="Ann Author"),
        "other_author": UserFactory(email="other@others.net"),
        "outsider": UserFactory(email="outsider@outside.net"),
        "chair": make_chair(conference, user__email="chair@chairs.org"),
        "conflicted_chair": make_chair(conference, user__email="cc@chairs2.org"),
        "chair_author": make_chair(conference, user__email="ca@chairs3.org"),
        "assigned_reviewer": make_reviewer(
            conference, user__email="ar@rev1.org", user__full_name="Ursula Assigned"
        ),
        "conflicted_reviewer": make_reviewer(conference, user__email="cr@rev2.org"),
        "bidding_reviewer": make_reviewer(conference, user__email="br@rev3.org"),
        "unassigned_reviewer": make_reviewer(conference, user__email="ur@rev4.org"),
    }
    paper = SubmissionFactory(
        conference=conference,
        number=1,
        title=f"{SECRET}: sparse attention",
        authors=[users["author"], users["chair_author"]],
        created_by=users["author"],
    )
    other = SubmissionFactory(
        conference=conference, number=2, title="Ordinary paper", authors=[users["other_author"]]
    )
    AuthorshipFactory(submission=paper, order=3, name="No Account", email="noacc@authors.net")
    stored = private_storage_name(paper)
    SubmissionFile.objects.create(
        submission=paper,
        kind=SubmissionFile.Kind.PAPER,
        revision=1,
        storage_name=stored,
        original_name="paper.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=9,
        uploaded_by=users["author"],
        thumbnail_count=1,
    )
    paper_storage().save(stored.replace(".pdf", "-p001.png"), ContentFile(b"\x89PNG"))
    Conflict.objects.create(submission=paper, user=users["conflicted_chair"], kind="institutional")
    Conflict.objects.create(submission=paper, user=users["chair_author"], kind="self")
    for reviewer in ("assigned_reviewer", "conflicted_reviewer"):
        Assignment.objects.create(submission=paper, reviewer=users[reviewer])
    Assignment.objects.create(submission=other, reviewer=users["assigned_reviewer"])
    conflict = Conflict.objects.create(
        submission=paper, user=users["conflicted_reviewer"], kind="reviewer_declared"
    )
    save_bid(reviewer=users["bidding_reviewer"], submission=paper, value=Bid.Value.CONFLICT)
    Review.objects.create(
        submission=paper,
        reviewer=users["assigned_reviewer"],
        state=Review.State.SUBMITTED,
        summary=REVIEW_TEXT,
        rating=6,
        confidence=3,
    )
    Comment.objects.create(submission=paper, author=users["assigned_reviewer"], body=COMMENT_TEXT)
    assignment_service.queue_assignment_emails(
        conference=conference,
        reviewer_ids={users["assigned_reviewer"].pk},
        new_pairs={(paper.pk, users["assigned_reviewer"].pk)},
        key_prefix="test:assignment",
    )
    job = BackgroundJob.objects.create(
        conference=conference,
        kind=BackgroundJob.Kind.ASSIGNMENT,
        status=BackgroundJob.Status.DONE,
        params={"affinity_weight": 1.0, "bid_weight": 1.0, "one_per_institution": False},
        result={
            "papers": {str(paper.pk): 3, str(other.pk): 3},
            "reviewers": [users["assigned_reviewer"].pk, users["unassigned_reviewer"].pk],
            "pairs": [
                {
                    "paper": paper.pk,
                    "reviewer": users["assigned_reviewer"].pk,
                    "origin": "solver",
                    "affinity": 0.5,
                    "bid": None,
                }
            ],
            "dropped": [],
        },
    )
    paper_world = World(conference=conference, paper=paper, users=users)
    paper_world.values = {
        "number": paper.number,
        "submission_id": paper.pk,
        "paper_id": paper.pk,
        "conflict_id": conflict.pk,
        "job_id": job.pk,
        "reviewer_id": users["assigned_reviewer"].pk,
        "kind": "paper",
        "revision": 1,
        "page": 1,
        "email_id": OutgoingEmail.objects.get(dedupe_key__startswith="test:assignment").pk,
        "membership_id": users["assigned_reviewer"].memberships.get().pk,
        "invitation_id": 0,
        "token": "not-a-token",
    }
    return paper_world


def private_storage_name(paper):
    return paper_storage().save(f"papers/scope/{paper.pk}.pdf", ContentFile(b"%PDF-1.4\n"))


def state_of_the_world():
    """Every row a request could create or change on behalf of a user."""
    return {
        "bids": sorted(Bid.objects.values_list("submission", "reviewer", "value")),
        "assignments": sorted(Assignment.objects.values_list("submission", "reviewer")),
        "conflicts": sorted(
            Conflict.objects.values_list("submission", "user", "kind", "overridden")
        ),
        "reviews": sorted(Review.objects.values_list("submission", "reviewer", "state", "summary")),
        "comments": Comment.objects.count(),
        "decisions": Decision.objects.count(),
        "papers": sorted(Submission.objects.values_list("pk", "state", "extension_until")),
        "emails": OutgoingEmail.objects.count(),
        "jobs": sorted(BackgroundJob.objects.values_list("pk", "status")),
    }


def test_the_resolver_yields_the_paper_urls_of_every_app():
    names = {name for name, _route, _kwargs in paper_routes()}

    assert {
        "reviews:bid_save",
        "reviews:proposal_paper",
        "reviews:assignment_paper",
        "reviews:assignment_remove",
        "reviews:conflict_override",
    } <= names
    assert any(name.startswith("submissions:") for name in names)
    assert len(names) >= 10


DENIED_EVERYWHERE = [
    "conflicted_chair",
    "conflicted_reviewer",
    "bidding_reviewer",
    "unassigned_reviewer",
    "outsider",
    "other_author",
]
# What a role may legitimately do on a paper it is not conflicted with (method, URL name).
ALLOWED = {"unassigned_reviewer": {("post", "reviews:bid_save")}}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", DENIED_EVERYWHERE)
def test_every_paper_url_is_404_for_the_conflicted_and_the_unrelated(
    client, paper_world, role, method
):
    client.force_login(paper_world.users[role])
    before = state_of_the_world()
    reached = []

    for name, route, kwargs in paper_routes():
        if (method, name) in ALLOWED.get(role, ()):
            continue
        response = getattr(client, method)(paper_world.url(name, route, kwargs))
        if response.status_code not in DENIED:
            reached.append((name, response.status_code))

    assert reached == []
    assert state_of_the_world() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_paper_url_sends_anonymous_visitors_to_login_or_404(client, paper_world, method):
    login = reverse("account_login")
    reached = []

    for name, route, kwargs in paper_routes():
        response = getattr(client, method)(paper_world.url(name, route, kwargs))
        to_login = response.status_code == 302 and response.url.startswith(login)
        if response.status_code not in DENIED and not to_login:
            reached.append((name, response.status_code))

    assert reached == []


def test_a_chair_who_wrote_the_paper_sees_it_only_as_an_author(client, paper_world):
    client.force_login(paper_world.users["chair_author"])
    reviewer = paper_world.users["assigned_reviewer"]
    leaks = []

    for name, route, kwargs in paper_routes():
        response = client.get(paper_world.url(name, route, kwargs))
        if response.status_code in DENIED or response.status_code == 302:
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        for secret in (reviewer.full_name, reviewer.email, REVIEW_TEXT, COMMENT_TEXT):
            if secret in text:
                leaks.append((name, secret))

    assert leaks == []


def test_each_paper_url_is_reachable_by_someone_entitled(client, paper_world):
    """Without this control, a URL that 404s for everyone would pass the tests above."""
    unreached = []
    for name, route, kwargs in paper_routes():
        if name in UNREACHABLE_IN_FIXTURE:
            continue
        url = paper_world.url(name, route, kwargs)
        statuses = []
        for role in ("chair", "assigned_reviewer", "author", "unassigned_reviewer"):
            client.force_login(paper_world.users[role])
            statuses.append(client.get(url).status_code)
        if all(status == 404 for status in statuses):
            unreached.append(name)

    assert unreached == []


@pytest.mark.parametrize("role", ["conflicted_chair", "conflicted_reviewer", "bidding_reviewer"])
def test_no_other_page_names_the_conflicted_paper(client, paper_world, role):
    """Lists, searches, exports, counts pages, job pages, emails in the outbox: the title never
    shows. Each page is also asked to search for the secret."""
    client.force_login(paper_world.users[role])
    leaks = []

    for name, route, kwargs in other_routes():
        url = paper_world.url(name, route, kwargs)
        for query in ("", f"?q={SECRET.split()[0]}&search={SECRET.split()[0]}"):
            response = client.get(url + query)
            if response.status_code != 200:
                continue
            body = b"".join(response) if response.streaming else response.content
            if SECRET in body.decode(errors="replace"):
                leaks.append(name + (" (search)" if query else ""))

    assert leaks == []


def test_fixture_world_is_what_the_matrix_assumes(paper_world):
    paper = paper_world.paper
    assert paper.state == Submission.State.SUBMITTED
    assert set(
        Conflict.objects.filter(submission=paper, overridden=False).values_list(
            "user__email", flat=True
        )
    ) == {"cc@chairs2.org", "ca@chairs3.org", "cr@rev2.org", "br@rev3.org"}
    assert Deadline.objects.filter(conference=paper_world.conference).count() == 3
