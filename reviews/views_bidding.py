"""Reviewers' pages: bidding (one click per bid, saved in place) and their assigned papers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import TemplateView, View

from conference.access import ConferenceMixin, require
from reviews import bidding
from reviews.committee import profile_status
from reviews.forms_committee import BidForm
from reviews.models import Bid
from submissions.models import Submission

ORDERS = {
    "affinity": "Best match first",
    "number": "Paper number",
    "unbid": "Not bid yet first",
}
ROW_TEMPLATE = "reviews/committee/partials/bid_row.html"


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def prepare_rows(papers, conference):
    """Give each row what its template needs, computed here: rendering 1,000 rows with URL
    reversing and per-button comparisons in the template took seconds."""
    papers = list(papers)
    sentinel = 987654321
    pattern = reverse("reviews:bid_save", args=[conference.slug, sentinel])
    for paper in papers:
        paper.bid_url = pattern.replace(str(sentinel), str(paper.number))
        paper.topic_names = " · ".join(topic.name for topic in paper.topics.all())
        paper.buttons = [
            (position, value, label, value == paper.bid_value)
            for position, (value, label) in enumerate(Bid.Value.choices, start=1)
        ]
    return papers


class BidsView(ConferenceMixin, TemplateView):
    """Every paper the reviewer may bid on (title, abstract, topics, track; never authors)."""

    permission_required = "reviews.bid_in_conference"
    template_name = "reviews/committee/bids.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, get = self.request.user, self.request.GET
        missing, recommended = profile_status(user)
        deadline = bidding.bidding_deadline(self.conference)
        order = get.get("order") if get.get("order") in ORDERS else "affinity"
        query = get.get("q", "").strip()[:200]
        track, topic = _int_or_none(get.get("track")), _int_or_none(get.get("topic"))
        papers = []
        if not missing:
            papers = prepare_rows(
                bidding.bidding_list(
                    user, self.conference, order=order, query=query, track=track, topic=topic
                ),
                self.conference,
            )
        context.update(
            missing=missing,
            recommended=recommended,
            deadline=deadline,
            is_open=bidding.is_bidding_open(self.conference, deadline=deadline),
            papers=papers,
            order=order,
            orders=ORDERS,
            query=query,
            track=track,
            topic=topic,
            tracks=self.conference.tracks.all(),
            topics=self.conference.topics.all(),
            filtered=bool(query or track or topic),
            summary=bidding.bid_summary(user, self.conference) if not missing else None,
        )
        return context


class BidSaveView(ConferenceMixin, View):
    """POST one bid. With htmx the answer is the paper's updated row; without, a redirect."""

    permission_required = "reviews.bid_in_conference"

    def post(self, request, conference_slug, number):
        submission = get_object_or_404(
            Submission.objects.select_related("conference"),
            number=number,
            conference=self.conference,
        )
        require(request.user, "reviews.bid", submission)
        problem = self.save(request, submission)
        if request.headers.get("HX-Request") != "true":
            if problem:
                messages.error(request, problem)
            anchor = f"#paper-{submission.pk}" if not problem else ""
            return redirect(reverse("reviews:bids", args=[conference_slug]) + anchor)
        rows = prepare_rows(
            bidding.bidding_list(request.user, self.conference).filter(pk=submission.pk),
            self.conference,
        )
        row = rows[0] if rows else None
        return render(
            request,
            ROW_TEMPLATE,
            {
                "conference": self.conference,
                "paper": row,
                "hidden": submission if row is None else None,
                "problem": problem,
                "saved": not problem,
                "is_open": bidding.is_bidding_open(self.conference),
                "summary": bidding.bid_summary(request.user, self.conference),
                "oob": True,
            },
        )

    def save(self, request, submission):
        """Save the bid; returns what went wrong, or "" when it was saved."""
        missing, _ = profile_status(request.user)
        if missing:
            return "Complete your profile first: " + "; ".join(missing) + "."
        form = BidForm(request.POST)
        if not form.is_valid():
            return "Choose one of the bid buttons."
        try:
            bidding.save_bid(
                reviewer=request.user, submission=submission, value=form.cleaned_data["value"]
            )
        except bidding.BiddingClosed as closed:
            return str(closed)
        return ""
