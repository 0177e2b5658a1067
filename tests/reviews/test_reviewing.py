import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from conference.models import AuditEntry
from reviews import reviewing
from reviews.models import Review
from submissions.models import Submission
from tests.factories import SubmissionFactory, make_chair
from tests.reviews.reviewing_support import (
    AssignmentFactory,
    ReviewFactory,
    conflict,
    make_scene,
)

pytestmark = pytest.mark.django_db

FULL_REVIEW = {
    "summary": "A sub-quadratic model.",
    "strengths": "Fast.",
    "weaknesses": "Small data.",
    "questions": "Why not more seeds?",
    "rating": "8",
    "confidence": "4",
    "recommend_oral": "yes",
    "nominate_best_paper": "on",
    "confidential_comment": "Possibly a resubmission.",
}


def review_url(scene, name="reviews:review"):
    return reverse(name, args=[scene.conference.slug, scene.paper.number])


def who(scene, role):
    return {
        "assigned": scene.reviewers[0],
        "unassigned reviewer": scene.outsider,
        "chair": scene.chair,
        "author": scene.author,
    }[role]


@pytest.mark.parametrize(
    ("role", "conflicted", "status"),
    [
        ("assigned", False, 200),
        ("assigned", True, 404),
        ("unassigned reviewer", False, 404),
        ("chair", False, 404),
        ("author", False, 404),
    ],
)
def test_review_page_access_by_role(client, role, conflicted, status):
    scene = make_scene()
    user = who(scene, role)
    if conflicted:
        conflict(user, scene.paper)
    client.force_login(user)
    response = client.get(review_url(scene))
    assert response.status_code == status
    assert Review.objects.filter(reviewer=user).exists() == (status == 200)


@pytest.mark.parametrize(
    ("role", "conflicted", "saved"),
    [
        ("assigned", False, True),
        ("assigned", True, False),
        ("unassigned reviewer", False, False),
        ("chair", False, False),
        ("author", False, False),
    ],
)
def test_autosave_writes_only_for_assigned_unconflicted_reviewer(client, role, conflicted, saved):
    scene = make_scene()
    user = who(scene, role)
    if conflicted:
        conflict(user, scene.paper)
    client.force_login(user)
    response = client.post(
        review_url(scene, "reviews:review_autosave"), {"summary": "Typed text", "version": 1}
    )
    assert response.status_code == (200 if saved else 404)
    assert list(Review.objects.values_list("summary", flat=True)) == (
        ["Typed text"] if saved else []
    )


def test_review_page_anonymous_is_sent_to_login(client):
    scene = make_scene()
    response = client.get(review_url(scene))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("state", [Submission.State.WITHDRAWN, Submission.State.DESK_REJECTED])
def test_autosave_on_set_aside_paper_saves_nothing(client, state):
    scene = make_scene()
    Submission.objects.filter(pk=scene.paper.pk).update(state=state)
    client.force_login(scene.reviewers[0])
    response = client.post(
        review_url(scene, "reviews:review_autosave"), {"summary": "x", "version": 1}
    )
    assert "no longer takes reviews" in response.content.decode()
    assert Review.objects.count() == 0


def test_autosave_stores_draft_and_returns_new_version(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    response = client.post(
        review_url(scene, "reviews:review_autosave"),
        {"summary": "First thoughts", "rating": "5", "version": 1},
    )
    review = Review.objects.get()
    assert (review.state, review.summary, review.rating, review.version) == (
        "draft",
        "First thoughts",
        5,
        2,
    )
    body = response.content.decode()
    assert 'value="2" id="review-version" hx-swap-oob="true"' in body
    assert "Draft saved at" in body


def test_autosave_with_stale_version_is_refused_and_keeps_newer_text(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    url = review_url(scene, "reviews:review_autosave")
    client.post(url, {"summary": "From tab one", "version": 1})
    response = client.post(url, {"summary": "From tab two", "version": 1})
    assert "saved in another tab" in response.content.decode()
    assert Review.objects.get().summary == "From tab one"


def test_review_page_carries_autosave_trigger_for_drafts(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    body = client.get(review_url(scene)).content.decode()
    assert 'hx-trigger="keyup changed delay:2s, change"' in body
    assert review_url(scene, "reviews:review_autosave") in body


def test_submit_review_with_all_fields_marks_submitted_and_audits(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    response = client.post(review_url(scene), {**FULL_REVIEW, "version": 1})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.state, review.rating, review.confidence, review.is_late) == (
        "submitted",
        8,
        4,
        False,
    )
    assert (review.recommend_oral, review.nominate_best_paper) == (True, True)
    entry = AuditEntry.objects.get(action="review.submit")
    assert entry.after == {"state": "submitted", "rating": 8, "confidence": 4, "is_late": False}
    assert entry.actor == scene.reviewers[0]


def test_submit_incomplete_review_keeps_typed_text_as_draft(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    response = client.post(review_url(scene), {"summary": "Only a summary", "version": 1})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Needed to submit the review." in body
    assert "Only a summary" in body
    review = Review.objects.get()
    assert (review.state, review.summary) == ("draft", "Only a summary")


def test_submit_after_deadline_is_accepted_and_flagged_late(client):
    scene = make_scene(review_deadline_days=1)
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    with time_machine.travel(timezone_now_plus(days=3)):
        response = client.post(review_url(scene), {**FULL_REVIEW, "version": 1})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.state, review.is_late) == ("submitted", True)


def timezone_now_plus(**delta):
    from django.utils import timezone

    return timezone.now() + timedelta(**delta)


def test_submitted_review_can_be_updated_before_deadline(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    client.post(review_url(scene), {**FULL_REVIEW, "version": 1})
    response = client.post(review_url(scene), {**FULL_REVIEW, "rating": "9", "version": 2})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.state, review.rating, review.version) == ("submitted", 9, 3)
    assert AuditEntry.objects.filter(action="review.update").count() == 1


def test_submitted_review_is_final_after_deadline(client):
    scene = make_scene(review_deadline_days=1)
    client.force_login(scene.reviewers[0])
    client.get(review_url(scene))
    client.post(review_url(scene), {**FULL_REVIEW, "version": 1})
    with time_machine.travel(timezone_now_plus(days=3)):
        response = client.post(review_url(scene), {**FULL_REVIEW, "rating": "2", "version": 2})
        assert response.status_code == 409
        assert "submitted reviews are final" in response.content.decode()
    assert Review.objects.get().rating == 8


def test_autosave_of_submitted_review_is_refused(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0], version=4)
    client.force_login(scene.reviewers[0])
    response = client.post(
        review_url(scene, "reviews:review_autosave"), {"summary": "half-edit", "version": 4}
    )
    assert "already submitted" in response.content.decode()
    assert Review.objects.get().summary == ReviewFactory.summary


def test_other_reviews_hidden_until_own_review_is_submitted(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[1], summary="OTHER-SUMMARY")
    client.force_login(scene.reviewers[0])
    before = client.get(review_url(scene)).content.decode()
    assert "OTHER-SUMMARY" not in before
    assert "appear here once you have submitted yours" in before
    own = Review.objects.get(reviewer=scene.reviewers[0])
    Review.objects.filter(pk=own.pk).update(state=Review.State.SUBMITTED, rating=5, confidence=2)
    after = client.get(review_url(scene)).content.decode()
    assert "OTHER-SUMMARY" in after
    assert "Reviewer B" in after


def test_other_reviews_never_shown_when_conference_hides_them(client):
    scene = make_scene()
    scene.conference.show_reviews_after_own = False
    scene.conference.save()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[1], summary="OTHER-SUMMARY")
    client.force_login(scene.reviewers[0])
    body = client.get(review_url(scene)).content.decode()
    assert "OTHER-SUMMARY" not in body
    assert "chose not to show" in body


def test_co_reviewers_never_see_names_or_confidential_comments(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    ReviewFactory(
        submission=scene.paper, reviewer=scene.reviewers[1], confidential_comment="OTHER-SECRET"
    )
    client.force_login(scene.reviewers[0])
    body = client.get(review_url(scene)).content.decode()
    assert "Reviewer B" in body
    assert scene.reviewers[1].full_name not in body
    assert scene.reviewers[1].email not in body
    assert "OTHER-SECRET" not in body


def test_reviewer_letters_are_stable_in_review_start_order(client):
    scene = make_scene()
    third, first, second = scene.reviewers
    for reviewer in (first, second, third):
        ReviewFactory(submission=scene.paper, reviewer=reviewer)
    from reviews.queries import reviewer_letters

    assert reviewer_letters(scene.paper) == {first.pk: "A", second.pk: "B", third.pk: "C"}
    AssignmentFactory(submission=scene.paper, reviewer=scene.outsider)
    assert reviewer_letters(scene.paper)[scene.outsider.pk] == "D"


def test_markdown_script_and_handlers_are_stripped_on_review_pages(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    ReviewFactory(
        submission=scene.paper,
        reviewer=scene.reviewers[1],
        summary='**Bold** <script>alert("x")</script><img src=x onerror=alert(1)>'
        "[click](javascript:alert(2))",
    )
    client.force_login(scene.reviewers[0])
    body = client.get(review_url(scene)).content.decode()
    assert "<strong>Bold</strong>" in body
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "javascript:" not in body


def test_reviewer_home_lists_assigned_papers_without_conflicts(client):
    scene = make_scene()
    reviewer = scene.reviewers[0]
    hidden = SubmissionFactory(conference=scene.conference, title="Conflicted paper")
    AssignmentFactory(submission=hidden, reviewer=reviewer)
    conflict(reviewer, hidden)
    ReviewFactory(submission=scene.paper, reviewer=reviewer, is_late=True)
    client.force_login(reviewer)
    body = client.get(
        reverse("reviews:reviewer_home", args=[scene.conference.slug])
    ).content.decode()
    assert scene.paper.title in body
    assert "Conflicted paper" not in body
    assert "1 of 1 review submitted" in body
    assert ">late<" in body


@pytest.mark.parametrize("papers", [1, 30])
def test_reviewer_home_queries_constant(client, django_assert_max_num_queries, papers):
    scene = make_scene(reviewers=1)
    reviewer = scene.reviewers[0]
    for _ in range(papers - 1):
        paper = SubmissionFactory(conference=scene.conference)
        AssignmentFactory(submission=paper, reviewer=reviewer)
        ReviewFactory(submission=paper, reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("reviews:reviewer_home", args=[scene.conference.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    links = re.findall(
        rf'href="/{scene.conference.slug}/reviewing/\d+/"', response.content.decode()
    )
    assert len(links) == papers


def test_form_scales_default_to_iclr_labels():
    scene = make_scene(reviewers=0)
    scales = reviewing.form_scales(scene.conference)
    assert list(scales.rating_labels) == [str(n) for n in range(1, 11)]
    assert scales.rating_labels["8"] == "accept, good paper"
    assert list(scales.confidence_labels) == ["1", "2", "3", "4", "5"]


def test_chair_edits_review_form_labels_and_reviewers_see_them(client):
    scene = make_scene()
    client.force_login(scene.chair)
    url = reverse("reviews:review_form_settings", args=[scene.conference.slug])
    response = client.post(
        url,
        {
            "rating_labels": "1: no\n2: maybe\n3: yes",
            "confidence_labels": "1: low\n2: high",
            "label_summary": "What is the paper about?",
        },
    )
    assert response.status_code == 302
    scales = reviewing.form_scales(scene.conference)
    assert scales.rating_labels == {"1": "no", "2": "maybe", "3": "yes"}
    assert scales.field_labels["summary"] == "What is the paper about?"
    assert AuditEntry.objects.filter(action="review_form.edit").count() == 1
    client.force_login(scene.reviewers[0])
    body = client.get(review_url(scene)).content.decode()
    assert "What is the paper about?" in body
    assert "3: yes" in body


def test_chair_cannot_drop_a_score_that_submitted_reviews_use(client):
    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0], rating=8)
    client.force_login(scene.chair)
    url = reverse("reviews:review_form_settings", args=[scene.conference.slug])
    response = client.post(
        url, {"rating_labels": "1: no\n2: yes", "confidence_labels": "1: a\n3: b"}
    )
    assert response.status_code == 400
    assert "use the rating score(s) 8" in response.content.decode()
    assert reviewing.form_scales(scene.conference).rating_labels["8"] == "accept, good paper"


def test_review_form_settings_bad_line_says_which_line(client):
    scene = make_scene(reviewers=0)
    client.force_login(scene.chair)
    url = reverse("reviews:review_form_settings", args=[scene.conference.slug])
    response = client.post(url, {"rating_labels": "1: no\ngood", "confidence_labels": "1: a\n2: b"})
    assert response.status_code == 400
    assert "Line 2 of the rating scale" in response.content.decode()


def test_review_form_settings_is_404_for_reviewers(client):
    scene = make_scene()
    client.force_login(scene.reviewers[0])
    response = client.get(reverse("reviews:review_form_settings", args=[scene.conference.slug]))
    assert response.status_code == 404


def test_chair_who_is_also_assigned_reviewer_can_review(client):
    scene = make_scene(reviewers=0)
    AssignmentFactory(submission=scene.paper, reviewer=scene.chair)
    client.force_login(scene.chair)
    response = client.get(review_url(scene))
    assert response.status_code == 200
    second_chair = make_chair(scene.conference)
    client.force_login(second_chair)
    assert client.get(review_url(scene)).status_code == 404
