"""The site root and the public conference pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from conference.models import Deadline
from tests.factories import ConferenceFactory, DeadlineFactory

pytestmark = pytest.mark.django_db


def with_submission_deadline(short_name, days):
    conference = ConferenceFactory(short_name=short_name)
    DeadlineFactory(
        conference=conference,
        kind=Deadline.Kind.SUBMISSION,
        local_date=date.today() + timedelta(days=days),
    )
    return conference


def test_home_lists_open_calls_first_soonest_first(client):
    with_submission_deadline("Closed 2024", days=-30)
    ConferenceFactory(short_name="No dates yet")
    with_submission_deadline("Open later", days=20)
    with_submission_deadline("Open soon", days=3)

    response = client.get(reverse("home"))

    names = [c.short_name for c in response.context["conferences"]]
    assert names == ["Open soon", "Open later", "No dates yet", "Closed 2024"]
    html = response.content.decode()
    assert html.count('<span class="badge ok">Call open</span>') == 2
    assert html.count('<span class="badge">Call closed</span>') == 2


def test_home_without_conferences_says_how_to_add_one(client):
    response = client.get(reverse("home"))

    assert "No conferences yet." in response.content.decode()


@pytest.mark.parametrize("rows", [1, 25])
def test_home_query_count_is_constant(client, rows, django_assert_max_num_queries):
    for index in range(rows):
        with_submission_deadline(f"WS {index}", days=index - 5)

    with django_assert_max_num_queries(3):
        response = client.get(reverse("home"))

    assert len(response.context["conferences"]) == rows


def test_conference_page_shows_tracks_dates_and_topics(client):
    conference = with_submission_deadline("SCOPE", days=7)

    html = client.get(reverse("conference:home", args=[conference.slug])).content.decode()

    assert '<strong>Tiny paper track</strong> <span class="badge info">2 pages</span>' in html
    assert '<strong>Main paper track</strong> <span class="badge info">5 pages</span>' in html
    assert '<strong class="deadline-label">Paper submission</strong>' in html
    assert "<li>Mixture of experts</li>" in html


def test_unknown_conference_is_404(client):
    assert client.get("/no-such-venue/").status_code == 404
    assert client.get("/no-such-venue/dates/").status_code == 404


def conference_with_rows(rows):
    """A conference with `rows` tracks, topics, deadlines (up to one per kind) and sessions."""
    conference = ConferenceFactory(with_tracks=False)
    for index in range(rows):
        conference.tracks.create(
            name=f"Track {index}", body_page_limit=4, camera_ready_page_limit=5
        )
        conference.topics.create(name=f"Topic {index}", order=index)
    for index, kind in enumerate(Deadline.Kind.values[:rows]):
        DeadlineFactory(conference=conference, kind=kind, days=index + 1)
    return conference


@pytest.mark.parametrize("rows", [1, 5])
@pytest.mark.parametrize("page", ["conference:home", "conference:deadlines"])
def test_public_conference_pages_query_count_is_constant(
    client, rows, page, django_assert_max_num_queries
):
    conference = conference_with_rows(rows)

    with django_assert_max_num_queries(6):
        response = client.get(reverse(page, args=[conference.slug]))

    assert response.content.decode().count('class="deadline"') >= rows
