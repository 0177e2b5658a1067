"""A double click on every create action has exactly one effect, whether the two requests come
one after the other or at the same moment from two threads. Two people saving the same thing
at once: the second is told, nothing is silently overwritten."""

import threading
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from conference.models import AuditEntry
from notifications.models import OutgoingEmail
from reviews.models import Decision, Review
from submissions.models import Submission
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.reviewing_support import AssignmentFactory, ReviewFactory


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def at_once(*calls):
    """Run the calls in threads released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def new_paper_form(conference, author, token):
    track = conference.tracks.get(name="Main paper track")
    return {
        "track": track.pk,
        "title": "Clicked twice",
        "action": "draft",
        "creation_token": token,
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
        "authors-0-name": author.full_name,
        "authors-0-email": author.email,
        "authors-0-is_contact": "on",
        "authors-0-ORDER": "1",
    }


def edit_form(paper, author, title):
    data = new_paper_form(paper.conference, author, "")
    del data["creation_token"]
    return {**data, "title": title, "version": str(paper.version), "track": paper.track_id}


@pytest.fixture
def conference(db):
    conference = ConferenceFactory()
    DeadlineFactory(conference=conference, days=7)
    return conference


def decision_form(outcome="accept_poster", version=0):
    return {"outcome": outcome, "note_to_authors": "", "version": str(version)}


def review_form(review):
    return {
        "summary": "Solid.",
        "strengths": "Clear.",
        "weaknesses": "Small.",
        "questions": "None.",
        "rating": "6",
        "confidence": "3",
        "recommend_oral": "no",
        "version": str(review.version),
    }


class TestOneAfterTheOther:
    pytestmark = pytest.mark.django_db

    def test_double_submit_new_paper_creates_one(self, conference):
        author = UserFactory()
        client = logged_in(author)
        url = reverse("submissions:create", args=[conference.slug])
        data = new_paper_form(conference, author, str(uuid.uuid4()))

        first, second = client.post(url, data), client.post(url, data)

        paper = Submission.objects.get()
        assert (first.status_code, second.status_code) == (302, 302)
        assert first.headers["Location"] == second.headers["Location"]
        assert AuditEntry.objects.filter(action="submission.create").count() == 1
        assert paper.title == "Clicked twice"

    def test_double_submit_review_submits_once(self, conference):
        reviewer = make_reviewer(conference)
        paper = SubmissionFactory(conference=conference)
        AssignmentFactory(submission=paper, reviewer=reviewer)
        client = logged_in(reviewer)
        url = reverse("reviews:review", args=[conference.slug, paper.number])
        client.get(url)
        data = review_form(Review.objects.get())

        first, second = client.post(url, data), client.post(url, data)

        assert (first.status_code, second.status_code) == (302, 409)
        assert AuditEntry.objects.filter(action__startswith="review.").count() == 1
        assert "saved in another tab" in second.content.decode()

    def test_double_submit_decision_is_saved_once_and_the_repeat_is_told(self, conference):
        chair = make_chair(conference)
        paper = SubmissionFactory(conference=conference)
        client = logged_in(chair)
        url = reverse("reviews:chair_paper", args=[conference.slug, paper.number])

        first, second = client.post(url, decision_form()), client.post(url, decision_form())

        assert (first.status_code, second.status_code) == (302, 409)
        assert Decision.objects.get(submission=paper).version == 1
        assert AuditEntry.objects.filter(action="decision.set").count() == 1

    def test_double_submit_release_sends_each_decision_email_once(
        self, conference, django_capture_on_commit_callbacks
    ):
        chair = make_chair(conference)
        for outcome in ("accept_poster", "reject"):
            paper = SubmissionFactory(conference=conference)
            logged_in(chair).post(
                reverse("reviews:chair_paper", args=[conference.slug, paper.number]),
                decision_form(outcome),
            )
        client = logged_in(chair)
        url = reverse("reviews:release", args=[conference.slug])
        data = {"action": "release", "confirm": "yes"}

        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(url, data)
        released_at = Submission.objects.first().conference.decisions_released_at
        with django_capture_on_commit_callbacks(execute=True):
            second = client.post(url, data)

        conference.refresh_from_db()
        assert (first.status_code, second.status_code) == (302, 302)
        assert conference.decisions_released_at == released_at
        assert OutgoingEmail.objects.filter(dedupe_key__startswith="decision:").count() == 2
        assert AuditEntry.objects.filter(action="decisions.release").count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class TestAtTheSameMoment:
    def test_concurrent_double_submit_new_paper_creates_one(self, conference):
        author = UserFactory()
        url = reverse("submissions:create", args=[conference.slug])
        data = new_paper_form(conference, author, str(uuid.uuid4()))
        clients = [logged_in(author), logged_in(author)]

        responses = at_once(*(lambda c=c: c.post(url, data) for c in clients))

        assert [r.status_code for r in responses] == [302, 302]
        assert Submission.objects.count() == 1

    def test_concurrent_co_authors_saving_the_same_paper_second_is_told(self, conference):
        author, coauthor = UserFactory(), UserFactory()
        paper = SubmissionFactory(
            conference=conference, created_by=author, authors=[author, coauthor], state="draft"
        )
        url = reverse("submissions:edit", args=[conference.slug, paper.number])
        clients = {author: logged_in(author), coauthor: logged_in(coauthor)}

        def save(person):
            data = edit_form(paper, author, f"Title by {person.full_name}")
            data.update(
                {
                    "authors-TOTAL_FORMS": "2",
                    "authors-1-name": coauthor.full_name,
                    "authors-1-email": coauthor.email,
                    "authors-1-ORDER": "2",
                }
            )
            return clients[person].post(url, data)

        responses = at_once(lambda: save(author), lambda: save(coauthor))

        paper.refresh_from_db()
        statuses = sorted(r.status_code for r in responses)
        refused = next(r for r in responses if r.status_code == 200)
        assert statuses == [200, 302]
        assert "A co-author saved this paper after you opened the form" in refused.content.decode()
        assert paper.version == 2
        assert paper.title in (f"Title by {author.full_name}", f"Title by {coauthor.full_name}")

    def test_concurrent_chairs_deciding_the_same_paper_second_is_told(self, conference):
        chairs = [make_chair(conference), make_chair(conference)]
        paper = SubmissionFactory(conference=conference)
        ReviewFactory(submission=paper)
        url = reverse("reviews:chair_paper", args=[conference.slug, paper.number])
        clients = [logged_in(chair) for chair in chairs]

        responses = at_once(
            lambda: clients[0].post(url, decision_form("accept_oral")),
            lambda: clients[1].post(url, decision_form("reject")),
        )

        decision = Decision.objects.get(submission=paper)
        statuses = sorted(r.status_code for r in responses)
        refused = next(r for r in responses if r.status_code == 409)
        assert statuses == [302, 409]
        assert decision.version == 1
        assert "changed this decision" in refused.content.decode()
        assert AuditEntry.objects.filter(action="decision.set").count() == 1

    def test_concurrent_double_submit_comment_posts_once(self, conference):
        reviewer = make_reviewer(conference)
        paper = SubmissionFactory(conference=conference)
        AssignmentFactory(submission=paper, reviewer=reviewer)
        url = reverse("reviews:comment", args=[conference.slug, paper.number])
        clients = [logged_in(reviewer), logged_in(reviewer)]

        at_once(*(lambda c=c: c.post(url, {"body": "Agreed."}) for c in clients))

        assert paper.comments.count() == 1

    def test_concurrent_double_submit_review_submits_once(self, conference):
        reviewer = make_reviewer(conference)
        paper = SubmissionFactory(conference=conference)
        AssignmentFactory(submission=paper, reviewer=reviewer)
        url = reverse("reviews:review", args=[conference.slug, paper.number])
        clients = [logged_in(reviewer), logged_in(reviewer)]
        clients[0].get(url)
        data = review_form(Review.objects.get())

        responses = at_once(*(lambda c=c: c.post(url, data) for c in clients))

        assert sorted(r.status_code for r in responses) == [302, 409]
        assert AuditEntry.objects.filter(action__startswith="review.").count() == 1

    def test_concurrent_double_release_releases_once(self, conference):
        chair = make_chair(conference)
        paper = SubmissionFactory(conference=conference)
        logged_in(chair).post(
            reverse("reviews:chair_paper", args=[conference.slug, paper.number]), decision_form()
        )
        url = reverse("reviews:release", args=[conference.slug])
        data = {"action": "release", "confirm": "yes"}
        clients = [logged_in(chair), logged_in(chair)]

        responses = at_once(*(lambda c=c: c.post(url, data) for c in clients))

        assert [r.status_code for r in responses] == [302, 302]
        assert AuditEntry.objects.filter(action="decisions.release").count() == 1
        assert OutgoingEmail.objects.filter(dedupe_key__startswith="decision:").count() == 1


@pytest.mark.django_db
def test_double_submit_comment_posts_once(conference):
    reviewer = make_reviewer(conference)
    paper = SubmissionFactory(conference=conference)
    AssignmentFactory(submission=paper, reviewer=reviewer)
    client = logged_in(reviewer)
    url = reverse("reviews:comment", args=[conference.slug, paper.number])

    client.post(url, {"body": "Agreed."})
    client.post(url, {"body": "Agreed."})

    assert paper.comments.count() == 1


@pytest.mark.django_db
def test_double_submit_same_comment_later_is_a_new_comment(conference):
    reviewer = make_reviewer(conference)
    paper = SubmissionFactory(conference=conference)
    AssignmentFactory(submission=paper, reviewer=reviewer)
    client = logged_in(reviewer)
    url = reverse("reviews:comment", args=[conference.slug, paper.number])

    with time_machine.travel("2026-03-01 10:00:00Z", tick=False):
        client.post(url, {"body": "Agreed."})
    with time_machine.travel("2026-03-01 10:05:00Z", tick=False):
        client.post(url, {"body": "Agreed."})

    assert paper.comments.count() == 2
