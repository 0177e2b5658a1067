"""Assignment from rows to rows: a small instance end to end (run, inspect, edit, commit), manual
assignment, infeasibility in words, and what a chair-author may see of a proposal."""

import pytest
from django.urls import reverse

from conference.models import AuditEntry, CommitteeMembership
from notifications.models import OutgoingEmail
from reviews import assignment_service as service
from reviews.models import Affinity, Assignment, BackgroundJob, Bid, Conflict, Review
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.committee_support import paper_by, reviewer_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """4 papers needing 2 reviews each, 4 reviewers with a cap of 2: every slot is needed.

    Reviewer 0 conflicts with paper 1; reviewer 1 is not willing to review paper 2; reviewer 2 is
    already assigned to paper 3.
    """
    conference = ConferenceFactory(slug="scope", default_max_load=2)
    conference.tracks.update(reviews_per_paper=2)
    DeadlineFactory(conference=conference, kind="review", days=30)
    chair = make_chair(conference, user__email="chair@chairs.org")
    reviewers = [
        reviewer_at(
            conference,
            f"Uni {n}",
            f"uni{n}.edu",
            user__full_name=f"Reviewer {n}",
            user__email=f"r{n}@uni{n}.edu",
        )
        for n in range(4)
    ]
    papers = [
        paper_by(conference, name=f"Author {n}", email=f"a{n}@x.org", number=n + 1)
        for n in range(4)
    ]
    for p, paper in enumerate(papers):
        for r, reviewer in enumerate(reviewers):
            Affinity.objects.create(submission=paper, reviewer=reviewer, score=((p + r) % 4) / 4)
    Conflict.objects.create(
        submission=papers[0], user=reviewers[0], kind="chair_added", source="chair"
    )
    Bid.objects.create(submission=papers[1], reviewer=reviewers[1], value=Bid.Value.NOT_WILLING)
    Bid.objects.create(submission=papers[2], reviewer=reviewers[3], value=Bid.Value.EAGER)
    Assignment.objects.create(submission=papers[2], reviewer=reviewers[2])
    return conference, chair, reviewers, papers


def run(conference, chair, django_capture_on_commit_callbacks, **params):
    options = {"affinity_weight": 1.0, "bid_weight": 1.0, "one_per_institution": False, **params}
    with django_capture_on_commit_callbacks(execute=True):
        job = service.start_assignment_run(conference=conference, actor=chair, **options)
    job.refresh_from_db()
    return job


def pairs_of(job):
    return sorted((pair["paper"], pair["reviewer"]) for pair in job.result["pairs"])


def test_proposal_respects_every_constraint(world, django_capture_on_commit_callbacks):
    conference, chair, reviewers, papers = world

    job = run(conference, chair, django_capture_on_commit_callbacks)

    assert (job.status, job.progress) == ("done", 1.0)
    pairs = pairs_of(job)
    per_paper = {paper.pk: sum(1 for p, _r in pairs if p == paper.pk) for paper in papers}
    per_reviewer = {r.pk: sum(1 for _p, rid in pairs if rid == r.pk) for r in reviewers}
    assert per_paper == {paper.pk: 2 for paper in papers}
    assert per_reviewer == {r.pk: 2 for r in reviewers}
    assert (papers[0].pk, reviewers[0].pk) not in pairs
    assert (papers[1].pk, reviewers[1].pk) not in pairs
    assert (papers[2].pk, reviewers[2].pk) in pairs
    origins = {(p["paper"], p["reviewer"]): p["origin"] for p in job.result["pairs"]}
    assert origins[(papers[2].pk, reviewers[2].pk)] == "locked"
    assert job.result["certified"] is True
    eager = next(p for p in job.result["pairs"] if p["bid"] == Bid.Value.EAGER)
    assert (eager["paper"], eager["reviewer"]) == (papers[2].pk, reviewers[3].pk)


def test_proposal_with_one_reviewer_per_institution(world, django_capture_on_commit_callbacks):
    conference, chair, reviewers, papers = world
    for reviewer in reviewers[:2]:
        reviewer.affiliations.update(institution="Georgia Tech")

    job = run(conference, chair, django_capture_on_commit_callbacks, one_per_institution=True)

    pairs = pairs_of(job)
    together = [
        paper
        for paper in papers
        if {(paper.pk, reviewers[0].pk), (paper.pk, reviewers[1].pk)} <= set(pairs)
    ]
    assert job.status == "done"
    assert together == []


def test_infeasible_run_fails_with_reasons_in_words(world, django_capture_on_commit_callbacks):
    conference, chair, reviewers, papers = world
    conference.tracks.update(reviews_per_paper=3)

    job = run(conference, chair, django_capture_on_commit_callbacks)

    assert (job.status, job.message) == ("failed", "No assignment meets the constraints.")
    assert job.result["reasons"]
    assert any("paper #" in reason or "capacity" in reason for reason in job.result["reasons"])


def test_manual_edit_refused_on_conflict_with_a_clear_message(
    world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    current = next(r for p, r in pairs_of(job) if p == papers[0].pk)

    with pytest.raises(service.AssignmentRefused) as refused:
        service.edit_proposal(
            job=job,
            actor=chair,
            submission=papers[0],
            remove=UserFactory.build(pk=current),
            add=reviewers[0],
        )

    assert str(refused.value) == (
        "Reviewer 0 has a conflict of interest with paper #1 (added by chair); "
        "choose another reviewer."
    )
    job.refresh_from_db()
    assert (papers[0].pk, current) in pairs_of(job)


def test_manual_move_changes_the_proposal_and_is_audited(world, django_capture_on_commit_callbacks):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    on_paper = {r for p, r in pairs_of(job) if p == papers[3].pk}
    leaving = next(r for r in reviewers if r.pk in on_paper)
    arriving = next(r for r in reviewers if r.pk not in on_paper)

    service.edit_proposal(job=job, actor=chair, submission=papers[3], remove=leaving, add=arriving)

    job.refresh_from_db()
    assert {r for p, r in pairs_of(job) if p == papers[3].pk} == on_paper - {leaving.pk} | {
        arriving.pk
    }
    manual = next(p for p in job.result["pairs"] if p["origin"] == "manual")
    assert (manual["paper"], manual["reviewer"]) == (papers[3].pk, arriving.pk)
    entry = AuditEntry.objects.get(action="assignment.proposal_edit")
    assert (entry.object_id, entry.before["removed"], entry.after["added"]) == (
        str(papers[3].pk),
        leaving.pk,
        arriving.pk,
    )


def test_manual_add_refused_when_the_paper_is_full(world, django_capture_on_commit_callbacks):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    outsider = next(r for r in reviewers if (papers[3].pk, r.pk) not in pairs_of(job))

    with pytest.raises(service.AssignmentRefused, match="already has its 2 reviewers"):
        service.edit_proposal(job=job, actor=chair, submission=papers[3], add=outsider)


def test_commit_creates_rows_and_one_email_per_reviewer_once(
    world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)

    report = service.commit_proposal(job=job, actor=chair)
    again = service.commit_proposal(job=job, actor=chair)

    assert sorted(Assignment.objects.values_list("submission", "reviewer")) == pairs_of(job)
    assert (report.created, report.emails, report.skipped_conflicts) == (7, 4, 0)
    assert again.already_committed is True
    assert Assignment.objects.count() == 8
    emails = OutgoingEmail.objects.filter(template="assignment")
    assert sorted(email.to[0] for email in emails) == sorted(r.email for r in reviewers)
    mail = emails.get(to=[reviewers[3].email])
    assert mail.subject.startswith(f"{conference.short_name}: ")
    assert "#3 " in mail.text_body
    assert "Reviews are due" in mail.text_body
    assert "/scope/reviewing/" in mail.text_body
    job.refresh_from_db()
    assert job.status == "committed"


def test_commit_recomputes_conflicts_and_skips_newly_conflicted_pairs(
    world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    paper, reviewer_id = next((p, r) for p, r in pairs_of(job) if p == papers[3].pk)
    reviewer = next(r for r in reviewers if r.pk == reviewer_id)
    papers[3].authorships.update(email=reviewer.email)  # the reviewer turns out to be the author

    report = service.commit_proposal(job=job, actor=chair)

    assert report.skipped_conflicts == 1
    assert not Assignment.objects.filter(submission=papers[3], reviewer=reviewer).exists()
    assert Conflict.objects.filter(submission=papers[3], user=reviewer, kind="self").exists()
    assert papers[3].title not in "".join(
        OutgoingEmail.objects.filter(to=[reviewer.email]).values_list("text_body", flat=True)
    )


def test_manual_assign_refused_on_conflict_and_emails_on_success(world):
    conference, chair, reviewers, papers = world

    with pytest.raises(service.AssignmentRefused, match="conflict of interest with paper #1"):
        service.assign_reviewer(actor=chair, submission=papers[0], reviewer=reviewers[0])
    assignment = service.assign_reviewer(actor=chair, submission=papers[0], reviewer=reviewers[1])
    with pytest.raises(service.AssignmentRefused, match="already assigned"):
        service.assign_reviewer(actor=chair, submission=papers[0], reviewer=reviewers[1])

    assert assignment.created_by == chair
    email = OutgoingEmail.objects.get(template="assignment")
    assert email.dedupe_key == f"assignment:manual:{assignment.pk}:{reviewers[1].pk}"
    assert AuditEntry.objects.get(action="assignment.add").object_id == str(papers[0].pk)


def test_manual_assign_refused_for_author_and_non_member(world):
    conference, chair, reviewers, papers = world
    papers[1].authorships.update(email=reviewers[2].email)

    with pytest.raises(service.AssignmentRefused, match="is an author of paper #2"):
        service.assign_reviewer(actor=chair, submission=papers[1], reviewer=reviewers[2])
    with pytest.raises(service.AssignmentRefused, match="not on the committee"):
        service.assign_reviewer(actor=chair, submission=papers[1], reviewer=UserFactory())


def test_unassign_refused_once_the_review_is_submitted(world):
    conference, chair, reviewers, papers = world
    assignment = Assignment.objects.get()
    Review.objects.create(
        submission=assignment.submission, reviewer=assignment.reviewer, state="submitted"
    )

    with pytest.raises(service.AssignmentRefused, match="has submitted their review"):
        service.unassign_reviewer(actor=chair, assignment=assignment)
    Review.objects.all().delete()
    service.unassign_reviewer(actor=chair, assignment=assignment)

    assert Assignment.objects.count() == 0
    assert AuditEntry.objects.get(action="assignment.remove").before["reviewer"] == (
        assignment.reviewer_id
    )


def test_proposal_page_hides_the_paper_of_a_chair_author(
    client, world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    author_chair = make_chair(conference, user__email="author.chair@chairs2.org")
    papers[1].authorships.update(email=author_chair.email)
    client.force_login(author_chair)

    page = client.get(reverse("reviews:proposal", args=[conference.slug, job.pk])).content.decode()
    by_reviewer = client.get(
        reverse("reviews:proposal", args=[conference.slug, job.pk]) + "?tab=reviewers"
    ).content.decode()
    hidden_paper = client.get(
        reverse("reviews:proposal_paper", args=[conference.slug, job.pk, papers[1].number])
    )

    assert papers[0].title in page
    assert papers[1].title not in page
    assert "covers papers you do not handle" in page
    assert f"paper/{papers[1].number}/" not in by_reviewer
    assert "<dt>Reviews</dt><dd>6</dd>" in page
    assert hidden_paper.status_code == 404


def test_proposal_paper_page_refuses_conflicted_move_with_message(
    client, world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    current = next(r for p, r in pairs_of(job) if p == papers[0].pk)
    url = reverse("reviews:proposal_paper", args=[conference.slug, job.pk, papers[0].number])
    client.force_login(chair)

    page = client.get(url).content.decode()
    response = client.post(url, {"remove": current, "add": reviewers[0].pk})

    assert "Reviewer 0 (conflict: added by chair)" in page
    assert response.status_code == 409
    assert "Reviewer 0 has a conflict of interest with paper #1" in response.content.decode()


def test_commit_view_reports_and_second_commit_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)
    url = reverse("reviews:proposal_commit", args=[conference.slug, job.pk])
    client.force_login(chair)

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert "Committed: 7 new assignments; 4 reviewers emailed." in first.content.decode()
    assert "committed already; nothing changed" in second.content.decode()
    assert OutgoingEmail.objects.filter(template="assignment").count() == 4


def test_assignment_paper_view_assigns_and_refuses_conflict(client, world):
    conference, chair, reviewers, papers = world
    url = reverse("reviews:assignment_paper", args=[conference.slug, papers[0].number])
    client.force_login(chair)

    refused = client.post(url, {"add": reviewers[0].pk})
    done = client.post(url, {"add": reviewers[3].pk}, follow=True)

    assert refused.status_code == 409
    assert "Reviewer 0 has a conflict of interest with paper #1" in refused.content.decode()
    assert "Reviewer 3 is assigned to paper #1." in done.content.decode()
    assert Assignment.objects.filter(submission=papers[0]).count() == 1


@pytest.mark.parametrize("count", [1, 40])
def test_assignments_list_queries_stay_constant(client, django_assert_max_num_queries, count):
    conference = ConferenceFactory()
    chair = make_chair(conference)
    reviewer = make_reviewer(conference)
    for number in range(1, count + 1):
        paper = SubmissionFactory(conference=conference, number=number)
        Assignment.objects.create(submission=paper, reviewer=reviewer)
    client.force_login(chair)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:assignments", args=[conference.slug]))

    assert response.content.decode().count('class="button small secondary"') == count


@pytest.mark.parametrize("count", [1, 40])
def test_proposal_page_queries_stay_constant(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks, count
):
    conference = ConferenceFactory(default_max_load=count)
    conference.tracks.update(reviews_per_paper=1)
    chair = make_chair(conference, user__email="chair@chairs.org")
    make_reviewer(conference, user__email="reviewer@uni.edu")
    for number in range(1, count + 1):
        paper_by(conference, name=f"A{number}", email=f"a{number}@x{number}.org", number=number)
    job = run(conference, chair, django_capture_on_commit_callbacks)
    client.force_login(chair)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:proposal", args=[conference.slug, job.pk]))

    assert response.content.decode().count('<tr id="paper-') == count


def test_membership_status_counts_only_accepted_reviewers_in_the_pool(
    world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    CommitteeMembership.objects.filter(user=reviewers[3]).update(status="declined")
    conference.tracks.update(reviews_per_paper=1)

    job = run(conference, chair, django_capture_on_commit_callbacks)

    assert reviewers[3].pk not in {r for _p, r in pairs_of(job)}
    assert BackgroundJob.objects.get(pk=job.pk).status == "done"


def test_manual_edit_refuses_to_remove_an_existing_assignment(
    world, django_capture_on_commit_callbacks
):
    conference, chair, reviewers, papers = world
    job = run(conference, chair, django_capture_on_commit_callbacks)

    with pytest.raises(service.AssignmentRefused, match="already assigned to paper #3: unassign"):
        service.edit_proposal(job=job, actor=chair, submission=papers[2], remove=reviewers[2])
