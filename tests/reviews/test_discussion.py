from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.models import OutgoingEmail
from reviews import discussion
from reviews.models import Comment
from tests.factories import SubmissionFactory, make_chair
from tests.reviews.reviewing_support import ReviewFactory, conflict, make_scene

pytestmark = pytest.mark.django_db


def comment_url(scene):
    return reverse("reviews:comment", args=[scene.conference.slug, scene.paper.number])


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("assigned reviewer", True),
        ("conflicted assigned reviewer", False),
        ("unassigned reviewer", False),
        ("chair", True),
        ("conflicted chair", False),
        ("author", False),
    ],
)
def test_who_may_post_to_discussion(client, role, allowed):
    scene = make_scene()
    user = {
        "assigned reviewer": scene.reviewers[0],
        "conflicted assigned reviewer": scene.reviewers[0],
        "unassigned reviewer": scene.outsider,
        "chair": scene.chair,
        "conflicted chair": scene.chair,
        "author": scene.author,
    }[role]
    if role.startswith("conflicted"):
        conflict(user, scene.paper)
    client.force_login(user)
    response = client.post(comment_url(scene), {"body": "Thoughts?"})
    assert response.status_code == (302 if allowed else 404)
    assert Comment.objects.count() == (1 if allowed else 0)


def test_comment_redirects_back_to_the_posters_page(client):
    scene = make_scene()
    client.force_login(scene.chair)
    response = client.post(comment_url(scene), {"body": "Chair here"})
    assert (
        response.url
        == reverse("reviews:chair_paper", args=[scene.conference.slug, scene.paper.number])
        + "#discussion"
    )
    client.force_login(scene.reviewers[0])
    response = client.post(comment_url(scene), {"body": "Reviewer here"})
    assert (
        response.url
        == reverse("reviews:review", args=[scene.conference.slug, scene.paper.number])
        + "#discussion"
    )


def test_empty_comment_is_refused_and_long_comment_kept_for_retry(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    response = client.post(comment_url(scene), {"body": "   "})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    long_text = "x" * (discussion.MAX_COMMENT_CHARS + 1)
    response = client.post(comment_url(scene), {"body": long_text})
    assert response.status_code == 400
    assert "Split it into two comments" in response.content.decode()
    assert long_text in response.content.decode()
    assert Comment.objects.count() == 0


def test_discussion_shows_letters_to_reviewers_and_names_to_chairs(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[1])
    Comment.objects.create(submission=scene.paper, author=scene.reviewers[1], body="I *disagree*.")
    Comment.objects.create(
        submission=scene.paper, author=scene.chair, body="<script>alert(1)</script>Please converge."
    )
    client.force_login(scene.reviewers[0])
    body = client.get(
        reverse("reviews:review", args=[scene.conference.slug, scene.paper.number])
    ).content.decode()
    assert "<strong>Reviewer B</strong>" in body
    assert "<em>disagree</em>" in body
    assert "<strong>Program chair</strong>" in body
    assert scene.reviewers[1].full_name not in body
    assert "<script>alert(1)" not in body
    client.force_login(scene.chair)
    body = client.get(
        reverse("reviews:chair_paper", args=[scene.conference.slug, scene.paper.number])
    ).content.decode()
    assert f"Reviewer B ({scene.reviewers[1].full_name})" in body


def test_participants_are_assigned_reviewers_and_chairs_without_conflict_or_authorship():
    scene = make_scene(reviewers=2)
    conflict(scene.reviewers[1], scene.paper)
    conflicted_chair = make_chair(scene.conference)
    conflict(conflicted_chair, scene.paper)
    authoring_chair = make_chair(scene.conference)
    paper = SubmissionFactory(conference=scene.conference, authors=[authoring_chair])
    assert set(discussion.participants(scene.paper)) == {
        scene.reviewers[0],
        scene.chair,
        authoring_chair,
    }
    assert authoring_chair not in set(discussion.participants(paper))


def at(hour, minute=0):
    return datetime(2025, 2, 20, hour, minute, tzinfo=UTC)


def test_digest_once_per_hour_per_person_after_the_hour_ends():
    scene = make_scene(reviewers=2)
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    writer, reader = scene.reviewers
    with time_machine.travel(at(10, 5), tick=False):
        Comment.objects.create(submission=scene.paper, author=writer, body="First point.")
    with time_machine.travel(at(10, 40), tick=False):
        Comment.objects.create(submission=scene.paper, author=writer, body="Second point.")
    assert discussion.send_discussion_digests(now=at(10, 50)) == 0
    assert discussion.send_discussion_digests(now=at(11, 2)) == 0  # grace for late commits
    assert discussion.send_discussion_digests(now=at(11, 10)) == 2
    assert discussion.send_discussion_digests(now=at(11, 20)) == 0
    emails = {e.to[0]: e for e in OutgoingEmail.objects.all()}
    assert set(emails) == {reader.email, scene.chair.email}
    to_reader = emails[reader.email]
    assert to_reader.dedupe_key == f"discussion:{reader.pk}:2025022010"
    assert "First point." in to_reader.text_body and "Second point." in to_reader.text_body
    assert "Reviewer A, 2025-02-20 10:05 UTC" in to_reader.text_body
    assert writer.full_name not in to_reader.text_body
    assert f"Reviewer A ({writer.full_name})" in emails[scene.chair.email].text_body
    assert f"/reviewing/{scene.paper.number}/#discussion" in to_reader.text_body

    with time_machine.travel(at(11, 15), tick=False):
        Comment.objects.create(submission=scene.paper, author=reader, body="Reply.")
    assert discussion.send_discussion_digests(now=at(12, 6)) == 2
    keys = set(OutgoingEmail.objects.values_list("dedupe_key", flat=True))
    assert f"discussion:{writer.pk}:2025022011" in keys
    assert f"discussion:{reader.pk}:2025022011" not in keys  # nobody hears of their own comment


def test_digest_catches_up_after_missed_sweeps_without_duplicates():
    scene = make_scene(reviewers=2)
    with time_machine.travel(at(8, 30), tick=False):
        Comment.objects.create(submission=scene.paper, author=scene.reviewers[0], body="Early.")
    with time_machine.travel(at(9, 30), tick=False):
        Comment.objects.create(submission=scene.paper, author=scene.reviewers[0], body="Later.")
    assert discussion.send_discussion_digests(now=at(11, 10)) == 4
    assert discussion.send_discussion_digests(now=at(11, 30)) == 0
    assert OutgoingEmail.objects.filter(to=[scene.reviewers[1].email]).count() == 2
