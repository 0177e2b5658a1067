"""Affinity as rows: the texts and topics of papers and reviewers in, reviews.affinity run over
the whole conference, Affinity rows upserted in bulk.

A paper's text is its title, abstract and keywords; a reviewer's is their publication titles,
keywords and the names of their topics. Pairs scoring 0 are not stored (a missing row reads 0).
"""

from django.db import transaction
from django.template.defaultfilters import pluralize

from accounts.models import User
from conference.models import CommitteeMembership
from reviews.affinity import compute_affinity
from reviews.models import Affinity
from submissions.models import Submission

BATCH = 5000


def assignable_papers(conference):
    """The papers that get reviewers: submitted ones, by number."""
    return Submission.objects.filter(
        conference=conference, state=Submission.State.SUBMITTED
    ).order_by("number")


def reviewer_pool(conference):
    """The people papers are assigned to: accepted reviewers, by id."""
    return User.objects.filter(
        memberships__conference=conference,
        memberships__role=CommitteeMembership.Role.REVIEWER,
        memberships__status=CommitteeMembership.Status.ACCEPTED,
    ).order_by("pk")


def _paper_text(paper):
    return "\n".join((paper.title, paper.abstract, paper.keywords))


def _reviewer_text(user):
    titles = [publication.title for publication in user.publications.all()]
    topics = [topic.name for topic in user.topics.all()]
    return "\n".join([*titles, user.keywords, *topics])


def compute_conference_affinity(*, conference, progress=None):
    """Compute every paper-reviewer affinity of the conference and store it. Returns counts."""
    notify = progress or (lambda fraction, message: None)
    notify(0.02, "Reading papers and reviewer profiles")
    papers = list(assignable_papers(conference).prefetch_related("topics"))
    reviewers = list(reviewer_pool(conference).prefetch_related("publications", "topics"))

    def on_block(done, total):
        notify(0.1 + 0.6 * done / total, f"Scored {done} of {total} papers")

    scores = compute_affinity(
        paper_texts=[_paper_text(paper) for paper in papers],
        reviewer_texts=[_reviewer_text(user) for user in reviewers],
        paper_topics=[{topic.pk for topic in paper.topics.all()} for paper in papers],
        reviewer_topics=[{topic.pk for topic in user.topics.all()} for user in reviewers],
        progress=on_block,
    )
    notify(0.75, "Saving affinities")
    rows, kept = [], set()
    for row, column in zip(*scores.nonzero(), strict=True):
        pair = (papers[row].pk, reviewers[column].pk)
        kept.add(pair)
        rows.append(
            Affinity(submission_id=pair[0], reviewer_id=pair[1], score=float(scores[row, column]))
        )
    with transaction.atomic():
        stale = [
            pk
            for pk, submission_id, reviewer_id in Affinity.objects.filter(
                submission__conference=conference
            ).values_list("pk", "submission_id", "reviewer_id")
            if (submission_id, reviewer_id) not in kept
        ]
        Affinity.objects.filter(pk__in=stale).delete()
        Affinity.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["submission", "reviewer"],
            update_fields=["score"],
        )
    notify(1.0, "Affinities are up to date")
    return {
        "papers": len(papers),
        "reviewers": len(reviewers),
        "pairs": len(rows),
        "message": f"Scored {len(papers)} paper{pluralize(len(papers))} against "
        f"{len(reviewers)} reviewer{pluralize(len(reviewers))}.",
    }


def start_affinity_run(*, conference, actor):
    """Queue the computation of the conference's affinities."""
    from reviews import jobs
    from reviews.models import BackgroundJob
    from reviews.tasks import compute_affinity_task

    return jobs.queue_job(
        conference=conference,
        kind=BackgroundJob.Kind.AFFINITY,
        actor=actor,
        task=compute_affinity_task,
    )


def seed_demo_conflicts_and_affinity(*, conference, people, password):
    """Seed hook (SCOPE_SEED_HOOKS, after the demo papers): the demo starts with its conflicts
    found and its affinities computed, as a chair would after opening bidding."""
    from reviews.conflict_sync import recompute_conflicts

    recompute_conflicts(conference=conference)
    compute_conference_affinity(conference=conference)
