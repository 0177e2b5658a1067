"""The chair's paper table: every figure is computed by the database, whatever the row count.

`paper_table` annotates the papers a chair may see (conflicts and own papers excluded in SQL by
`chair_visible_submissions`) with review statistics over *submitted* reviews: count, mean, min,
max, population standard deviation, confidence-weighted mean, oral votes and award nominations,
joined from the PaperReviewStats view. Filters, search and sort act on those annotations, so
one query fills a page (plus one count) and the CSV export streams the same query.
"""

import csv
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    Value,
)
from django.db.models.functions import Abs, Cast, Coalesce, NullIf, Sqrt, TruncDate

from reviews.models import Decision, Review
from submissions.models import Submission
from submissions.queries import chair_visible_submissions

SORTS = {
    "number": "number",
    "title": "title",
    "track": "track__order",
    "reviews": "reviews_in",
    "mean": "rating_mean",
    "min": "rating_min",
    "max": "rating_max",
    "sd": "rating_sd",
    "weighted": "weighted_mean",
    "oral": "oral_votes",
    "nominations": "nominations",
    "decision": "decision__outcome",
}
NO_DECISION = "none"
NEEDS_REVIEWS = "missing"


@dataclass
class TableFilters:
    """What the chair asked for, already validated (unknown values are ignored)."""

    q: str = ""
    track: int | None = None
    decision: str = ""
    state: str = ""
    verdict: str | None = None
    student: bool = False
    needs: str = ""
    sort: str = "number"
    descending: bool = False

    @classmethod
    def from_query(cls, params, *, track_ids):
        def number(name):
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        track = number("track")
        decision = params.get("decision", "")
        state = params.get("state", "")
        verdict = params.get("verdict")
        sort = params.get("sort", "number")
        return cls(
            q=params.get("q", "").strip()[:200],
            track=track if track in track_ids else None,
            decision=decision if decision in (*Decision.Outcome.values, NO_DECISION) else "",
            state=state if state in Submission.State.values else "",
            verdict=verdict if verdict in Submission.FormatVerdict.values else None,
            student=params.get("student") == "1",
            needs=NEEDS_REVIEWS if params.get("needs") == NEEDS_REVIEWS else "",
            sort=sort if sort in SORTS else "number",
            descending=params.get("dir") == "desc",
        )


def annotated(queryset):
    """Add the review statistics to a Submission queryset: LEFT JOINs on two views, each one
    GROUP BY (over submitted reviews, PaperReviewStats; over assignments,
    PaperAssignmentCount) whose row count PostgreSQL estimates well, so it hash-joins them."""
    stats = "review_stats__"
    mean = F(f"{stats}rating_mean")
    return queryset.select_related("track", "decision").annotate(
        reviews_in=Coalesce(F(f"{stats}reviews_in"), Value(0)),
        reviews_expected=Coalesce(F("assignment_count__assigned"), Value(0)),
        rating_mean=mean,
        rating_min=F(f"{stats}rating_min"),
        rating_max=F(f"{stats}rating_max"),
        # Abs() only absorbs rounding below zero; population SD = sqrt(E[x²] − E[x]²).
        rating_sd=Sqrt(Abs(F(f"{stats}rating_square_mean") - mean * mean)),
        weighted_mean=Cast(F(f"{stats}weighted_sum"), FloatField())
        / Cast(NullIf(F(f"{stats}confidence_sum"), Value(0)), FloatField()),
        oral_votes=Coalesce(F(f"{stats}oral_votes"), Value(0)),
        nominations=Coalesce(F(f"{stats}nominations"), Value(0)),
    )


def filtered_papers(user, conference, filters):
    """The chair's papers with the filters that need no statistics applied."""
    papers = chair_visible_submissions(user, conference).exclude(state=Submission.State.DRAFT)
    if filters.q:
        search = Q(title__icontains=filters.q)
        if filters.q.lstrip("#").isdigit():
            search |= Q(number=int(filters.q.lstrip("#")))
        papers = papers.filter(search)
    if filters.track is not None:
        papers = papers.filter(track_id=filters.track)
    if filters.decision == NO_DECISION:
        papers = papers.filter(decision__isnull=True)
    elif filters.decision:
        papers = papers.filter(decision__outcome=filters.decision)
    if filters.state:
        papers = papers.filter(state=filters.state)
    if filters.verdict is not None:
        papers = papers.filter(format_verdict=filters.verdict)
    if filters.student:
        papers = papers.filter(first_author_student=True)
    return papers


def paper_table(user, conference, filters):
    """The chair's papers with statistics, filtered and sorted in the database."""
    papers = annotated(filtered_papers(user, conference, filters))
    if filters.needs == NEEDS_REVIEWS:
        papers = papers.filter(reviews_in__lt=F("reviews_expected"))
    order = F(SORTS[filters.sort])
    order = order.desc(nulls_last=True) if filters.descending else order.asc(nulls_last=True)
    return papers.order_by(order, "number")


def paper_count(user, conference, filters):
    """How many rows `paper_table` has, counted without the statistics when no filter needs
    them (the join on the statistics view is the expensive part)."""
    if filters.needs == NEEDS_REVIEWS:
        return paper_table(user, conference, filters).count()
    return filtered_papers(user, conference, filters).count()


CSV_HEADER = [
    "number",
    "track",
    "title",
    "state",
    "reviews_in",
    "reviews_expected",
    "rating_mean",
    "rating_min",
    "rating_max",
    "rating_sd",
    "weighted_mean",
    "oral_votes",
    "best_paper_nominations",
    "student_eligible",
    "format_verdict",
    "decision",
    "best_paper",
    "best_student_paper",
]


def safe_cell(value):
    """Text that a spreadsheet will not run as a formula (titles come from authors)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CSV_FIELDS = [
    "number",
    "track__name",
    "title",
    "state",
    "reviews_in",
    "reviews_expected",
    "rating_mean",
    "rating_min",
    "rating_max",
    "rating_sd",
    "weighted_mean",
    "oral_votes",
    "nominations",
    "first_author_student",
    "format_verdict",
    "decision__outcome",
    "decision__best_paper",
    "decision__best_student_paper",
]


def two_decimals(value):
    return "" if value is None else f"{value:.2f}"


def blank_if_none(value):
    return "" if value is None else value


def yes_no(value):
    return "yes" if value else "no"


def csv_rows(papers):
    """The header, then one list per paper: plain values from one query, no model instances.

    One ordinary query, not a server-side cursor: PostgreSQL plans cursors for the first rows
    (cursor_tuple_fraction), which turns the join on the statistics view into one aggregate
    per paper, seconds instead of milliseconds at 12,000 papers.
    """
    yield CSV_HEADER
    for (
        number,
        track,
        title,
        state,
        reviews_in,
        expected,
        mean,
        low,
        high,
        sd,
        weighted,
        oral,
        nominations,
        student,
        verdict,
        outcome,
        best,
        best_student,
    ) in papers.values_list(*CSV_FIELDS):
        yield [
            number,
            track,
            safe_cell(title),
            state,
            reviews_in,
            expected,
            two_decimals(mean),
            blank_if_none(low),
            blank_if_none(high),
            two_decimals(sd),
            two_decimals(weighted),
            oral,
            nominations,
            yes_no(student),
            verdict,
            outcome or "",
            yes_no(best),
            yes_no(best_student),
        ]


class ChunkBuffer:
    """csv.writer writes here; `take` hands over what was written since the last call."""

    def __init__(self):
        self.parts = []

    def write(self, value):
        self.parts.append(value)

    def take(self):
        text, self.parts = "".join(self.parts), []
        return text


CSV_CHUNK_ROWS = 500


def csv_lines(papers):
    """The CSV text in chunks of a few hundred rows, for a StreamingHttpResponse."""
    buffer = ChunkBuffer()
    writer = csv.writer(buffer)
    for count, row in enumerate(csv_rows(papers), start=1):
        writer.writerow(row)
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.take()
    yield buffer.take()


def chart_data(user, conference):
    """The plots' numbers from two GROUP BY queries over the chair's papers: submitted reviews
    by (track, rating, day), folded here into ratings per track and reviews per day; and
    decisions by track and outcome."""
    visible = chair_visible_submissions(user, conference).values("pk")
    reviews = (
        Review.objects.filter(state=Review.State.SUBMITTED, submission__in=visible)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("submission__track__order", "submission__track__name", "rating", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ratings, per_day = Counter(), Counter()
    for order, track, rating, day, n in reviews:
        if rating is not None:
            ratings[(order, track, rating)] += n
        if day is not None:
            per_day[day] += n
    decisions = list(
        Decision.objects.filter(submission__in=visible)
        .values_list("submission__track__name", "outcome")
        .annotate(n=Count("pk"))
        .order_by("submission__track__order", "outcome")
    )
    return (
        [(track, rating, n) for (_order, track, rating), n in sorted(ratings.items())],
        sorted(per_day.items()),
        decisions,
    )
