"""What chairs see of a proposal or of the current assignments: rows per paper and per
reviewer, candidates for a paper, and histograms drawn as SVG bars.

Everything here is limited to the papers the viewing chair handles: pairs, loads, counts and
solver reasons about other papers are left out, so that a chair who authored a paper (or is
conflicted with it) learns nothing about its reviewers.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count

from accounts.models import User
from reviews.assignment_service import author_pairs, load_caps, standing_conflicts
from reviews.bidding import BID_SCORES
from reviews.models import Affinity, Assignment, Bid
from submissions.queries import chair_visible_submissions

BID_LABELS = dict(Bid.Value.choices)
NO_BID = "no bid"
PAPER_IN_REASON = re.compile(r"paper #(\d+)\b")
HIDDEN_REASON = (
    "One reason concerns a paper you do not handle (you wrote it or are conflicted with it); "
    "a chair without a conflict can read it."
)
AFFINITY_BUCKETS = 10


def visible_reasons(reasons, visible_numbers):
    """The solver's reasons, each mentioning a paper the viewer does not handle replaced."""
    shown = []
    for reason in reasons:
        numbers = {int(n) for n in PAPER_IN_REASON.findall(reason)}
        text = reason if numbers <= visible_numbers else HIDDEN_REASON
        if text not in shown:
            shown.append(text)
    return shown


def bid_label(value):
    return NO_BID if value is None else BID_LABELS.get(value, str(value))


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self):
        return round(self.x + self.width / 2, 1)

    @property
    def count_y(self):
        return round(self.y - 4, 1)


@dataclass
class Histogram:
    title: str
    bars: list
    width: int = 420
    height: int = 170
    baseline: float = 0.0

    @property
    def label_y(self):
        return self.height - 14


def histogram(title, counts, *, width=420, height=170):
    """Bar geometry for a server-drawn SVG (CSP forbids inline styles; SVG attributes are fine)."""
    top, bottom = 18, 34
    chart = height - top - bottom
    peak = max((count for _label, count in counts), default=0) or 1
    slot = width / max(1, len(counts))
    bars = []
    for position, (label, count) in enumerate(counts):
        bar_height = chart * count / peak
        bars.append(
            Bar(
                label=label,
                count=count,
                x=round(position * slot + 3, 1),
                y=round(top + chart - bar_height, 1),
                width=round(slot - 6, 1),
                height=round(bar_height, 1),
            )
        )
    return Histogram(title=title, bars=bars, width=width, height=height, baseline=top + chart)


def affinity_histogram(values):
    counts = [0] * AFFINITY_BUCKETS
    for value in values:
        counts[min(AFFINITY_BUCKETS - 1, int(value * AFFINITY_BUCKETS))] += 1
    labels = [f"{i / AFFINITY_BUCKETS:.1f}" for i in range(AFFINITY_BUCKETS)]
    return histogram(
        "Affinity of assigned pairs (each bar from its label to the next)",
        list(zip(labels, counts, strict=True)),
    )


def bid_histogram(values):
    order = [Bid.Value.EAGER, Bid.Value.WILLING, None, Bid.Value.IN_A_PINCH, Bid.Value.NOT_WILLING]
    counts = {value: 0 for value in order}
    for value in values:
        counts[value if value in counts else None] += 1
    return histogram("Bids of assigned pairs", [(bid_label(v), counts[v]) for v in order])


@dataclass
class PairView:
    reviewer: User
    affinity: float
    bid: str
    origin: str = ""


@dataclass
class PaperRow:
    paper: object
    k: int
    pairs: list = field(default_factory=list)

    @property
    def short(self):
        return len(self.pairs) < self.k

    @property
    def mean_affinity(self):
        return sum(p.affinity for p in self.pairs) / len(self.pairs) if self.pairs else 0.0


@dataclass
class ReviewerRow:
    reviewer: User
    cap: int
    papers: list = field(default_factory=list)
    affinities: list = field(default_factory=list)
    bids: dict = field(default_factory=dict)

    @property
    def load(self):
        return len(self.papers)

    @property
    def over(self):
        return self.load > self.cap

    @property
    def mean_affinity(self):
        return sum(self.affinities) / len(self.affinities) if self.affinities else 0.0


@dataclass
class ProposalView:
    papers: list
    reviewers: list
    histograms: list
    hidden_papers: bool
    dropped: int  # existing assignments on the viewer's papers, conflicted now
    visible_numbers: set
    pairs: int
    objective: float


def proposal_view(*, job, viewer):
    """The proposal as the viewer may see it: only papers they handle, and loads counted on them."""
    result = job.result
    paper_ids = [int(key) for key in result["papers"]]
    papers = list(
        chair_visible_submissions(viewer, job.conference)
        .filter(pk__in=paper_ids)
        .select_related("track")
        .order_by("number")
    )
    rows = {paper.pk: PaperRow(paper=paper, k=result["papers"][str(paper.pk)]) for paper in papers}
    people = {user.pk: user for user in User.objects.filter(pk__in=result["reviewers"])}
    caps = load_caps(job.conference)
    by_reviewer = {
        pk: ReviewerRow(reviewer=user, cap=caps.get(pk, 0)) for pk, user in people.items()
    }
    affinities, bids = [], []
    for pair in result["pairs"]:
        row = rows.get(pair["paper"])
        if row is None or pair["reviewer"] not in people:
            continue
        reviewer = by_reviewer[pair["reviewer"]]
        row.pairs.append(
            PairView(
                reviewer=reviewer.reviewer,
                affinity=pair["affinity"],
                bid=bid_label(pair["bid"]),
                origin=pair["origin"],
            )
        )
        reviewer.papers.append(row.paper)
        reviewer.affinities.append(pair["affinity"])
        label = bid_label(pair["bid"])
        reviewer.bids[label] = reviewer.bids.get(label, 0) + 1
        affinities.append(pair["affinity"])
        bids.append(pair["bid"])
    weights = job.params
    objective = sum(
        weights["affinity_weight"] * a + weights["bid_weight"] * BID_SCORES.get(b, 0.0)
        for a, b in zip(affinities, bids, strict=True)
    )
    return ProposalView(
        papers=list(rows.values()),
        reviewers=sorted(by_reviewer.values(), key=lambda r: (-r.load, str(r.reviewer))),
        histograms=[affinity_histogram(affinities), bid_histogram(bids)],
        hidden_papers=len(papers) < len(paper_ids),
        dropped=sum(1 for paper_id, _reviewer in result.get("dropped", []) if paper_id in rows),
        visible_numbers={paper.number for paper in papers},
        pairs=len(affinities),
        objective=objective,
    )


@dataclass
class Candidate:
    reviewer: User
    affinity: float
    bid: str
    load: int
    cap: int
    institution: str
    blocked: list  # conflict kinds, or ["author"]
    assigned: bool

    @property
    def full(self):
        return self.load >= self.cap


def candidates(*, submission, reviewers, loads, caps, assigned_ids):
    """Every reviewer as a candidate for one paper: affinity, bid, load (on the viewer's papers)
    and what blocks them, best first, blocked ones last."""
    ids = [user.pk for user in reviewers]
    affinity = dict(
        Affinity.objects.filter(submission=submission, reviewer_id__in=ids).values_list(
            "reviewer_id", "score"
        )
    )
    bids = dict(
        Bid.objects.filter(submission=submission, reviewer_id__in=ids).values_list(
            "reviewer_id", "value"
        )
    )
    blocked = standing_conflicts(submission_ids=[submission.pk], user_ids=ids)
    authors = {
        user_id for _s, user_id in author_pairs(submission_ids=[submission.pk], users=reviewers)
    }
    rows = [
        Candidate(
            reviewer=user,
            affinity=affinity.get(user.pk, 0.0),
            bid=bid_label(bids.get(user.pk)),
            load=loads.get(user.pk, 0),
            cap=caps.get(user.pk, 0),
            institution=institution_name(user),
            blocked=blocked.get((submission.pk, user.pk), [])
            + (["Author"] if user.pk in authors else []),
            assigned=user.pk in assigned_ids,
        )
        for user in reviewers
    ]
    rows.sort(
        key=lambda c: (bool(c.blocked), -(c.affinity + BID_SCORES.get(bids.get(c.reviewer.pk), 0)))
    )
    return rows


def institution_name(user):
    """The reviewer's current institution as typed, else their email's domain."""
    current = next((a for a in user.affiliations.all() if a.end_year is None), None)
    return current.institution if current else user.email.rpartition("@")[2]


def live_loads(*, viewer, conference):
    """{reviewer id: assignments} counted on the papers the viewer handles."""
    visible = chair_visible_submissions(viewer, conference).values("pk")
    return dict(
        Assignment.objects.filter(submission__in=visible)
        .order_by()
        .values_list("reviewer_id")
        .annotate(total=Count("pk"))
    )
