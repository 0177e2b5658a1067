import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conference.models import AuditEntry
from notifications.models import OutgoingEmail
from reviews import release
from reviews.models import Decision, DecisionEmailTemplate
from submissions.models import Submission
from tests.factories import AuthorshipFactory, SubmissionFactory, UserFactory
from tests.reviews.reviewing_support import ReviewFactory, conflict, decide, make_scene

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome


def release_url(scene):
    return reverse("reviews:release", args=[scene.conference.slug])


def author_url(scene, paper=None):
    return reverse(
        "reviews:author_reviews", args=[scene.conference.slug, (paper or scene.paper).number]
    )


def reviewed_decided_scene(outcome=Outcome.ACCEPT_ORAL, **decision_fields):
    scene = make_scene(reviewers=2)
    AuthorshipFactory(
        submission=scene.paper, order=2, name="Second Author", email="second@example.org"
    )
    ReviewFactory(
        submission=scene.paper, reviewer=scene.reviewers[0], summary="SUMMARY-A", rating=8
    )
    ReviewFactory(
        submission=scene.paper, reviewer=scene.reviewers[1], summary="SUMMARY-B", rating=5
    )
    decide(scene.paper, outcome, note_to_authors="NOTE-TO-AUTHORS", **decision_fields)
    return scene


def release_now(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release.release_decisions(actor=scene.chair, conference=scene.conference)


def test_author_sees_neither_decision_nor_reviews_before_release(client):
    scene = reviewed_decided_scene()
    client.force_login(scene.author)
    body = client.get(author_url(scene)).content.decode()
    assert "appear here when the program chairs release them" in body
    for secret in ("Accept (oral)", "SUMMARY-A", "NOTE-TO-AUTHORS", "Reviewer A"):
        assert secret not in body
    assert OutgoingEmail.objects.filter(dedupe_key__startswith="decision:").count() == 0


@pytest.mark.parametrize("role", ["reviewer", "chair", "other author"])
def test_author_page_is_404_for_non_authors(client, role):
    scene = reviewed_decided_scene()
    scene.conference.decisions_released_at = timezone.now()
    scene.conference.save()
    user = {"reviewer": scene.reviewers[0], "chair": scene.chair, "other author": UserFactory()}[
        role
    ]
    client.force_login(user)
    assert client.get(author_url(scene)).status_code == 404


def test_release_queues_one_email_per_paper_to_all_authors(
    client, django_capture_on_commit_callbacks
):
    scene = reviewed_decided_scene(best_paper=True)
    rejected = SubmissionFactory(conference=scene.conference)
    decide(rejected, Outcome.REJECT)
    undecided = SubmissionFactory(conference=scene.conference)
    client.force_login(scene.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(release_url(scene), {"action": "release", "confirm": "yes"})
    assert response.status_code == 302
    scene.conference.refresh_from_db()
    assert scene.conference.decisions_released_at is not None
    emails = {e.dedupe_key: e for e in OutgoingEmail.objects.all()}
    assert set(emails) == {f"decision:{scene.paper.pk}", f"decision:{rejected.pk}"}
    accepted = emails[f"decision:{scene.paper.pk}"]
    assert accepted.to == sorted([scene.author.email, "second@example.org"])
    assert accepted.template == "decision_accept_oral"
    assert emails[f"decision:{rejected.pk}"].template == "decision_reject"
    text = accepted.text_body
    assert "accepted to" in text and "oral presentation" in text
    assert "NOTE-TO-AUTHORS" in text
    assert "Award: Best Paper Award" in text
    assert "Reviewer A" in text and "SUMMARY-A" in text and "Reviewer B" in text
    assert "CONFIDENTIAL" not in text
    for reviewer in scene.reviewers:
        assert reviewer.full_name not in text and reviewer.email not in text
    assert f"/papers/{scene.paper.number}/reviews/" in text
    assert not OutgoingEmail.objects.filter(dedupe_key=f"decision:{undecided.pk}").exists()
    assert len(mail.outbox) == 2  # delivered by the eager test worker
    assert AuditEntry.objects.filter(action="decisions.release", actor=scene.chair).count() == 1


def test_release_twice_sends_nothing_twice(django_capture_on_commit_callbacks):
    scene = reviewed_decided_scene()
    release_now(scene, django_capture_on_commit_callbacks)
    release_now(scene, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert list(
        AuditEntry.objects.filter(action__startswith="decisions.").values_list("action", flat=True)
    ) == [
        "decisions.send_missing",
        "decisions.release",
    ]


def test_paper_decided_after_release_gets_only_its_own_email(
    client, django_capture_on_commit_callbacks
):
    scene = reviewed_decided_scene()
    release_now(scene, django_capture_on_commit_callbacks)
    late = SubmissionFactory(conference=scene.conference)
    decide(late, Outcome.ACCEPT_POSTER)
    client.force_login(scene.chair)
    body = client.get(release_url(scene)).content.decode()
    assert "1 decided paper has no email yet" in body
    release_now(scene, django_capture_on_commit_callbacks)
    assert sorted(OutgoingEmail.objects.values_list("dedupe_key", flat=True)) == sorted(
        [f"decision:{scene.paper.pk}", f"decision:{late.pk}"]
    )
    assert len(mail.outbox) == 2


def test_release_without_confirmation_changes_nothing(client):
    scene = reviewed_decided_scene()
    client.force_login(scene.chair)
    response = client.post(release_url(scene), {"action": "release"}, follow=True)
    assert "Tick the confirmation box" in response.content.decode()
    scene.conference.refresh_from_db()
    assert scene.conference.decisions_released_at is None
    assert OutgoingEmail.objects.count() == 0


def test_desk_rejected_paper_without_decision_gets_reject_email_with_reason(
    django_capture_on_commit_callbacks,
):
    scene = make_scene(reviewers=0)
    Submission.objects.filter(pk=scene.paper.pk).update(
        state=Submission.State.DESK_REJECTED, desk_reject_reason="Over the page limit."
    )
    told = SubmissionFactory(
        conference=scene.conference,
        state=Submission.State.DESK_REJECTED,
        desk_reject_notified_at=timezone.now(),
    )
    release_now(scene, django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    assert (email.dedupe_key, email.template) == (f"decision:{scene.paper.pk}", "decision_reject")
    assert "Over the page limit." in email.text_body
    scene.paper.refresh_from_db()
    assert scene.paper.desk_reject_notified_at is not None
    assert not OutgoingEmail.objects.filter(dedupe_key=f"decision:{told.pk}").exists()


def test_preview_shows_counts_and_rendered_emails_without_confidential_text(client):
    scene = reviewed_decided_scene()
    decide(SubmissionFactory(conference=scene.conference), Outcome.REJECT)
    SubmissionFactory(conference=scene.conference)
    client.force_login(scene.chair)
    body = client.get(release_url(scene)).content.decode()
    assert "Preview: the email of paper #" in body
    assert "NOTE-TO-AUTHORS" in body and "SUMMARY-A" in body
    assert "CONFIDENTIAL" not in body
    assert "1 submitted paper has no decision" in body
    assert "Release decisions and send 2 emails" in body
    assert OutgoingEmail.objects.count() == 0


def test_preview_samples_only_papers_the_chair_may_see(client):
    scene = reviewed_decided_scene()
    conflict(scene.chair, scene.paper)
    client.force_login(scene.chair)
    body = client.get(release_url(scene)).content.decode()
    assert "SUMMARY-A" not in body
    assert scene.paper.title not in body
    assert "No paper you may see has this outcome yet" in body


def test_chair_edits_wording_used_in_emails_and_audited(client, django_capture_on_commit_callbacks):
    scene = reviewed_decided_scene()
    client.force_login(scene.chair)
    response = client.post(
        release_url(scene),
        {
            "action": "wording",
            "outcome": "accept_oral",
            "subject": "Talk accepted: {{ title }}",
            "body": "Hello {{ authors }}, see you at {{ short_name }}.",
        },
    )
    assert response.status_code == 302
    assert DecisionEmailTemplate.objects.get().subject == "Talk accepted: {{ title }}"
    assert AuditEntry.objects.filter(action="decision_email.edit").count() == 1
    release_now(scene, django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    assert email.subject == f"Talk accepted: {scene.paper.title}"
    assert email.text_body.startswith(
        f"Hello {scene.author.full_name}, Second Author, see you at {scene.conference.short_name}."
    )
    assert "NOTE-TO-AUTHORS" in email.text_body


def test_wording_with_unknown_placeholder_is_refused_and_text_kept(client):
    scene = reviewed_decided_scene()
    client.force_login(scene.chair)
    response = client.post(
        release_url(scene),
        {
            "action": "wording",
            "outcome": "reject",
            "subject": "Decision",
            "body": "Dear {{ autors }}",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Unknown placeholder(s): {{ autors }}" in body
    assert "Dear {{ autors }}" in body
    assert not DecisionEmailTemplate.objects.exists()


def test_author_sees_decision_note_and_reviews_after_release(
    client, django_capture_on_commit_callbacks
):
    scene = reviewed_decided_scene(best_paper=True)
    release_now(scene, django_capture_on_commit_callbacks)
    client.force_login(scene.author)
    body = client.get(author_url(scene)).content.decode()
    assert "Decision: Accept (oral)" in body
    assert "Best Paper Award" in body
    assert "NOTE-TO-AUTHORS" in body
    assert "Reviewer A" in body and "SUMMARY-A" in body and "SUMMARY-B" in body
    assert "CONFIDENTIAL" not in body
    assert "Recommends oral" not in body
    for reviewer in scene.reviewers:
        assert reviewer.full_name not in body and reviewer.email not in body


def test_reviewers_cannot_write_after_release(client, django_capture_on_commit_callbacks):
    scene = reviewed_decided_scene()
    assert scene.reviewers[0].has_perm("reviews.write_review", scene.paper)
    release_now(scene, django_capture_on_commit_callbacks)
    paper = Submission.objects.select_related("conference").get(pk=scene.paper.pk)
    assert not UserFactory._meta.model.objects.get(pk=scene.reviewers[0].pk).has_perm(
        "reviews.write_review", paper
    )


def test_progress_counts_sent_emails(client, django_capture_on_commit_callbacks):
    scene = reviewed_decided_scene()
    second = SubmissionFactory(conference=scene.conference)
    decide(second, Outcome.REJECT)
    release_now(scene, django_capture_on_commit_callbacks)
    OutgoingEmail.objects.filter(dedupe_key=f"decision:{second.pk}").update(state="queued")
    assert release.progress(scene.conference) | {} == {
        "total": 2,
        "sent": 1,
        "failed": 0,
        "waiting": 0,
        "in_flight": 1,
        "percent": 50,
        "done": False,
    }
    client.force_login(scene.chair)
    body = client.get(
        reverse("reviews:release_progress", args=[scene.conference.slug])
    ).content.decode()
    assert "1 of 2" in body
    assert 'hx-trigger="every 2s"' in body
    OutgoingEmail.objects.update(state="sent")
    body = client.get(
        reverse("reviews:release_progress", args=[scene.conference.slug])
    ).content.decode()
    assert "2 of 2" in body
    assert "hx-trigger" not in body


@pytest.mark.parametrize("role", ["reviewer", "author"])
def test_release_pages_are_for_chairs_only(client, role):
    scene = reviewed_decided_scene()
    client.force_login(scene.reviewers[0] if role == "reviewer" else scene.author)
    assert client.get(release_url(scene)).status_code == 404
    assert (
        client.post(release_url(scene), {"action": "release", "confirm": "yes"}).status_code == 404
    )
    scene.conference.refresh_from_db()
    assert scene.conference.decisions_released_at is None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_release_emails_go_out_through_a_real_worker(redis_url):
    from tests.notifications.support import thread_worker, wait_until

    scene = reviewed_decided_scene()
    second = SubmissionFactory(conference=scene.conference)
    decide(second, Outcome.REJECT)
    with thread_worker():
        with transaction.atomic():
            release.release_decisions(actor=scene.chair, conference=scene.conference)
        wait_until(
            lambda: OutgoingEmail.objects.filter(state="sent").count() == 2,
            what="2 decision emails sent",
        )
        # Releasing again while the worker runs sends nothing more.
        with transaction.atomic():
            release.release_decisions(actor=scene.chair, conference=scene.conference)
        marker = SubmissionFactory(conference=scene.conference)
        decide(marker, Outcome.REJECT)
        with transaction.atomic():
            release.release_decisions(actor=scene.chair, conference=scene.conference)
        wait_until(
            lambda: OutgoingEmail.objects.filter(state="sent").count() == 3, what="the marker"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [scene.author.email, second.created_by.email, marker.created_by.email]
    )
    assert sorted(OutgoingEmail.objects.values_list("dedupe_key", flat=True)) == sorted(
        f"decision:{p.pk}" for p in (scene.paper, second, marker)
    )


def test_preview_any_paper_by_number_only_if_chair_may_see_it(client):
    scene = reviewed_decided_scene()
    hidden = SubmissionFactory(conference=scene.conference, title="HIDDEN-PAPER")
    decide(hidden, Outcome.REJECT)
    conflict(scene.chair, hidden)
    client.force_login(scene.chair)
    body = client.get(release_url(scene), {"paper": scene.paper.number}).content.decode()
    assert f"The email of paper #{scene.paper.number} to" in body
    body = client.get(release_url(scene), {"paper": hidden.number}).content.decode()
    assert "gets no decision email" in body
    assert "HIDDEN-PAPER" not in body
    assert OutgoingEmail.objects.count() == 0
