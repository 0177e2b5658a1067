import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from conference.models import Deadline
from notifications.models import OutgoingEmail
from reviews import reminders
from reviews.models import AuthorListConfirmation, Decision, Review
from submissions.models import Submission, SubmissionFile
from tests.factories import DeadlineFactory, SubmissionFactory, make_chair
from tests.reviews.reviewing_support import (
    AssignmentFactory,
    ReviewFactory,
    conflict,
    decide,
    make_scene,
)

pytestmark = pytest.mark.django_db

# 25 Feb 2025 23:59 AoE: the last open second is 26 Feb 11:59:59 UTC; it closes at 12:00:00.
CLOSES = datetime(2025, 2, 26, 12, 0, 0, tzinfo=UTC)


def review_scene(reviewers=2):
    scene = make_scene(reviewers=reviewers, review_deadline_days=None)
    DeadlineFactory(
        conference=scene.conference, kind=Deadline.Kind.REVIEW, local_date=date(2025, 2, 25)
    )
    return scene


def sweep_every(start, end, step, sweep):
    """Run a sweep at each instant from start to end, the clock frozen at that instant (so that
    created_at records when each email was queued)."""
    now = start
    while now <= end:
        with time_machine.travel(now, tick=False):
            sweep(now=now)
        now += step


def test_review_reminders_go_out_once_at_each_milestone():
    scene = review_scene()
    done, late = scene.reviewers
    ReviewFactory(submission=scene.paper, reviewer=done)
    Review.objects.create(submission=scene.paper, reviewer=late)  # a draft is still missing
    sweep_every(
        CLOSES - timedelta(days=9),
        CLOSES + timedelta(days=9),
        timedelta(hours=2),
        reminders.review_reminders,
    )
    sent = list(OutgoingEmail.objects.order_by("created_at"))
    assert [e.to for e in sent] == [[late.email]] * 6
    prefix = f"review-reminder:{scene.conference.pk}:{late.pk}:"
    assert [(e.dedupe_key.removeprefix(prefix), e.created_at) for e in sent] == [
        ("before-7d", CLOSES - timedelta(days=7)),
        ("before-2d", CLOSES - timedelta(days=2)),
        ("before-1d", CLOSES - timedelta(days=1)),
        ("overdue-1", CLOSES + timedelta(days=2)),
        ("overdue-2", CLOSES + timedelta(days=4)),
        ("overdue-3", CLOSES + timedelta(days=6)),
    ]
    assert "Overdue:" in sent[3].subject
    assert scene.paper.title in sent[0].text_body
    assert "2025-02-25 23:59 AoE" in sent[0].text_body


def test_milestone_boundary_at_the_second_in_a_non_utc_process_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        scene = review_scene(reviewers=1)
        seven_days = CLOSES - timedelta(days=7)
        assert reminders.review_reminders(now=seven_days - timedelta(seconds=1)) == 0
        assert reminders.review_reminders(now=seven_days) == 1
        assert reminders.review_reminders(now=seven_days + timedelta(seconds=1)) == 0
        assert OutgoingEmail.objects.get().dedupe_key.endswith(f"{scene.reviewers[0].pk}:before-7d")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_reviewer_assigned_late_gets_only_the_current_reminder():
    scene = review_scene(reviewers=0)
    reminders.review_reminders(now=CLOSES - timedelta(days=7))
    newcomer = AssignmentFactory(submission=scene.paper).reviewer
    assert reminders.review_reminders(now=CLOSES - timedelta(days=1, hours=-2)) == 1
    assert OutgoingEmail.objects.get().dedupe_key.endswith(f"{newcomer.pk}:before-1d")


def test_no_review_reminders_for_conflicts_set_aside_papers_or_after_release():
    scene = review_scene(reviewers=2)
    conflict(scene.reviewers[0], scene.paper)
    withdrawn = SubmissionFactory(conference=scene.conference, state=Submission.State.WITHDRAWN)
    AssignmentFactory(submission=withdrawn, reviewer=scene.reviewers[0])
    assert reminders.review_reminders(now=CLOSES - timedelta(days=7)) == 1
    assert OutgoingEmail.objects.get().to == [scene.reviewers[1].email]
    scene.conference.decisions_released_at = CLOSES
    scene.conference.save()
    assert reminders.review_reminders(now=CLOSES + timedelta(days=2)) == 0


def test_one_reminder_lists_all_missing_papers_of_a_reviewer():
    scene = review_scene(reviewers=1)
    second = SubmissionFactory(conference=scene.conference, title="Second paper")
    AssignmentFactory(submission=second, reviewer=scene.reviewers[0])
    reminders.review_reminders(now=CLOSES - timedelta(days=2))
    email = OutgoingEmail.objects.get()
    assert "2 reviews still to submit" in email.subject
    assert scene.paper.title in email.text_body and "Second paper" in email.text_body


def test_chairs_get_one_missing_review_digest_per_day_while_overdue():
    scene = review_scene(reviewers=2)
    other_chair = make_chair(scene.conference)
    conflict(other_chair, scene.paper)
    sweep_every(
        CLOSES - timedelta(days=2),
        CLOSES + timedelta(days=2, hours=11),
        timedelta(hours=1),
        reminders.missing_review_digests,
    )
    sent = list(OutgoingEmail.objects.order_by("created_at"))
    # Overdue from 26 Feb 12:00 UTC: digests on 26, 27 and 28 Feb (UTC days), to the chair
    # without a conflict only.
    assert [(e.to, e.created_at) for e in sent] == [
        ([scene.chair.email], CLOSES),
        ([scene.chair.email], datetime(2025, 2, 27, tzinfo=UTC)),
        ([scene.chair.email], datetime(2025, 2, 28, tzinfo=UTC)),
    ]
    assert "2 reviews overdue" in sent[0].subject
    assert scene.reviewers[0].full_name in sent[0].text_body
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[1])
    assert reminders.missing_review_digests(now=datetime(2025, 3, 1, 9, tzinfo=UTC)) == 0


def test_one_click_reminder_preview_then_send_once_per_click(client):
    scene = review_scene(reviewers=2)
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    url = reverse("reviews:remind_late", args=[scene.conference.slug])
    client.force_login(scene.chair)
    with time_machine.travel(CLOSES - timedelta(hours=1)):
        assert "Nobody is late" in client.get(url).content.decode()
    with time_machine.travel(CLOSES + timedelta(hours=1)):
        body = client.get(url).content.decode()
        assert scene.reviewers[1].full_name in body
        assert scene.reviewers[0].full_name not in body
        assert "Send 1 reminder" in body
        assert "has passed" in body  # the example email, rendered
        assert OutgoingEmail.objects.count() == 0
        client.post(url, {"batch": "a" * 32})
        client.post(url, {"batch": "a" * 32})  # double click: same batch
        assert OutgoingEmail.objects.count() == 1
        client.post(url, {"batch": "b" * 32})  # a new click later
    assert (
        list(OutgoingEmail.objects.values_list("to", flat=True)) == [[scene.reviewers[1].email]] * 2
    )


def test_one_click_reminder_only_covers_papers_the_chair_may_see(client):
    scene = review_scene(reviewers=1)
    conflict(scene.chair, scene.paper)
    client.force_login(scene.chair)
    with time_machine.travel(CLOSES + timedelta(hours=1)):
        client.post(
            reverse("reviews:remind_late", args=[scene.conference.slug]), {"batch": "c" * 32}
        )
    assert OutgoingEmail.objects.count() == 0


def accepted_scene():
    scene = make_scene(reviewers=0, review_deadline_days=None)
    DeadlineFactory(
        conference=scene.conference, kind=Deadline.Kind.CAMERA_READY, local_date=date(2025, 3, 27)
    )
    decide(scene.paper, Decision.Outcome.ACCEPT_POSTER)
    scene.conference.decisions_released_at = datetime(2025, 3, 5, tzinfo=UTC)
    scene.conference.save()
    return scene


CAMERA_CLOSES = datetime(2025, 3, 28, 12, 0, 0, tzinfo=UTC)


def test_camera_ready_reminders_seven_and_one_day_before():
    scene = accepted_scene()
    rejected = SubmissionFactory(conference=scene.conference)
    decide(rejected, Decision.Outcome.REJECT)
    sweep_every(
        CAMERA_CLOSES - timedelta(days=10),
        CAMERA_CLOSES + timedelta(days=2),
        timedelta(hours=2),
        reminders.camera_ready_reminders,
    )
    sent = list(OutgoingEmail.objects.order_by("created_at"))
    assert [(e.dedupe_key, e.created_at) for e in sent] == [
        (f"camera-ready-reminder:{scene.paper.pk}:before-7d", CAMERA_CLOSES - timedelta(days=7)),
        (f"camera-ready-reminder:{scene.paper.pk}:before-1d", CAMERA_CLOSES - timedelta(days=1)),
    ]
    assert sent[0].to == [scene.author.email]
    assert "upload the final, de-anonymized PDF" in sent[0].text_body
    assert "confirm the final author list" in sent[0].text_body


def test_no_camera_ready_reminder_once_both_steps_are_done():
    scene = accepted_scene()
    SubmissionFile.objects.create(
        submission=scene.paper,
        kind=SubmissionFile.Kind.CAMERA_READY,
        revision=1,
        storage_name="camera/x.pdf",
        original_name="final.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=10,
        uploaded_by=scene.author,
    )
    assert reminders.camera_ready_reminders(now=CAMERA_CLOSES - timedelta(days=7)) == 1
    assert "upload the final" not in OutgoingEmail.objects.get().text_body
    AuthorListConfirmation.objects.create(
        submission=scene.paper, authors=[], confirmed_at=CAMERA_CLOSES
    )
    assert reminders.camera_ready_reminders(now=CAMERA_CLOSES - timedelta(days=1)) == 0


def test_no_camera_ready_reminder_before_release():
    scene = accepted_scene()
    scene.conference.decisions_released_at = None
    scene.conference.save()
    assert reminders.camera_ready_reminders(now=CAMERA_CLOSES - timedelta(days=7)) == 0


def test_sweeps_are_registered_for_beat(settings):
    assert {
        "reviews.reminders.review_reminders",
        "reviews.reminders.missing_review_digests",
        "reviews.reminders.camera_ready_reminders",
        "reviews.discussion.send_discussion_digests",
    } <= set(settings.SCOPE_REMINDER_SWEEPS)
