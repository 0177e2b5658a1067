import csv
import io
import math

import pytest
from django.urls import reverse

from reviews.dashboard import TableFilters, paper_table
from reviews.models import Decision, Review
from submissions.models import Submission
from tests.factories import SubmissionFactory, UserFactory
from tests.reviews.reviewing_support import (
    AssignmentFactory,
    ReviewFactory,
    conflict,
    decide,
    make_scene,
)

pytestmark = pytest.mark.django_db


def dashboard_url(scene, query=""):
    return reverse("reviews:chair_dashboard", args=[scene.conference.slug]) + query


def scored_scene():
    """One paper with three submitted reviews (4/2, 8/4, 6/3) and one draft (1/5)."""
    scene = make_scene(reviewers=4)
    for reviewer, rating, confidence, oral in zip(
        scene.reviewers[:3], (4, 8, 6), (2, 4, 3), (False, True, False), strict=True
    ):
        ReviewFactory(
            submission=scene.paper,
            reviewer=reviewer,
            rating=rating,
            confidence=confidence,
            recommend_oral=oral,
            nominate_best_paper=rating == 8,
        )
    ReviewFactory(
        submission=scene.paper,
        reviewer=scene.reviewers[3],
        state=Review.State.DRAFT,
        rating=1,
        confidence=5,
    )
    return scene


def test_statistics_count_submitted_reviews_only():
    scene = scored_scene()
    paper = paper_table(scene.chair, scene.conference, TableFilters()).get()
    assert (paper.reviews_in, paper.reviews_expected) == (3, 4)
    assert (paper.rating_mean, paper.rating_min, paper.rating_max) == (6.0, 4, 8)
    assert math.isclose(paper.rating_sd, math.sqrt(8 / 3), rel_tol=1e-9)
    assert math.isclose(paper.weighted_mean, 58 / 9, rel_tol=1e-9)
    assert (paper.oral_votes, paper.nominations) == (1, 1)


def test_paper_without_reviews_has_empty_statistics():
    scene = make_scene(reviewers=2)
    paper = paper_table(scene.chair, scene.conference, TableFilters()).get()
    assert (paper.reviews_in, paper.reviews_expected, paper.rating_mean, paper.rating_sd) == (
        0,
        2,
        None,
        None,
    )
    assert paper.weighted_mean is None


def test_dashboard_excludes_conflicted_authored_and_draft_papers(client):
    scene = make_scene(reviewers=0)
    conflicted = SubmissionFactory(conference=scene.conference, title="CONFLICTED-PAPER")
    conflict(scene.chair, conflicted)
    SubmissionFactory(conference=scene.conference, title="CHAIRS-OWN", authors=[scene.chair])
    SubmissionFactory(conference=scene.conference, title="A-DRAFT", state=Submission.State.DRAFT)
    client.force_login(scene.chair)
    body = client.get(dashboard_url(scene)).content.decode()
    assert scene.paper.title in body
    for hidden in ("CONFLICTED-PAPER", "CHAIRS-OWN", "A-DRAFT"):
        assert hidden not in body
    assert "1 paper you handle" in body


@pytest.mark.parametrize("role", ["reviewer", "author", "anonymous"])
def test_dashboard_is_for_chairs_only(client, role):
    scene = make_scene()
    if role != "anonymous":
        client.force_login(scene.reviewers[0] if role == "reviewer" else scene.author)
    response = client.get(dashboard_url(scene))
    assert response.status_code == (302 if role == "anonymous" else 404)


def test_dashboard_filters_search_and_sort(client):
    scene = scored_scene()
    low = SubmissionFactory(
        conference=scene.conference, title="Sparse routing", first_author_student=True
    )
    ReviewFactory(submission=low, reviewer=UserFactory(), rating=2, confidence=5)
    other_track = scene.conference.tracks.exclude(pk=scene.paper.track_id).first()
    undecided = SubmissionFactory(
        conference=scene.conference, title="Other track", track=other_track
    )
    decide(low, Decision.Outcome.REJECT)

    def numbers(query):
        papers = paper_table(
            scene.chair,
            scene.conference,
            TableFilters.from_query(query, track_ids={t.pk for t in scene.conference.tracks.all()}),
        )
        return [p.number for p in papers]

    assert numbers({"sort": "mean", "dir": "desc"}) == [
        scene.paper.number,
        low.number,
        undecided.number,
    ]
    assert numbers({"sort": "mean"}) == [low.number, scene.paper.number, undecided.number]
    assert numbers({"q": "sparse"}) == [low.number]
    assert numbers({"q": f"#{undecided.number}"}) == [undecided.number]
    assert numbers({"track": str(other_track.pk)}) == [undecided.number]
    assert numbers({"decision": "reject"}) == [low.number]
    assert numbers({"decision": "none"}) == [scene.paper.number, undecided.number]
    assert numbers({"student": "1"}) == [low.number]
    assert numbers({"needs": "missing"}) == [scene.paper.number]
    assert numbers({"state": "rejected"}) == [low.number]
    # Unknown values are ignored rather than failing.
    assert numbers({"sort": "password", "track": "999", "decision": "maybe"}) == [
        scene.paper.number,
        low.number,
        undecided.number,
    ]


def test_dashboard_page_shows_statistics_and_plots(client):
    scene = scored_scene()
    decide(scene.paper, Decision.Outcome.ACCEPT_ORAL)
    client.force_login(scene.chair)
    body = client.get(dashboard_url(scene)).content.decode()
    assert ">3/4<" in body
    assert ">6.00<" in body
    assert ">6.44<" in body
    assert "Accept (oral)" in body
    plots_url = reverse("reviews:chair_plots", args=[scene.conference.slug])
    assert f'hx-get="{plots_url}" hx-trigger="load"' in body
    plots = client.get(plots_url).content.decode()
    assert plots.count("<svg") == 3
    assert "Ratings by track" in plots and "Decisions by track" in plots
    assert "<title>8: 1</title>" in plots  # one review rated 8 (single track: no legend)


def make_papers(scene, count):
    """`count` more papers, each with two submitted reviews and a decision, in bulk."""
    track = scene.paper.track
    reviewers = [UserFactory() for _ in range(2)]
    papers = Submission.objects.bulk_create(
        Submission(
            conference=scene.conference,
            number=1000 + n,
            track=track,
            title=f"Bulk paper {n}",
            abstract="x",
            state=Submission.State.ACCEPTED,
            created_by=scene.author,
        )
        for n in range(count)
    )
    Review.objects.bulk_create(
        Review(submission=p, reviewer=r, state="submitted", rating=5, confidence=3)
        for p in papers
        for r in reviewers
    )
    Decision.objects.bulk_create(Decision(submission=p, outcome="accept_poster") for p in papers)
    return papers


@pytest.mark.parametrize("extra_papers", [0, 999])
def test_dashboard_query_count_is_constant(client, django_assert_max_num_queries, extra_papers):
    scene = scored_scene()
    make_papers(scene, extra_papers)
    client.force_login(scene.chair)
    with django_assert_max_num_queries(12):
        response = client.get(dashboard_url(scene, "?sort=mean&dir=desc"))
    assert f"{1 + extra_papers} paper" in response.content.decode()


@pytest.mark.parametrize("extra_papers", [0, 999])
def test_plots_query_count_is_constant(client, django_assert_max_num_queries, extra_papers):
    scene = scored_scene()
    make_papers(scene, extra_papers)
    client.force_login(scene.chair)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reviews:chair_plots", args=[scene.conference.slug]))
    assert response.content.decode().count("<figcaption>") == 3


@pytest.mark.parametrize("role", ["reviewer", "author"])
def test_plots_and_export_are_for_chairs_only(client, role):
    scene = scored_scene()
    client.force_login(scene.reviewers[0] if role == "reviewer" else scene.author)
    for name in ("reviews:chair_plots", "reviews:chair_export"):
        assert client.get(reverse(name, args=[scene.conference.slug])).status_code == 404


@pytest.mark.parametrize("extra_papers", [0, 999])
def test_csv_export_query_count_is_constant(client, django_assert_max_num_queries, extra_papers):
    scene = scored_scene()
    make_papers(scene, extra_papers)
    client.force_login(scene.chair)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reviews:chair_export", args=[scene.conference.slug]))
        content = b"".join(response.streaming_content).decode()
    assert len(content.strip().splitlines()) == 2 + extra_papers


def test_csv_export_rows_exclude_conflicts_and_escape_formulas(client):
    scene = scored_scene()
    decide(scene.paper, Decision.Outcome.ACCEPT_ORAL, best_paper=True)
    Submission.objects.filter(pk=scene.paper.pk).update(title='=HYPERLINK("x")')
    conflicted = SubmissionFactory(conference=scene.conference, title="CONFLICTED-PAPER")
    conflict(scene.chair, conflicted)
    client.force_login(scene.chair)
    response = client.get(reverse("reviews:chair_export", args=[scene.conference.slug]))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{scene.conference.slug}-papers.csv"'
    )
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == '\'=HYPERLINK("x")'
    assert (row["reviews_in"], row["reviews_expected"], row["rating_mean"], row["rating_sd"]) == (
        "3",
        "4",
        "6.00",
        "1.63",
    )
    assert (row["weighted_mean"], row["decision"], row["best_paper"], row["oral_votes"]) == (
        "6.44",
        "accept_oral",
        "yes",
        "1",
    )
    assert "CONFLICTED-PAPER" not in content
    assert "CONFIDENTIAL" not in content


def test_csv_export_follows_dashboard_filter(client):
    scene = scored_scene()
    SubmissionFactory(conference=scene.conference, title="Sparse routing")
    client.force_login(scene.chair)
    url = reverse("reviews:chair_export", args=[scene.conference.slug]) + "?q=sparse"
    content = b"".join(client.get(url).streaming_content).decode()
    assert [row["title"] for row in csv.DictReader(io.StringIO(content))] == ["Sparse routing"]


def test_plots_ignore_conflicted_papers():
    from reviews.dashboard import chart_data

    scene = scored_scene()
    conflicted = SubmissionFactory(conference=scene.conference, track=scene.paper.track)
    ReviewFactory(submission=conflicted, reviewer=UserFactory(), rating=1)
    conflict(scene.chair, conflicted)
    ratings, per_day, decided = chart_data(scene.chair, scene.conference)
    track = scene.paper.track.name
    assert ratings == [(track, 4, 1), (track, 6, 1), (track, 8, 1)]
    assert [n for _day, n in per_day] == [3]
    assert decided == []


def test_expected_reviews_count_every_assignment():
    scene = make_scene(reviewers=1)
    extra = UserFactory()
    AssignmentFactory(submission=scene.paper, reviewer=extra)
    paper = paper_table(scene.chair, scene.conference, TableFilters()).get()
    assert paper.reviews_expected == 2
