"""Forms take only the fields they show: extra POST fields (state, decision, number, owner,
role flags) change nothing. Ids of other people's objects, or of another conference's, are 404.
"""

import pytest
from django.urls import reverse

from accounts.models import User
from conference.models import CommitteeMembership
from reviews.models import BackgroundJob, Comment, Conflict, Decision, Invitation, Review
from submissions.models import Submission
from tests.factories import ConferenceFactory, OutgoingEmailFactory, UserFactory, make_chair
from tests.security.urls import request_rolled_back

FORGED = {
    "state": "accepted",
    "format_verdict": "fits",
    "number": "99",
    "conference": "999",
    "created_by": "1",
    "decision": "accept_oral",
    "outcome": "accept_oral",
    "extension_until": "2099-01-01T00:00:00Z",
    "desk_reject_reason": "forged",
    "is_staff": "on",
    "is_superuser": "on",
    "is_active": "on",
    "email": "forged@evil.example",
    "reviewer": "1",
    "submission": "1",
    "author": "1",
    "is_late": "on",
    "decided_by": "1",
    "confidential_comment": "",
}


def paper_form(submission, extra):
    """The edit form as the author's browser sends it, with the authors in their order."""
    data = {
        "track": submission.track_id,
        "title": submission.title,
        "abstract": submission.abstract,
        "topics": [topic.pk for topic in submission.topics.all()],
        "confirms_anonymized": "on",
        "confirms_not_published": "on",
        "action": "draft",
        "version": str(submission.version),
        "authors-TOTAL_FORMS": str(submission.authorships.count()),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
    }
    for index, authorship in enumerate(submission.authorships.order_by("order")):
        data[f"authors-{index}-name"] = authorship.name
        data[f"authors-{index}-email"] = authorship.email
        data[f"authors-{index}-ORDER"] = str(index + 1)
        if authorship.is_contact:
            data[f"authors-{index}-is_contact"] = "on"
    return {**data, **extra}


def snapshot(submission):
    submission.refresh_from_db()
    return (
        submission.state,
        submission.number,
        submission.conference_id,
        submission.created_by_id,
        submission.extension_until,
        submission.desk_reject_reason,
        Decision.objects.filter(submission=submission).exists(),
    )


def test_mass_assignment_paper_form_ignores_extra_fields(world, clients):
    target = world.target
    before = snapshot(target)
    url = reverse("submissions:edit", args=[world.conference.slug, target.number])

    response = clients["author"].post(url, paper_form(target, {**FORGED, "title": "A New Title"}))

    assert response.status_code == 302
    assert snapshot(target) == before
    assert target.title == "A New Title"


def test_mass_assignment_track_cannot_change_after_the_deadline(world, clients):
    target = world.target
    world.conference.deadlines.filter(kind="submission").update(due_at="2000-01-01T00:00:00Z")
    other_track = world.conference.tracks.exclude(pk=target.track_id).get()
    url = reverse("submissions:edit", args=[world.conference.slug, target.number])

    response = clients["author"].post(url, paper_form(target, {"track": other_track.pk}))

    target.refresh_from_db()
    assert response.status_code == 302
    assert target.track_id != other_track.pk


def test_mass_assignment_profile_cannot_grant_staff_or_change_email(world, clients):
    data = {
        "full_name": "Ada Renamed",
        **{
            f"{prefix}-{field}": "0"
            for prefix in ("aff", "pub", "rel")
            for field in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
        **FORGED,
    }

    response = clients["author"].post(reverse("accounts:profile"), data)

    author = User.objects.get(pk=world.user("author").pk)
    assert response.status_code == 302
    assert (author.full_name, author.is_staff, author.is_superuser, author.email) == (
        "Ada Renamed",
        False,
        False,
        world.user("author").email,
    )


def test_mass_assignment_review_form_cannot_change_owner_paper_or_lateness(world, clients):
    review = world.review
    url = reverse("reviews:review", args=[world.conference.slug, world.target.number])
    data = {
        "summary": "Updated summary.",
        "strengths": "s",
        "weaknesses": "w",
        "questions": "q",
        "rating": "8",
        "confidence": "4",
        "recommend_oral": "no",
        "version": str(review.version),
        **{**FORGED, "submission": str(world.papers["main"].pk), "state": "draft"},
    }

    response = clients["reviewer"].post(url, data)

    review.refresh_from_db()
    assert response.status_code == 302
    assert (review.summary, review.reviewer_id, review.submission_id, review.is_late) == (
        "Updated summary.",
        world.user("reviewer").pk,
        world.target.pk,
        False,
    )
    assert review.state == Review.State.SUBMITTED


def test_mass_assignment_comment_author_is_the_poster(world, clients):
    url = reverse("reviews:comment", args=[world.conference.slug, world.target.number])

    clients["reviewer"].post(
        url, {"body": "Mine.", "author": str(world.user("chair").pk), "submission": "999"}
    )

    assert Comment.objects.filter(body="Mine.").values_list("author_id", "submission_id").get() == (
        world.user("reviewer").pk,
        world.target.pk,
    )


def test_mass_assignment_decision_records_the_deciding_chair(world, clients):
    url = reverse("reviews:chair_paper", args=[world.conference.slug, world.target.number])

    response = clients["chair"].post(
        url,
        {
            "outcome": "reject",
            "note_to_authors": "",
            "version": "0",
            "decided_by": str(world.user("chair_conflicted").pk),
            "submission": str(world.papers["main"].pk),
        },
    )

    decision = Decision.objects.get(submission=world.target)
    assert response.status_code == 302
    assert (decision.outcome, decision.decided_by_id) == ("reject", world.user("chair").pk)


@pytest.fixture
def elsewhere(world):
    """Objects of another conference, which the world's chair does not chair."""
    conference = ConferenceFactory(slug="elsewhere")
    chair = make_chair(conference)
    outsider = UserFactory()
    return {
        "email_id": OutgoingEmailFactory(conference=conference).pk,
        "membership_id": CommitteeMembership.objects.get(user=chair).pk,
        "invitation_id": Invitation.objects.create(
            conference=conference, email="x@y.example", name="X", expires_at="2099-01-01T00:00:00Z"
        ).pk,
        "conflict_id": Conflict.objects.create(
            submission=Submission.objects.create(
                conference=conference,
                number=1,
                track=conference.tracks.first(),
                title="Elsewhere",
                abstract="",
                created_by=outsider,
            ),
            user=outsider,
            kind="personal",
        ).pk,
        "job_id": BackgroundJob.objects.create(conference=conference, kind="assignment").pk,
        "user_id": outsider.pk,
    }


@pytest.mark.parametrize(
    ("name", "kwarg", "method"),
    [
        ("notifications:detail", "email_id", "GET"),
        ("notifications:resend", "email_id", "POST"),
        ("notifications:cancel", "email_id", "POST"),
        ("reviews:committee_load_cap", "membership_id", "POST"),
        ("reviews:invitation_detail", "invitation_id", "GET"),
        ("reviews:conflict_override", "conflict_id", "POST"),
        ("reviews:conflict_restore", "conflict_id", "POST"),
        ("reviews:conflict_remove", "conflict_id", "POST"),
        ("reviews:job", "job_id", "GET"),
        ("reviews:proposal", "job_id", "GET"),
        ("reviews:proposal_commit", "job_id", "POST"),
    ],
)
def test_mass_assignment_other_conferences_ids_are_404(
    name, kwarg, method, world, clients, elsewhere
):
    url = reverse(name, kwargs={"conference_slug": world.conference.slug, kwarg: elsewhere[kwarg]})

    response = request_rolled_back(clients["chair"], method, url, {"reason": "because"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "name", "number_of"),
    [
        ("author", "submissions:detail", "main"),
        ("author", "submissions:edit", "main"),
        ("author", "submissions:withdraw", "main"),
        ("author", "reviews:author_reviews", "main"),
        ("reviewer", "reviews:review", "tiny_other"),
        ("reviewer", "submissions:download", "tiny_other"),
        ("reviewer_unassigned", "reviews:review", "target"),
    ],
)
def test_mass_assignment_other_peoples_papers_are_404(role, name, number_of, world, clients):
    kwargs = {"conference_slug": world.conference.slug, "number": world.papers[number_of].number}
    if name == "submissions:download":
        kwargs["kind"] = "paper"

    assert clients[role].get(reverse(name, kwargs=kwargs)).status_code == 404


def test_mass_assignment_another_persons_profile_is_404(world, clients, elsewhere):
    url = reverse("accounts:detail", args=[elsewhere["user_id"]])

    assert clients["author"].get(url).status_code == 404
    assert clients["chair"].get(url).status_code == 404


def test_mass_assignment_unassigning_someone_not_assigned_is_404(world, clients):
    url = reverse(
        "reviews:assignment_remove",
        args=[world.conference.slug, world.target.number, world.user("reviewer_unassigned").pk],
    )

    response = request_rolled_back(clients["chair"], "POST", url)

    assert response.status_code == 404
