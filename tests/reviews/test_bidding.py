"""Bidding: what reviewers see (never authors, never conflicted papers), one-click htmx saves,
the bidding deadline, and a constant number of queries at 1,000 papers."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from conference.models import AOE, Deadline
from reviews.models import Affinity, Bid, Conflict
from submissions.models import Authorship, Submission
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.committee_support import paper_by, reviewer_at

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def conference():
    return ConferenceFactory(slug="scope")


@pytest.fixture
def reviewer(conference):
    user = reviewer_at(conference, "Carnegie Mellon University", "cmu.edu", user__email="r@cmu.edu")
    user.keywords = "linear attention"
    user.save()
    return user


def bids_url(conference):
    return reverse("reviews:bids", args=[conference.slug])


def bid_url(paper):
    return reverse("reviews:bid_save", args=[paper.conference.slug, paper.number])


def test_bidding_page_hides_authors_conflicted_and_own_papers(client, conference, reviewer):
    visible = paper_by(conference, name="Zelda Quintessa", email="zq@oxford.ac.uk", number=1)
    visible.title = "Sub-quadratic routing"
    visible.save()
    conflicted = paper_by(
        conference, name="Yolanda Vexley", email="yv@cmu.edu", number=2, title="Secret A"
    )
    Conflict.objects.create(submission=conflicted, user=reviewer, kind="institutional")
    SubmissionFactory(conference=conference, authors=[reviewer], number=3, title="Own paper B")
    SubmissionFactory(
        conference=conference, number=4, title="Draft C", state=Submission.State.DRAFT
    )
    client.force_login(reviewer)

    page = client.get(bids_url(conference)).content.decode()

    assert "#1 Sub-quadratic routing" in page
    for hidden in ("Secret A", "Own paper B", "Draft C"):
        assert hidden not in page
    for author in Authorship.objects.exclude(user=reviewer):
        assert author.name not in page
        assert author.email not in page
    assert "<strong>1</strong> of 1 paper without your bid" in page


def test_bidding_page_asks_for_a_complete_profile_first(client, conference):
    reviewer = make_reviewer(conference)
    paper_by(conference, name="A", email="a@x.org", number=1, title="Hidden until profile")
    client.force_login(reviewer)

    page = client.get(bids_url(conference)).content.decode()
    response = client.post(bid_url(Submission.objects.get()), {"value": "2"}, **HTMX)

    assert "First, complete your profile" in page
    assert f'href="{reverse("accounts:profile")}"' in page
    assert "Hidden until profile" not in page
    assert "Complete your profile first" in response.content.decode()
    assert Bid.objects.count() == 0


def test_bidding_page_sorts_by_affinity_by_default(client, conference, reviewer):
    low = paper_by(conference, name="A", email="a@x.org", number=1, title="Low match")
    high = paper_by(conference, name="B", email="b@x.org", number=2, title="High match")
    paper_by(conference, name="C", email="c@x.org", number=3, title="No match yet")
    Affinity.objects.create(submission=low, reviewer=reviewer, score=0.1)
    Affinity.objects.create(submission=high, reviewer=reviewer, score=0.9)
    client.force_login(reviewer)

    page = client.get(bids_url(conference)).content.decode()
    by_number = client.get(bids_url(conference) + "?order=number").content.decode()

    assert page.index("High match") < page.index("Low match") < page.index("No match yet")
    assert by_number.index("Low match") < by_number.index("High match")
    assert "match 0.90" in page


def test_htmx_bid_saves_and_returns_the_updated_row(client, conference, reviewer):
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(reviewer)

    first = client.post(bid_url(paper), {"value": "1"}, **HTMX)
    second = client.post(bid_url(paper), {"value": "2"}, **HTMX)

    html = second.content.decode()
    assert "<strong>0</strong> of 1 paper without your bid · Eager: 1 ·" in html
    assert 'id="bid-summary" hx-swap-oob="true"' in html
    assert html.lstrip().startswith(f'<article class="bid-row has-bid" id="paper-{paper.pk}">')
    assert 'value="2" class="bid bid-1 chosen" aria-pressed="true"' in html
    assert 'value="1" class="bid bid-2" aria-pressed="false"' in html
    assert "Saved" in first.content.decode()
    assert list(Bid.objects.values_list("reviewer", "submission", "value")) == [
        (reviewer.pk, paper.pk, 2)
    ]


def test_plain_post_redirects_back_to_the_paper(client, conference, reviewer):
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(reviewer)

    response = client.post(bid_url(paper), {"value": "0"})

    assert response.url == bids_url(conference) + f"#paper-{paper.pk}"
    assert Bid.objects.get().value == Bid.Value.IN_A_PINCH


def test_conflict_bid_declares_a_conflict_and_hides_the_paper(client, conference, reviewer):
    paper = paper_by(conference, name="A", email="a@x.org", number=1, title="Friend's paper")
    client.force_login(reviewer)

    response = client.post(bid_url(paper), {"value": "-2"}, **HTMX)
    page = client.get(bids_url(conference)).content.decode()
    again = client.post(bid_url(paper), {"value": "2"}, **HTMX)

    assert "you declared a conflict with this paper" in response.content.decode()
    conflict = Conflict.objects.get()
    assert (conflict.user, conflict.kind, conflict.source) == (
        reviewer,
        "reviewer_declared",
        "reviewer",
    )
    assert "Friend's paper" not in page
    assert again.status_code == 404
    assert Bid.objects.get().value == Bid.Value.CONFLICT


def test_invalid_bid_value_is_reported_in_the_row(client, conference, reviewer):
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(reviewer)

    response = client.post(bid_url(paper), {"value": "7"}, **HTMX)

    assert "Choose one of the bid buttons." in response.content.decode()
    assert Bid.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [("reviewer", 302), ("chair", 404), ("outsider", 404), ("author", 404)],
)
def test_bid_permission_table(client, conference, reviewer, role, expected):
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    users = {
        "reviewer": reviewer,
        "chair": make_chair(conference),
        "outsider": UserFactory(),
        "author": SubmissionFactory(conference=conference, number=2).created_by,
    }
    client.force_login(users[role])

    response = client.post(bid_url(paper), {"value": "1"})

    assert response.status_code == expected
    assert Bid.objects.count() == (1 if expected == 302 else 0)


# 23:59 AoE on 2025-03-01 is 2025-03-02 11:59:59 UTC.
BIDDING_DAY = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("instant", "saved"),
    [("2025-03-02 11:59:59.900+00:00", True), ("2025-03-02 12:00:00+00:00", False)],
)
def test_bidding_deadline_is_enforced_at_the_aoe_second(
    client, conference, reviewer, settings, instant, saved
):
    settings.TIME_ZONE = "Asia/Tokyo"
    Deadline.objects.create(
        conference=conference,
        kind=Deadline.Kind.BIDDING,
        local_date=BIDDING_DAY,
        local_time=time(23, 59),
        zone=AOE,
    )
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(reviewer)

    with time_machine.travel(instant, tick=False):
        response = client.post(bid_url(paper), {"value": "2"}, **HTMX)
        page = client.get(bids_url(conference)).content.decode()

    assert Bid.objects.exists() is saved
    if saved:
        assert "Saved" in response.content.decode()
        assert "Bidding is closed" not in page
    else:
        assert "Bidding closed at 2025-03-01 23:59 AoE; your bid was not saved." in (
            response.content.decode()
        )
        assert "Bidding is closed" in page
        assert 'class="bid bid-1" aria-pressed="false" disabled' in page


def make_papers(conference, count):
    track = conference.tracks.first()
    creator = UserFactory()
    start = Submission.objects.filter(conference=conference).count()
    papers = Submission.objects.bulk_create(
        Submission(
            conference=conference,
            number=start + n + 1,
            track=track,
            title=f"Bulk paper {n}",
            abstract="Attention.",
            state=Submission.State.SUBMITTED,
            created_by=creator,
        )
        for n in range(count)
    )
    topic = conference.topics.first()
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=p.pk, topic_id=topic.pk) for p in papers
    )
    Authorship.objects.bulk_create(
        Authorship(submission=p, order=1, name="Hidden Author", email=f"h{p.pk}@x.org")
        for p in papers
    )
    return papers


@pytest.mark.parametrize("count", [1, 1000])
def test_bidding_page_queries_stay_constant(
    client, conference, reviewer, django_assert_max_num_queries, count
):
    papers = make_papers(conference, count)
    Bid.objects.create(submission=papers[0], reviewer=reviewer, value=Bid.Value.EAGER)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.BIDDING)
    client.force_login(reviewer)

    with django_assert_max_num_queries(16):
        response = client.get(bids_url(conference))

    page = response.content.decode()
    assert page.count('<article class="bid-row') == count
    assert "Hidden Author" not in page
