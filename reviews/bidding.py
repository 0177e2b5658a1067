"""Bidding: reviewers say which papers they want to review, before the bidding deadline.

A reviewer bids on submitted papers they are neither an author of nor conflicted with. The bid
"conflict" is a declaration, not a preference: it stores a reviewer-declared Conflict, which hides
the paper from the reviewer from then on (through submissions.queries, like every conflict).
"""

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from conference import audit
from conference.models import Deadline
from reviews import conflicts as conflict_rules
from reviews.models import Affinity, Bid, Conflict
from submissions.models import Submission
from submissions.queries import authored, conflicted

Value = Bid.Value
# The scores the assignment gives each bid (see reviews.assignment_service): "not willing" and
# "conflict" are never assigned at all.
BID_SCORES = {
    Value.EAGER: 1.0,
    Value.WILLING: 0.5,
    None: 0.0,
    Value.IN_A_PINCH: -0.5,
}
FORBIDDING_BIDS = (Value.NOT_WILLING, Value.CONFLICT)


class BiddingClosed(Exception):
    """The bidding deadline has passed; the message says when."""


def bidding_deadline(conference):
    return conference.deadlines.filter(kind=Deadline.Kind.BIDDING).first()


def is_bidding_open(conference, *, now=None, deadline=None):
    """Open until the bidding deadline's last second (AoE); open while chairs set none."""
    deadline = deadline if deadline is not None else bidding_deadline(conference)
    return deadline is None or deadline.is_open_at(now or timezone.now())


def biddable_submissions(user, conference):
    """Submitted papers the reviewer may bid on: not their own, no standing conflict."""
    if not user.is_authenticated:
        return Submission.objects.none()
    return (
        Submission.objects.filter(conference=conference, state=Submission.State.SUBMITTED)
        .exclude(conflicted(user))
        .exclude(authored(user))
    )


def bidding_list(user, conference, *, order="affinity", query="", track=None, topic=None):
    """The rows of the bidding page with the reviewer's bid and affinity, in a fixed number of
    queries whatever the number of papers. Never loads authors."""
    papers = (
        biddable_submissions(user, conference)
        .select_related("track")
        .prefetch_related("topics")
        .only("pk", "number", "title", "abstract", "keywords", "track__name", "conference_id")
        .annotate(
            bid_value=Subquery(
                Bid.objects.filter(submission=OuterRef("pk"), reviewer=user).values("value")[:1]
            ),
            affinity=Subquery(
                Affinity.objects.filter(submission=OuterRef("pk"), reviewer=user).values("score")[
                    :1
                ]
            ),
        )
    )
    if query:
        papers = papers.filter(
            Q(title__icontains=query) | Q(abstract__icontains=query) | Q(keywords__icontains=query)
        )
    if track:
        papers = papers.filter(track_id=track)
    if topic:
        papers = papers.filter(topics__id=topic)
    if order == "number":
        return papers.order_by("number")
    if order == "unbid":
        return papers.order_by(F("bid_value").asc(nulls_first=True), "number")
    return papers.order_by(F("affinity").desc(nulls_last=True), "number")


def save_bid(*, reviewer, submission, value, now=None):
    """Store the reviewer's bid; the value "conflict" also declares a conflict (audited).

    The caller has checked that the reviewer may bid on the paper; this checks the deadline.
    """
    now = now or timezone.now()
    deadline = bidding_deadline(submission.conference)
    if not is_bidding_open(submission.conference, now=now, deadline=deadline):
        raise BiddingClosed(
            f"Bidding closed at {deadline.stated}; your bid was not saved. "
            "Write to the chairs if you need to change it."
        )
    value = Value(value)
    with transaction.atomic():
        bid, _ = Bid.objects.update_or_create(
            submission=submission, reviewer=reviewer, defaults={"value": value}
        )
        if value == Value.CONFLICT:
            conflict, created = Conflict.objects.get_or_create(
                submission=submission,
                user=reviewer,
                kind=Conflict.Kind.REVIEWER_DECLARED,
                defaults={
                    "source": conflict_rules.REVIEWER,
                    "evidence": "Declared by the reviewer while bidding.",
                },
            )
            if created:
                audit.record(
                    actor=reviewer,
                    conference=submission.conference,
                    action="conflict.declare",
                    obj=submission,
                    after={"person": reviewer.pk, "kind": conflict.kind, "source": conflict.source},
                )
    return bid


def bid_summary(user, conference):
    """How many papers the reviewer may bid on, and their bids by value, in two queries."""
    papers = biddable_submissions(user, conference)
    counts = dict(
        Bid.objects.filter(reviewer=user, submission__in=papers.values("pk"))
        .order_by()
        .values_list("value")
        .annotate(total=Count("pk"))
    )
    total = papers.count()
    return {
        "total": total,
        "unbid": total - sum(counts.values()),
        "by_value": [(label, counts.get(value, 0)) for value, label in Value.choices],
    }
