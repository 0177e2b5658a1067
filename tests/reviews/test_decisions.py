import pytest
from django.urls import reverse

from conference.models import AuditEntry, Presentation, ProgramSession
from reviews import decisions
from reviews.models import Decision
from submissions.models import Submission
from tests.factories import SubmissionFactory, UserFactory, make_chair, make_reviewer
from tests.reviews.reviewing_support import conflict, decide, make_scene

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome


def paper_url(scene, paper=None):
    return reverse(
        "reviews:chair_paper", args=[scene.conference.slug, (paper or scene.paper).number]
    )


def decision_post(outcome, version, **extra):
    return {"outcome": outcome, "version": version, "note_to_authors": "", **extra}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("chair", 200),
        ("conflicted chair", 404),
        ("chair who authored it", 404),
        ("assigned reviewer", 404),
        ("author", 404),
    ],
)
def test_chair_paper_page_access(client, role, status):
    scene = make_scene()
    user = {
        "chair": scene.chair,
        "conflicted chair": scene.chair,
        "chair who authored it": scene.chair,
        "assigned reviewer": scene.reviewers[0],
        "author": scene.author,
    }[role]
    if role == "conflicted chair":
        conflict(scene.chair, scene.paper)
    if role == "chair who authored it":
        scene.paper = SubmissionFactory(conference=scene.conference, authors=[scene.chair])
    client.force_login(user)
    assert client.get(paper_url(scene)).status_code == status
    response = client.post(paper_url(scene), decision_post(Outcome.REJECT, 0))
    assert response.status_code == (302 if status == 200 else 404)
    assert Decision.objects.exists() == (status == 200)


def test_set_decision_updates_state_and_audits_old_and_new(client):
    scene = make_scene()
    client.force_login(scene.chair)
    client.post(paper_url(scene), decision_post(Outcome.ACCEPT_POSTER, 0, note_to_authors="Nice."))
    client.post(paper_url(scene), decision_post(Outcome.REJECT, 1))
    scene.paper.refresh_from_db()
    assert scene.paper.state == Submission.State.REJECTED
    decision = Decision.objects.get()
    assert (decision.outcome, decision.version, decision.decided_by) == ("reject", 2, scene.chair)
    entries = list(AuditEntry.objects.filter(action="decision.set").order_by("pk"))
    assert [(e.actor, e.before and e.before["outcome"], e.after["outcome"]) for e in entries] == [
        (scene.chair, None, "accept_poster"),
        (scene.chair, "accept_poster", "reject"),
    ]
    assert entries[1].before["note_to_authors"] == "Nice."


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        (Outcome.ACCEPT_ORAL, Submission.State.ACCEPTED),
        (Outcome.ACCEPT_POSTER, Submission.State.ACCEPTED),
        (Outcome.REJECT, Submission.State.REJECTED),
        (Outcome.DESK_REJECT, Submission.State.DESK_REJECTED),
    ],
)
def test_each_outcome_sets_matching_state(outcome, state):
    scene = make_scene(reviewers=0)
    decisions.set_decision(
        actor=scene.chair, submission=scene.paper, outcome=outcome, expected_version=0
    )
    scene.paper.refresh_from_db()
    assert scene.paper.state == state


def test_second_chair_saving_stale_decision_is_refused_with_message(client):
    scene = make_scene()
    other_chair = make_chair(scene.conference, user=UserFactory(full_name="Bruno Okafor"))
    client.force_login(scene.chair)
    client.post(paper_url(scene), decision_post(Outcome.ACCEPT_ORAL, 0))
    client.force_login(other_chair)
    response = client.post(paper_url(scene), decision_post(Outcome.REJECT, 0))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "Accept (oral)" in body
    decision = Decision.objects.get()
    assert (decision.outcome, decision.version) == ("accept_oral", 1)
    # The re-rendered form carries the current version: saving again is a deliberate overwrite.
    assert 'name="version" value="1"' in body
    client.post(paper_url(scene), decision_post(Outcome.REJECT, 1))
    assert Decision.objects.get().outcome == "reject"


def test_stale_decision_service_call_raises_conflict():
    scene = make_scene(reviewers=0)
    decisions.set_decision(
        actor=scene.chair, submission=scene.paper, outcome=Outcome.REJECT, expected_version=0
    )
    with pytest.raises(decisions.DecisionConflict):
        decisions.set_decision(
            actor=scene.chair,
            submission=scene.paper,
            outcome=Outcome.ACCEPT_ORAL,
            expected_version=0,
        )
    assert AuditEntry.objects.filter(action="decision.set").count() == 1


def test_student_award_refused_for_ineligible_paper(client):
    scene = make_scene(first_author_student=False)
    client.force_login(scene.chair)
    with pytest.raises(decisions.DecisionRefused, match="not eligible for the Best Student Paper"):
        decisions.set_decision(
            actor=scene.chair,
            submission=scene.paper,
            outcome=Outcome.ACCEPT_ORAL,
            best_student_paper=True,
            expected_version=0,
        )
    assert not Decision.objects.exists()


def test_student_award_for_eligible_paper_and_best_paper(client):
    scene = make_scene(first_author_student=True)
    client.force_login(scene.chair)
    response = client.post(
        paper_url(scene),
        decision_post(Outcome.ACCEPT_ORAL, 0, best_paper="on", best_student_paper="on"),
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.best_paper, decision.best_student_paper) == (True, True)


def test_student_award_checkbox_disabled_for_ineligible_paper(client):
    scene = make_scene(first_author_student=False)
    client.force_login(scene.chair)
    body = client.get(paper_url(scene)).content.decode()
    assert "Not eligible: the authors did not state" in body
    # A forged POST of the disabled box is ignored by the form (disabled fields keep initial).
    client.post(paper_url(scene), decision_post(Outcome.ACCEPT_ORAL, 0, best_student_paper="on"))
    assert Decision.objects.get().best_student_paper is False


def test_award_on_rejected_paper_is_refused(client):
    scene = make_scene()
    client.force_login(scene.chair)
    response = client.post(paper_url(scene), decision_post(Outcome.REJECT, 0, best_paper="on"))
    assert response.status_code == 409
    assert "Only accepted papers can receive an award" in response.content.decode()
    assert not Decision.objects.exists()


def test_withdrawn_paper_cannot_be_decided():
    scene = make_scene(reviewers=0, state=Submission.State.WITHDRAWN)
    with pytest.raises(decisions.DecisionRefused, match="withdrawn"):
        decisions.set_decision(
            actor=scene.chair, submission=scene.paper, outcome=Outcome.REJECT, expected_version=0
        )


def test_bulk_decision_on_ticked_papers(client):
    scene = make_scene(reviewers=0)
    second = SubmissionFactory(conference=scene.conference)
    untouched = SubmissionFactory(conference=scene.conference)
    client.force_login(scene.chair)
    response = client.post(
        reverse("reviews:bulk_decision", args=[scene.conference.slug]),
        {"outcome": "reject", "scope": "selected", "papers": [scene.paper.pk, second.pk]},
    )
    assert response.status_code == 302
    assert set(Decision.objects.values_list("submission_id", "outcome")) == {
        (scene.paper.pk, "reject"),
        (second.pk, "reject"),
    }
    untouched.refresh_from_db()
    assert untouched.state == Submission.State.SUBMITTED
    assert AuditEntry.objects.filter(action="decision.set", reason="bulk decision").count() == 2


def test_bulk_decision_on_filter_skips_conflicted_and_withdrawn_papers(client):
    scene = make_scene(reviewers=0)
    track = scene.paper.track
    conflicted = SubmissionFactory(conference=scene.conference, track=track)
    conflict(scene.chair, conflicted)
    SubmissionFactory(conference=scene.conference, track=track, state=Submission.State.WITHDRAWN)
    other_track = scene.conference.tracks.exclude(pk=track.pk).first()
    elsewhere = SubmissionFactory(conference=scene.conference, track=other_track)
    client.force_login(scene.chair)
    client.post(
        reverse("reviews:bulk_decision", args=[scene.conference.slug]),
        {"outcome": "accept_poster", "scope": "filtered", "filter_query": f"track={track.pk}"},
    )
    assert list(Decision.objects.values_list("submission_id", flat=True)) == [scene.paper.pk]
    assert not Decision.objects.filter(submission__in=[conflicted, elsewhere]).exists()


def test_bulk_decision_keeps_notes_and_drops_awards_on_reject():
    scene = make_scene(reviewers=0, first_author_student=True)
    decisions.set_decision(
        actor=scene.chair,
        submission=scene.paper,
        outcome=Outcome.ACCEPT_ORAL,
        note="Keep me",
        best_paper=True,
        expected_version=0,
    )
    changed, skipped = decisions.set_decisions_in_bulk(
        actor=scene.chair, submission_ids=[scene.paper.pk], outcome=Outcome.REJECT
    )
    decision = Decision.objects.get()
    assert (changed, skipped) == (1, 0)
    assert (decision.outcome, decision.note_to_authors, decision.best_paper) == (
        "reject",
        "Keep me",
        False,
    )


def test_bulk_decision_without_ticked_papers_says_what_to_do(client):
    scene = make_scene(reviewers=0)
    client.force_login(scene.chair)
    response = client.post(
        reverse("reviews:bulk_decision", args=[scene.conference.slug]),
        {"outcome": "reject", "scope": "selected"},
        follow=True,
    )
    assert "Tick at least one paper" in response.content.decode()
    assert not Decision.objects.exists()


def test_changing_decision_away_from_oral_drops_oral_slot_and_reject_drops_placement():
    scene = make_scene(reviewers=0)
    oral = ProgramSession.objects.create(
        conference=scene.conference,
        kind="oral",
        title="Orals I",
        starts_at="2025-04-27T10:15Z",
        ends_at="2025-04-27T10:45Z",
    )
    poster = ProgramSession.objects.create(
        conference=scene.conference,
        kind="poster",
        title="Posters",
        starts_at="2025-04-27T11:00Z",
        ends_at="2025-04-27T12:00Z",
    )
    decisions.set_decision(
        actor=scene.chair, submission=scene.paper, outcome=Outcome.ACCEPT_ORAL, expected_version=0
    )
    Presentation.objects.create(
        submission=scene.paper, oral_session=oral, oral_order=1, poster_session=poster
    )
    decisions.set_decision(
        actor=scene.chair, submission=scene.paper, outcome=Outcome.ACCEPT_POSTER, expected_version=1
    )
    presentation = Presentation.objects.get()
    assert (presentation.oral_session, presentation.poster_session) == (None, poster)
    decisions.set_decision(
        actor=scene.chair, submission=scene.paper, outcome=Outcome.REJECT, expected_version=2
    )
    assert not Presentation.objects.exists()
    last = AuditEntry.objects.filter(action="decision.set").first()
    assert last.after["program"]["removed"]["poster_session"] == poster.pk


def test_decision_after_release_warns_that_no_new_email_is_sent(client):
    scene = make_scene(reviewers=0)
    decide(scene.paper, Outcome.REJECT)
    from django.utils import timezone

    scene.conference.decisions_released_at = timezone.now()
    scene.conference.save()
    client.force_login(scene.chair)
    response = client.post(paper_url(scene), decision_post(Outcome.ACCEPT_POSTER, 1), follow=True)
    assert "Decisions are already released" in response.content.decode()


def test_chair_paper_shows_names_confidential_comments_and_waiting_reviewers(client):
    from tests.reviews.reviewing_support import ReviewFactory

    scene = make_scene()
    ReviewFactory(submission=scene.paper, reviewer=scene.reviewers[0])
    client.force_login(scene.chair)
    body = client.get(paper_url(scene)).content.decode()
    assert scene.reviewers[0].full_name in body
    assert "CONFIDENTIAL-NOTE-FOR-CHAIRS" in body
    assert f"Reviewer B ({scene.reviewers[1].full_name})" in body


def test_reviewer_of_paper_cannot_decide_even_as_reviewer_member():
    scene = make_scene()
    reviewer = make_reviewer(scene.conference)
    assert not reviewer.has_perm("reviews.decide", scene.paper)
    assert scene.chair.has_perm("reviews.decide", scene.paper)
