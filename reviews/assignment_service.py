"""Reviewer assignment as rows: build the solver's arrays from the database, store its proposal
on the BackgroundJob, let chairs edit it, and commit it as Assignment rows.

The score of a pair is

    score = affinity_weight * affinity + bid_weight * bid score

with the bid scores of reviews.bidding.BID_SCORES (eager 1, willing 0.5, no bid 0, in a pinch
-0.5). Forbidden pairs: standing conflicts, "not willing" and "conflict" bids, and authors.
Each paper gets its track's `reviews_per_paper` reviewers in all (existing assignments count and
are kept), no reviewer gets more than their load cap, and optionally no paper gets two reviewers
whose current institutions match.

A proposal (`job.result`) holds one entry per pair: paper and reviewer ids, where it came from
("locked" = an existing assignment, "solver", "manual") and the pair's affinity and bid when it
was proposed. Committing recomputes conflicts first; a pair that became conflicted is skipped.
"""

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from conference import audit
from conference.models import CommitteeMembership, Deadline
from notifications.services import queue_email
from reviews import jobs
from reviews.affinity_sync import assignable_papers, reviewer_pool
from reviews.assignment import InfeasibleAssignment, solve_assignment
from reviews.bidding import BID_SCORES, FORBIDDING_BIDS
from reviews.conflict_sync import recompute_conflicts
from reviews.domains import canonical_domain, canonical_institution
from reviews.models import Affinity, Assignment, BackgroundJob, Bid, Conflict, Review
from submissions.models import Authorship

LOCKED, SOLVER, MANUAL = "locked", "solver", "manual"


class AssignmentRefused(Exception):
    """A chair's assignment change that cannot be made; the message says why and what to do."""


def paper_label(number):
    """How reasons name a paper; views find hidden papers in reasons by this pattern."""
    return f"paper #{number}"


def standing_conflicts(*, submission_ids, user_ids):
    """{(submission id, user id): [kind labels]} of the conflicts that block (any user when
    `user_ids` is None)."""
    labels = dict(Conflict.Kind.choices)
    found = {}
    rows = Conflict.objects.filter(submission_id__in=submission_ids, overridden=False)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    rows = rows.values_list("submission_id", "user_id", "kind")
    for submission_id, user_id, kind in rows:
        found.setdefault((submission_id, user_id), []).append(labels[kind])
    return found


def author_pairs(*, submission_ids, users):
    """(submission id, user id) pairs where one of `users` is an author, by account or email.

    The self-conflict rule finds these too; this check does not wait for a recompute."""
    by_email = {user.email.lower(): user.pk for user in users}
    ids = set(by_email.values())
    pairs = set()
    rows = Authorship.objects.filter(submission_id__in=submission_ids).filter(
        Q(user_id__in=ids) | Q(email__in=list(by_email))
    )
    for submission_id, user_id, email in rows.values_list("submission_id", "user_id", "email"):
        for author in {user_id, by_email.get(email.lower())} & ids:
            pairs.add((submission_id, author))
    return pairs


def load_caps(conference):
    """{user id: load cap} of the accepted reviewers."""
    memberships = CommitteeMembership.objects.filter(
        conference=conference,
        role=CommitteeMembership.Role.REVIEWER,
        status=CommitteeMembership.Status.ACCEPTED,
    ).select_related("conference")
    return {membership.user_id: membership.load_cap for membership in memberships}


def institution_key(user):
    """The reviewer's current institution as compared by the one-per-institution rule: the first
    current affiliation's canonical name, else their email's employer domain, else None."""
    current = [a for a in user.affiliations.all() if a.end_year is None]
    if current:
        return canonical_institution(current[0].institution) or None
    return canonical_domain(user.email.rpartition("@")[2])


@dataclass
class Instance:
    """The solver's arrays and the rows they came from (papers by number, reviewers by id)."""

    papers: list
    reviewers: list
    affinity: np.ndarray
    bids: dict  # (paper index, reviewer index) -> bid value
    scores: np.ndarray
    forbidden: np.ndarray
    k: np.ndarray
    loads: np.ndarray
    locked: list  # [paper index, reviewer index]
    institution: np.ndarray | None
    dropped: list  # [submission id, reviewer id] of existing assignments now conflicted


def build_instance(*, conference, affinity_weight, bid_weight, one_per_institution):
    """Read everything the solver needs for the conference, in a fixed number of queries."""
    papers = list(assignable_papers(conference).select_related("track"))
    reviewers = list(reviewer_pool(conference).prefetch_related("affiliations"))
    paper_at = {paper.pk: index for index, paper in enumerate(papers)}
    reviewer_at = {user.pk: index for index, user in enumerate(reviewers)}
    shape = (len(papers), len(reviewers))
    affinity = np.zeros(shape, dtype=np.float32)
    rows = Affinity.objects.filter(
        submission_id__in=paper_at, reviewer_id__in=reviewer_at
    ).values_list("submission_id", "reviewer_id", "score")
    for submission_id, reviewer_id, score in rows:
        affinity[paper_at[submission_id], reviewer_at[reviewer_id]] = score
    bid_scores = np.zeros(shape, dtype=np.float32)
    forbidden = np.zeros(shape, dtype=bool)
    bids = {}
    rows = Bid.objects.filter(submission_id__in=paper_at, reviewer_id__in=reviewer_at)
    for submission_id, reviewer_id, value in rows.values_list(
        "submission_id", "reviewer_id", "value"
    ):
        cell = (paper_at[submission_id], reviewer_at[reviewer_id])
        bids[cell] = value
        if value in FORBIDDING_BIDS:
            forbidden[cell] = True
        else:
            bid_scores[cell] = BID_SCORES[value]
    conflicted = standing_conflicts(submission_ids=list(paper_at), user_ids=None)
    for submission_id, reviewer_id in conflicted:
        if reviewer_id in reviewer_at:
            forbidden[paper_at[submission_id], reviewer_at[reviewer_id]] = True
    for submission_id, reviewer_id in author_pairs(submission_ids=list(paper_at), users=reviewers):
        forbidden[paper_at[submission_id], reviewer_at[reviewer_id]] = True
    k = np.array([paper.track.reviews_per_paper for paper in papers], dtype=np.int64)
    caps = load_caps(conference)
    loads = np.array([caps[user.pk] for user in reviewers], dtype=np.int64)
    locked, dropped = [], []
    for submission_id, reviewer_id in Assignment.objects.filter(
        submission_id__in=paper_at
    ).values_list("submission_id", "reviewer_id"):
        if (submission_id, reviewer_id) in conflicted:
            dropped.append([submission_id, reviewer_id])
        elif reviewer_id in reviewer_at:
            locked.append([paper_at[submission_id], reviewer_at[reviewer_id]])
        else:  # someone outside the pool (e.g. a chair) holds one of the paper's slots
            k[paper_at[submission_id]] = max(0, k[paper_at[submission_id]] - 1)
    institution = None
    if one_per_institution:
        codes = {}
        keys = [institution_key(user) for user in reviewers]
        institution = np.array(
            [codes.setdefault(key, len(codes)) if key else -1 for key in keys], dtype=np.int64
        )
    return Instance(
        papers=papers,
        reviewers=reviewers,
        affinity=affinity,
        bids=bids,
        scores=affinity_weight * affinity + bid_weight * bid_scores,
        forbidden=forbidden,
        k=k,
        loads=loads,
        locked=locked,
        institution=institution,
        dropped=dropped,
    )


def start_assignment_run(*, conference, actor, affinity_weight, bid_weight, one_per_institution):
    """Queue a solver run; the chair watches its progress and then inspects the proposal."""
    from reviews.tasks import run_assignment_task

    return jobs.queue_job(
        conference=conference,
        kind=BackgroundJob.Kind.ASSIGNMENT,
        actor=actor,
        params={
            "affinity_weight": affinity_weight,
            "bid_weight": bid_weight,
            "one_per_institution": one_per_institution,
        },
        task=run_assignment_task,
    )


def run_assignment(*, job, progress):
    """The work of an assignment job: conflicts recomputed, the solver run, the proposal
    returned for the job's result. An infeasible instance fails the job with the reasons."""
    conference = job.conference
    params = job.params
    recompute_conflicts(
        conference=conference,
        actor=job.created_by,
        progress=lambda fraction, message: progress(0.2 * fraction, message),
    )
    progress(0.2, "Reading affinities, bids, conflicts and loads")
    instance = build_instance(
        conference=conference,
        affinity_weight=params["affinity_weight"],
        bid_weight=params["bid_weight"],
        one_per_institution=params["one_per_institution"],
    )
    try:
        solved = solve_assignment(
            scores=instance.scores,
            forbidden=instance.forbidden,
            k=instance.k,
            loads=instance.loads,
            locked=instance.locked,
            institution=instance.institution,
            progress=lambda fraction, message: progress(0.3 + 0.65 * fraction, message),
            paper_labels=[paper_label(paper.number) for paper in instance.papers],
            reviewer_labels=[str(user) for user in instance.reviewers],
        )
    except InfeasibleAssignment as infeasible:
        raise jobs.JobFailed(
            "No assignment meets the constraints.", result={"reasons": infeasible.reasons}
        ) from infeasible
    locked = {tuple(pair) for pair in instance.locked}
    pairs = [
        {
            "paper": instance.papers[p].pk,
            "reviewer": instance.reviewers[r].pk,
            "origin": LOCKED if (p, r) in locked else SOLVER,
            "affinity": round(float(instance.affinity[p, r]), 4),
            "bid": instance.bids.get((p, r)),
        }
        for p, r in solved.pairs.tolist()
    ]
    return {
        "message": f"Proposed {len(pairs)} reviews for {len(instance.papers)} papers.",
        "papers": {
            str(paper.pk): int(k) for paper, k in zip(instance.papers, instance.k, strict=True)
        },
        "reviewers": [user.pk for user in instance.reviewers],
        "pairs": pairs,
        "dropped": instance.dropped,
        "objective": round(solved.objective, 4),
        "certified": solved.certified,
        "seconds": round(solved.seconds, 3),
        "rounds": solved.rounds,
    }


def _locked_proposal(job):
    job = BackgroundJob.objects.select_for_update().select_related("conference").get(pk=job.pk)
    if job.kind != BackgroundJob.Kind.ASSIGNMENT:
        raise AssignmentRefused("This job is not an assignment proposal.")
    if job.status == BackgroundJob.Status.COMMITTED:
        raise AssignmentRefused(
            "This proposal is committed already; change assignments on the Assignments page."
        )
    if job.status != BackgroundJob.Status.DONE:
        raise AssignmentRefused("This proposal is not ready: wait for the run to finish.")
    return job


def _refuse_if_blocked(*, submission, reviewer):
    kinds = standing_conflicts(submission_ids=[submission.pk], user_ids=[reviewer.pk]).get(
        (submission.pk, reviewer.pk)
    )
    if kinds:
        raise AssignmentRefused(
            f"{reviewer} has a conflict of interest with paper #{submission.number} "
            f"({', '.join(kinds).lower()}); choose another reviewer."
        )
    if author_pairs(submission_ids=[submission.pk], users=[reviewer]):
        raise AssignmentRefused(
            f"{reviewer} is an author of paper #{submission.number}; choose another reviewer."
        )


def pair_facts(*, submission, reviewer):
    """The affinity and bid of one pair, as a proposal stores them."""
    affinity = (
        Affinity.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("score", flat=True)
        .first()
    )
    bid = (
        Bid.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("value", flat=True)
        .first()
    )
    return {"affinity": round(affinity or 0.0, 4), "bid": bid}


def edit_proposal(*, job, actor, submission, remove=None, add=None):
    """Change one paper's reviewers in a proposal: remove one, add one, or both (a move).

    Adding is refused on a conflict, for an author, for someone outside the reviewer pool or
    already on the paper, and when the paper would get more reviewers than its track asks for.
    Existing assignments (kept by the run) are not removed here but on the Assignments page.
    """
    with transaction.atomic():
        job = _locked_proposal(job)
        result = job.result
        key = str(submission.pk)
        if key not in result["papers"]:
            raise AssignmentRefused(f"Paper #{submission.number} is not part of this proposal.")
        pairs = result["pairs"]
        current = [pair["reviewer"] for pair in pairs if pair["paper"] == submission.pk]
        if remove is not None:
            if remove.pk not in current:
                raise AssignmentRefused(
                    f"{remove} is not proposed for paper #{submission.number}; reload the page."
                )
            kept = any(
                p["paper"] == submission.pk and p["reviewer"] == remove.pk and p["origin"] == LOCKED
                for p in pairs
            )
            if kept:
                raise AssignmentRefused(
                    f"{remove} is already assigned to paper #{submission.number}: unassign them "
                    "on the Assignments page, then run the assignment again."
                )
            pairs[:] = [
                p for p in pairs if not (p["paper"] == submission.pk and p["reviewer"] == remove.pk)
            ]
            current.remove(remove.pk)
        if add is not None:
            if add.pk not in result["reviewers"]:
                raise AssignmentRefused(
                    f"{add} is not an accepted reviewer of this conference, so the proposal "
                    "cannot use them. Run the assignment again after they join."
                )
            if add.pk in current:
                raise AssignmentRefused(
                    f"{add} is already proposed for paper #{submission.number}."
                )
            _refuse_if_blocked(submission=submission, reviewer=add)
            if len(current) >= result["papers"][key]:
                raise AssignmentRefused(
                    f"Paper #{submission.number} already has its {result['papers'][key]} "
                    "reviewers: replace one of them instead of adding."
                )
            pairs.append(
                {
                    "paper": submission.pk,
                    "reviewer": add.pk,
                    "origin": MANUAL,
                    **pair_facts(submission=submission, reviewer=add),
                }
            )
        job.save(update_fields=["result"])
        audit.record(
            actor=actor,
            conference=job.conference,
            action="assignment.proposal_edit",
            obj=submission,
            before={"proposal": job.pk, "removed": getattr(remove, "pk", None)},
            after={"proposal": job.pk, "added": getattr(add, "pk", None)},
        )
    return job


@dataclass
class CommitReport:
    created: int
    skipped_conflicts: int
    removed_conflicted: int
    emails: int
    already_committed: bool = False


def _review_deadline(conference):
    return conference.deadlines.filter(kind=Deadline.Kind.REVIEW).first()


def queue_assignment_emails(*, conference, reviewer_ids, new_pairs, key_prefix):
    """One email per reviewer listing all their papers of the conference (the new ones marked)
    and the review deadline. Returns the number of emails queued."""
    deadline = _review_deadline(conference)
    assignments = (
        Assignment.objects.filter(submission__conference=conference, reviewer_id__in=reviewer_ids)
        .exclude(
            Exists(
                Conflict.objects.filter(
                    submission=OuterRef("submission"), user=OuterRef("reviewer"), overridden=False
                )
            )
        )
        .select_related("submission__track", "reviewer")
        .order_by("reviewer_id", "submission__number")
    )
    by_reviewer = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer, []).append(
            {
                "submission": assignment.submission,
                "new": (assignment.submission_id, assignment.reviewer_id) in new_pairs,
            }
        )
    url = reverse("reviews:reviewer_home", args=[conference.slug])
    for reviewer, papers in by_reviewer.items():
        queue_email(
            key=f"{key_prefix}:{reviewer.pk}",
            to=[reviewer.email],
            template="assignment",
            context={
                "conference": conference,
                "reviewer": reviewer,
                "papers": papers,
                "new_count": sum(1 for paper in papers if paper["new"]),
                "deadline": deadline,
                "assignments_path": url,
            },
            conference=conference,
            papers=[paper["submission"] for paper in papers],
        )
    return len(by_reviewer)


def commit_proposal(*, job, actor):
    """Turn a proposal into Assignment rows and tell each reviewer with new papers, once.

    Conflicts are recomputed first: a proposed pair that is conflicted now is skipped (and
    reported), and existing assignments that are conflicted now are removed. Committing a
    committed proposal creates nothing and sends nothing.
    """
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().select_related("conference").get(pk=job.pk)
        if job.status == BackgroundJob.Status.COMMITTED:
            return CommitReport(0, 0, 0, 0, already_committed=True)
        job = _locked_proposal(job)
        conference = job.conference
        recompute_conflicts(conference=conference, actor=actor)
        paper_ids = [int(key) for key in job.result["papers"]]
        pairs = {(pair["paper"], pair["reviewer"]) for pair in job.result["pairs"]}
        blocked = standing_conflicts(submission_ids=paper_ids, user_ids=None)
        current = Assignment.objects.filter(submission_id__in=paper_ids).values_list(
            "pk", "submission_id", "reviewer_id"
        )
        stale = [pk for pk, s, r in current if (s, r) in blocked]
        Assignment.objects.filter(pk__in=stale).delete()
        existing = {(s, r) for pk, s, r in current if (s, r) not in blocked}
        wanted = pairs - existing
        skipped = {pair for pair in wanted if pair in blocked}
        new_pairs = wanted - skipped
        Assignment.objects.bulk_create(
            [Assignment(submission_id=s, reviewer_id=r, created_by=actor) for s, r in new_pairs]
        )
        emails = queue_assignment_emails(
            conference=conference,
            reviewer_ids={r for _s, r in new_pairs},
            new_pairs=new_pairs,
            key_prefix=f"assignment:{job.pk}",
        )
        report = CommitReport(
            created=len(new_pairs),
            skipped_conflicts=len(skipped),
            removed_conflicted=len(stale),
            emails=emails,
        )
        job.status = BackgroundJob.Status.COMMITTED
        job.result = {**job.result, "committed": report.__dict__, "committed_by": actor.pk}
        job.message = f"Committed: {report.created} new assignments."
        job.save(update_fields=["status", "result", "message"])
        audit.record(
            actor=actor,
            conference=conference,
            action="assignment.commit",
            obj=job,
            after={
                "created": report.created,
                "skipped_conflicts": report.skipped_conflicts,
                "removed_conflicted": report.removed_conflicted,
                "emails": report.emails,
            },
        )
    return report


def assign_reviewer(*, actor, submission, reviewer):
    """A chair assigns a reviewer by hand; refused on a conflict, for an author, for someone
    not on the committee, or twice. The reviewer is emailed."""
    with transaction.atomic():
        is_member = CommitteeMembership.objects.filter(
            conference=submission.conference,
            user=reviewer,
            status=CommitteeMembership.Status.ACCEPTED,
        ).exists()
        if not is_member:
            raise AssignmentRefused(f"{reviewer} is not on the committee of this conference.")
        _refuse_if_blocked(submission=submission, reviewer=reviewer)
        assignment, created = Assignment.objects.get_or_create(
            submission=submission, reviewer=reviewer, defaults={"created_by": actor}
        )
        if not created:
            raise AssignmentRefused(
                f"{reviewer} is already assigned to paper #{submission.number}."
            )
        audit.record(
            actor=actor,
            conference=submission.conference,
            action="assignment.add",
            obj=submission,
            after={"reviewer": reviewer.pk, "reviewer_name": str(reviewer)},
        )
        queue_assignment_emails(
            conference=submission.conference,
            reviewer_ids={reviewer.pk},
            new_pairs={(submission.pk, reviewer.pk)},
            key_prefix=f"assignment:manual:{assignment.pk}",
        )
    return assignment


def unassign_reviewer(*, actor, assignment):
    """A chair takes a paper away from a reviewer; refused once their review is submitted."""
    submission = assignment.submission
    with transaction.atomic():
        submitted = Review.objects.filter(
            submission=submission,
            reviewer_id=assignment.reviewer_id,
            state=Review.State.SUBMITTED,
        ).exists()
        if submitted:
            raise AssignmentRefused(
                f"{assignment.reviewer} has submitted their review of paper "
                f"#{submission.number}; it stays assigned so the review counts."
            )
        audit.record(
            actor=actor,
            conference=submission.conference,
            action="assignment.remove",
            obj=submission,
            before={
                "reviewer": assignment.reviewer_id,
                "reviewer_name": str(assignment.reviewer),
            },
        )
        assignment.delete()
