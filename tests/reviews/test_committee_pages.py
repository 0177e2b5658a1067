"""Chair pages of committee work: who may open them, constant queries on every list, job progress
for htmx polling, and affinity computed and stored."""

import pytest
from django.urls import reverse

from accounts.models import Publication
from conference.models import CommitteeMembership
from reviews.affinity_sync import compute_conference_affinity
from reviews.models import Affinity, BackgroundJob, Conflict
from tests.factories import (
    ConferenceFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.committee_support import paper_by

pytestmark = pytest.mark.django_db

CHAIR_PAGES = [
    "reviews:committee",
    "reviews:committee_invite",
    "reviews:committee_import",
    "reviews:conflicts",
    "reviews:affinity",
    "reviews:assignment_runs",
    "reviews:assignments",
]


@pytest.fixture
def conference():
    return ConferenceFactory(slug="scope")


@pytest.mark.parametrize("page", CHAIR_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("chair", 200), ("reviewer", 404), ("outsider", 404), ("anonymous", 302)],
)
def test_chair_page_permission_table(client, conference, page, role, expected):
    users = {
        "chair": lambda: make_chair(conference),
        "reviewer": lambda: make_reviewer(conference),
        "outsider": UserFactory,
    }
    if role != "anonymous":
        client.force_login(users[role]())

    response = client.get(reverse(page, args=[conference.slug]))

    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("account_login"))


def test_bids_page_is_for_accepted_reviewers_only(client, conference):
    invited = make_reviewer(conference, status=CommitteeMembership.Status.INVITED)
    client.force_login(invited)

    response = client.get(reverse("reviews:bids", args=[conference.slug]))

    assert response.status_code == 404


def many_papers_and_conflicts(conference, count):
    reviewers = [make_reviewer(conference, user__email=f"r{n}@uni{n}.edu") for n in range(3)]
    for number in range(1, count + 1):
        paper = paper_by(conference, name=f"A{number}", email=f"a{number}@x.org", number=number)
        for reviewer in reviewers:
            Conflict.objects.create(submission=paper, user=reviewer, kind="institutional")
            Affinity.objects.create(submission=paper, reviewer=reviewer, score=0.5)
    return reviewers


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("page", ["reviews:conflicts", "reviews:affinity", "reviews:committee"])
def test_chair_list_pages_queries_stay_constant(
    client, conference, django_assert_max_num_queries, page, count
):
    many_papers_and_conflicts(conference, count)
    client.force_login(make_chair(conference, user__email="chair@chairs.org"))

    with django_assert_max_num_queries(14):
        response = client.get(reverse(page, args=[conference.slug]))

    html = response.content.decode()
    rows = {
        "reviews:conflicts": min(count * 3, 100),
        "reviews:affinity": min(count, 25),
        "reviews:committee": 4,
    }[page]
    marker = {
        "reviews:conflicts": '<tr id="conflict-',
        "reviews:affinity": '<span class="pill">',
        "reviews:committee": 'class="load-cap"',
    }[page]
    assert html.count(marker) == (rows * 3 if page == "reviews:affinity" else rows)


def test_conflicts_page_filters_by_kind_and_overrides_with_reason(client, conference):
    chair = make_chair(conference, user__email="chair@chairs.org")
    reviewer = make_reviewer(conference, user__email="r@uni.edu")
    paper = paper_by(conference, name="A", email="a@x.org", number=1, title="First")
    other = paper_by(conference, name="B", email="b@x.org", number=2, title="Second")
    institutional = Conflict.objects.create(
        submission=paper, user=reviewer, kind="institutional", evidence="Both at Uni."
    )
    Conflict.objects.create(submission=other, user=reviewer, kind="coauthor", evidence="Paper X.")
    client.force_login(chair)
    url = reverse("reviews:conflicts", args=[conference.slug])

    filtered = client.get(url + "?kind=coauthor").content.decode()
    refused = client.post(
        reverse("reviews:conflict_override", args=[conference.slug, institutional.pk]),
        {"reason": ""},
        follow=True,
    )
    done = client.post(
        reverse("reviews:conflict_override", args=[conference.slug, institutional.pk]),
        {"reason": "Different campuses."},
        follow=True,
    )

    assert "Paper X." in filtered
    assert "Both at Uni." not in filtered
    assert "Nothing changed: give a reason" in refused.content.decode()
    assert "overridden: it no longer blocks" in done.content.decode()
    institutional.refresh_from_db()
    assert (institutional.overridden, institutional.override_reason) == (
        True,
        "Different campuses.",
    )


def test_add_conflict_view_shows_form_errors_and_adds(client, conference):
    chair = make_chair(conference, user__email="chair@chairs.org")
    reviewer = make_reviewer(conference, user__email="r@uni.edu")
    paper = paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(chair)
    url = reverse("reviews:conflict_add", args=[conference.slug])

    invalid = client.post(url, {"submission": paper.pk, "person": reviewer.pk, "reason": ""})
    added = client.post(
        url, {"submission": paper.pk, "person": reviewer.pk, "reason": "Roommates."}, follow=True
    )

    assert "Give a reason; it is kept in the audit log." in invalid.content.decode()
    assert f"{reviewer} now has a conflict with paper #1." in added.content.decode()
    assert Conflict.objects.get().kind == "chair_added"


def test_job_progress_polls_while_running_and_reloads_when_done(client, conference):
    client.force_login(make_chair(conference))
    job = BackgroundJob.objects.create(
        conference=conference, kind="affinity", status="running", progress=0.4, message="Half"
    )
    url = reverse("reviews:job", args=[conference.slug, job.pk])

    running = client.get(url + "?reload=1")
    job.status = "done"
    job.progress = 1.0
    job.save()
    done = client.get(url + "?reload=1")

    html = running.content.decode()
    assert f'hx-get="{url}?reload=1" hx-trigger="every 1s"' in html
    assert '<progress max="1" value="0.400"' in html
    assert "40% · Half" in html
    assert "HX-Refresh" not in running
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_job_of_another_conference_is_404(client, conference):
    client.force_login(make_chair(conference))
    job = BackgroundJob.objects.create(conference=ConferenceFactory(), kind="affinity")

    response = client.get(reverse("reviews:job", args=[conference.slug, job.pk]))

    assert response.status_code == 404


def test_affinity_is_computed_stored_and_upserted(conference):
    topic = conference.topics.first()
    expert = make_reviewer(conference, user__email="e@uni.edu", user__keywords="mixture of experts")
    expert.topics.add(topic)
    Publication.objects.create(user=expert, title="Sparse mixture of experts routing", year=2024)
    novice = make_reviewer(conference, user__email="n@uni.edu", user__keywords="databases")
    paper = paper_by(conference, name="A", email="a@x.org", number=1, title="Routing experts")
    paper.abstract = "Mixture of experts routing with learned capacity."
    paper.save()
    paper.topics.add(topic)

    counts = compute_conference_affinity(conference=conference)
    first = dict(Affinity.objects.values_list("reviewer__email", "score"))
    expert.topics.clear()
    expert.publications.all().delete()
    expert.keywords = "databases"
    expert.save()
    compute_conference_affinity(conference=conference)

    assert counts["papers"] == 1 and counts["reviewers"] == 2
    assert first["e@uni.edu"] > 0.3
    assert "n@uni.edu" not in first
    assert Affinity.objects.filter(reviewer=novice).count() == 0
    assert not Affinity.objects.filter(reviewer=expert).exists()


def test_affinity_page_starts_a_job(client, conference, django_capture_on_commit_callbacks):
    make_reviewer(conference, user__email="e@uni.edu", user__keywords="attention")
    paper_by(conference, name="A", email="a@x.org", number=1)
    client.force_login(make_chair(conference, user__email="chair@chairs.org"))

    url = reverse("reviews:affinity", args=[conference.slug])

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    page = client.get(url).content.decode()

    job = BackgroundJob.objects.get()
    assert started.url == url
    assert (job.kind, job.status, job.message) == (
        "affinity",
        "done",
        "Scored 1 paper against 1 reviewer.",
    )
    assert "Scored 1 paper against 1 reviewer." in page
