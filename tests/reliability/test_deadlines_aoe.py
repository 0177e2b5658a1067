"""Every deadline kind is enforced by the server at the AoE second, through the real views,
while the process runs in a time zone far from UTC (so that any use of local time shows).

A deadline stated "2025-02-03 23:59 AoE" is open through 2025-02-04 11:59:59 UTC and closed
from 12:00:00 UTC on.
"""

import os
import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Affiliation
from conference.models import AOE, Deadline
from reviews.models import Bid, Review
from submissions.models import SubmissionFile
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_reviewer,
)
from tests.reviews.reviewing_support import AssignmentFactory, decide
from tests.security.world import submit_paper
from tests.submissions.pdf_corpus import make_paper

pytestmark = pytest.mark.django_db
STATED = date(2025, 2, 3)
LAST_OPEN = datetime(2025, 2, 4, 11, 59, 59, tzinfo=UTC)
FIRST_CLOSED = datetime(2025, 2, 4, 12, 0, 0, tzinfo=UTC)
SECONDS = [(LAST_OPEN, True), (FIRST_CLOSED, False)]
SECOND_IDS = ["11:59:59 UTC open", "12:00:00 UTC closed"]


@pytest.fixture(autouse=True, params=["Pacific/Kiritimati", "America/Adak"])
def far_time_zone(request):
    """The process clock in UTC+14 or UTC-10 (Django's own zone stays UTC)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture
def conference():
    return ConferenceFactory()


def deadline(conference, kind):
    made = DeadlineFactory(conference=conference, kind=kind, local_date=STATED, zone=AOE)
    assert made.due_at == LAST_OPEN
    return made


def at(instant):
    return time_machine.travel(instant, tick=False)


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_submission_edit_at_the_aoe_second(instant, open_, conference, client):
    author = UserFactory()
    with at(datetime(2025, 1, 20, tzinfo=UTC)):
        deadline(conference, Deadline.Kind.SUBMISSION)
        paper = submit_paper(
            conference,
            track=conference.tracks.get(name="Main paper track"),
            title="Before the deadline",
            authors=[author],
        )
    client.force_login(author)
    data = {
        "track": paper.track_id,
        "title": "Edited at the deadline",
        "abstract": paper.abstract,
        "topics": [t.pk for t in paper.topics.all()],
        "confirms_anonymized": "on",
        "confirms_not_published": "on",
        "action": "submit",
        "version": str(paper.version),
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
        "authors-0-name": author.full_name,
        "authors-0-email": author.email,
        "authors-0-is_contact": "on",
        "authors-0-ORDER": "1",
    }

    with at(instant):
        response = client.post(
            reverse("submissions:edit", args=[conference.slug, paper.number]), data
        )

    paper.refresh_from_db()
    assert response.status_code == 302
    assert paper.title == ("Edited at the deadline" if open_ else "Before the deadline")


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_new_submission_at_the_aoe_second(instant, open_, conference, client):
    deadline(conference, Deadline.Kind.SUBMISSION)
    author = UserFactory()
    client.force_login(author)
    track = conference.tracks.get(name="Main paper track")
    data = {
        "track": track.pk,
        "title": "Created at the deadline",
        "action": "draft",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
        "authors-0-name": author.full_name,
        "authors-0-email": author.email,
        "authors-0-is_contact": "on",
        "authors-0-ORDER": "1",
    }

    with at(instant):
        response = client.post(reverse("submissions:create", args=[conference.slug]), data)

    assert response.status_code == (302 if open_ else 200)
    assert conference.submissions.count() == (1 if open_ else 0)


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_bidding_at_the_aoe_second(instant, open_, conference, client):
    deadline(conference, Deadline.Kind.BIDDING)
    reviewer = make_reviewer(conference)
    Affiliation.objects.create(user=reviewer, institution="Bid Lab", email_domain="bidlab.example")
    reviewer.keywords = "sparse attention"
    reviewer.save(update_fields=["keywords"])
    paper = SubmissionFactory(conference=conference)
    client.force_login(reviewer)

    with at(instant):
        response = client.post(
            reverse("reviews:bid_save", args=[conference.slug, paper.number]),
            {"value": Bid.Value.EAGER},
        )

    assert response.status_code == 302
    assert Bid.objects.filter(reviewer=reviewer, submission=paper).exists() is open_


def review_data(review, summary):
    return {
        "summary": summary,
        "strengths": "Clear.",
        "weaknesses": "Small.",
        "questions": "None.",
        "rating": "6",
        "confidence": "3",
        "recommend_oral": "no",
        "version": str(review.version),
    }


@pytest.fixture
def assigned(conference):
    deadline(conference, Deadline.Kind.REVIEW)
    reviewer = make_reviewer(conference)
    paper = SubmissionFactory(conference=conference)
    AssignmentFactory(submission=paper, reviewer=reviewer)
    return reviewer, paper


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_first_review_at_the_aoe_second_is_accepted_and_late_after(
    instant, open_, assigned, client
):
    reviewer, paper = assigned
    client.force_login(reviewer)
    url = reverse("reviews:review", args=[paper.conference.slug, paper.number])
    with at(instant):
        client.get(url)
        review = Review.objects.get(reviewer=reviewer)
        response = client.post(url, review_data(review, "First version."))

    review.refresh_from_db()
    assert response.status_code == 302
    assert (review.state, review.is_late) == (Review.State.SUBMITTED, not open_)


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_review_update_at_the_aoe_second(instant, open_, assigned, client):
    reviewer, paper = assigned
    client.force_login(reviewer)
    url = reverse("reviews:review", args=[paper.conference.slug, paper.number])
    with at(datetime(2025, 2, 1, tzinfo=UTC)):
        client.get(url)
        review = Review.objects.get(reviewer=reviewer)
        client.post(url, review_data(review, "First version."))
    review.refresh_from_db()

    with at(instant):
        response = client.post(url, review_data(review, "Changed at the deadline."))

    review.refresh_from_db()
    assert response.status_code == (302 if open_ else 409)
    assert review.summary == ("Changed at the deadline." if open_ else "First version.")


@pytest.mark.parametrize(("instant", "open_"), SECONDS, ids=SECOND_IDS)
def test_deadline_camera_ready_at_the_aoe_second(instant, open_, conference, client):
    deadline(conference, Deadline.Kind.CAMERA_READY)
    author = UserFactory()
    paper = SubmissionFactory(conference=conference, created_by=author)
    decide(paper, "accept_poster")
    conference.decisions_released_at = datetime(2025, 1, 1, tzinfo=UTC)
    conference.save(update_fields=["decisions_released_at"])
    client.force_login(author)
    pdf = make_paper(body_pages=2, ref_pages=1, seed=51)

    with at(instant):
        response = client.post(
            reverse("reviews:camera_ready_upload", args=[conference.slug, paper.number]),
            {"pdf": SimpleUploadedFile("final.pdf", pdf, content_type="application/pdf")},
        )

    stored = SubmissionFile.objects.filter(submission=paper, kind="camera_ready").count()
    assert (response.status_code, stored) == ((302, 1) if open_ else (400, 0))
