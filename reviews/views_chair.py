"""Chair pages: the paper dashboard (with CSV and plots), one paper with its decision, bulk
decisions, the late-reviewer reminder and the review form's labels."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conference.access import ConferenceMixin, require
from conference.models import AuditEntry
from reviews import charts, decisions, discussion, reminders, reviewing
from reviews.dashboard import (
    TableFilters,
    annotated,
    chart_data,
    csv_lines,
    paper_count,
    paper_table,
)
from reviews.forms_reviewing import (
    BulkDecisionForm,
    CommentForm,
    DecisionForm,
    ReviewFormSettingsForm,
)
from reviews.models import Assignment, Decision
from reviews.queries import CHAIR, letters_by_paper, present_reviews
from submissions.models import Submission, SubmissionFile
from submissions.queries import chair_visible_submissions

PAGE_SIZE = 50
COLUMNS = [
    # (sort key, header, title attribute)
    ("number", "#", "Paper number"),
    ("title", "Paper", "Title (track below)"),
    ("reviews", "Reviews", "Submitted reviews / assigned reviewers"),
    ("mean", "Mean", "Mean rating"),
    ("min", "Min", "Lowest rating"),
    ("max", "Max", "Highest rating"),
    ("sd", "SD", "Standard deviation of the ratings"),
    ("weighted", "Wtd", "Confidence-weighted mean rating"),
    ("oral", "Oral", "Reviewers recommending an oral"),
    ("nominations", "Award", "Best Paper nominations"),
    ("decision", "Decision", "Decision"),
]


class CountedPaginator(Paginator):
    """A Paginator told its row count, so that it does not count the annotated queryset."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills Paginator.count, a cached_property


def table_filters(conference, params):
    track_ids = {track.pk for track in conference.tracks.all()}
    return TableFilters.from_query(params, track_ids=track_ids)


class DashboardView(ConferenceMixin, TemplateView):
    """Every paper the chair may see with its review statistics; filter, sort, search, page."""

    permission_required = "conference.chair"
    template_name = "reviews/reviewing/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, conference = self.request.user, self.conference
        tracks = list(conference.tracks.all())
        filters = TableFilters.from_query(self.request.GET, track_ids={t.pk for t in tracks})
        papers = paper_table(user, conference, filters)
        paginator = CountedPaginator(
            papers, PAGE_SIZE, count=paper_count(user, conference, filters)
        )
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            filters=filters,
            tracks=tracks,
            columns=self.sort_links(filters),
            outcomes=Decision.Outcome.choices,
            states=[s for s in Submission.State.choices if s[0] != Submission.State.DRAFT],
            verdicts=Submission.FormatVerdict.choices,
            filter_query=self.request.GET.urlencode(),
            deadline=reviewing.review_deadline(conference),
        )
        return context

    def sort_links(self, filters):
        links = []
        for key, label, title in COLUMNS:
            query = self.request.GET.copy()
            query.pop("page", None)
            active = filters.sort == key
            query["sort"] = key
            query["dir"] = "asc" if active and filters.descending else "desc"
            if not active and key in ("number", "title", "track", "decision"):
                query["dir"] = "asc"
            links.append(
                {
                    "key": key,
                    "label": label,
                    "title": title,
                    "query": query.urlencode(),
                    "active": active,
                    "descending": filters.descending,
                }
            )
        return links


class PlotsView(ConferenceMixin, View):
    """The dashboard's three plots, loaded by htmx after the table (they read every review)."""

    permission_required = "conference.chair"

    def get(self, request, conference_slug):
        ratings, per_day, decided = chart_data(request.user, self.conference)
        scales = reviewing.form_scales(self.conference)
        plots = [
            charts.rating_chart(ratings, scales.rating_labels),
            charts.timeline_chart(per_day),
            charts.decision_chart(decided, dict(Decision.Outcome.choices)),
        ]
        return render(request, "reviews/reviewing/partials/plots.html", {"charts": plots})


class ExportView(ConferenceMixin, View):
    """The dashboard's rows (same filters and order) as CSV, streamed from the database."""

    permission_required = "conference.chair"

    def get(self, request, conference_slug):
        papers = paper_table(
            request.user, self.conference, table_filters(self.conference, request.GET)
        )
        response = StreamingHttpResponse(csv_lines(papers), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.conference.slug}-papers.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


def chair_paper(user, conference, number):
    paper = annotated(chair_visible_submissions(user, conference)).filter(number=number).first()
    if paper is None:
        raise Http404("Not found.")
    paper.conference = conference
    require(user, "reviews.view_as_chair", paper)
    return paper


class ChairPaperView(ConferenceMixin, View):
    """One paper for a chair: reviews with names and confidential comments, discussion, decision."""

    permission_required = "conference.chair"
    template_name = "reviews/reviewing/chair_paper.html"

    def get(self, request, conference_slug, number):
        paper = chair_paper(request.user, self.conference, number)
        return self.render_page(paper, self.decision_form(paper))

    def decision_form(self, paper, data=None):
        decision = getattr(paper, "decision", None)
        initial = {"version": 0, "outcome": None}
        if decision is not None:
            initial = {
                "outcome": decision.outcome,
                "note_to_authors": decision.note_to_authors,
                "best_paper": decision.best_paper,
                "best_student_paper": decision.best_student_paper,
                "version": decision.version,
            }
        return DecisionForm(data, initial=initial, paper=paper)

    def post(self, request, conference_slug, number):
        paper = chair_paper(request.user, self.conference, number)
        require(request.user, "reviews.decide", paper)
        form = self.decision_form(paper, request.POST)
        if not form.is_valid():
            messages.error(request, "The decision was not saved: correct the fields marked below.")
            return self.render_page(paper, form, status=400)
        data = form.cleaned_data
        try:
            decisions.set_decision(
                actor=request.user,
                submission=paper,
                outcome=data["outcome"],
                note=data["note_to_authors"],
                best_paper=data["best_paper"],
                best_student_paper=data["best_student_paper"],
                expected_version=data["version"],
            )
        except decisions.DecisionRefused as refusal:
            messages.error(request, str(refusal))
            paper = chair_paper(request.user, self.conference, number)
            if isinstance(refusal, decisions.DecisionConflict):
                # Keep this chair's choices in the form, but at the current version: saving
                # again is then a deliberate overwrite of the other chair's decision.
                data_copy = request.POST.copy()
                data_copy["version"] = paper.decision.version
                form = self.decision_form(paper, data_copy)
                form.is_valid()
            return self.render_page(paper, form, status=409)
        outcome = Decision.Outcome(data["outcome"]).label
        if self.conference.decisions_released_at is not None:
            messages.warning(
                request,
                f"Saved: “{outcome}”. Decisions are already released: the authors see the new "
                "decision on their page; send the email from the release page if they had none.",
            )
        else:
            messages.success(
                request, f"Saved: “{outcome}”. Authors see it once decisions are released."
            )
        return redirect("reviews:chair_paper", conference_slug, number)

    def render_page(self, paper, form, status=200):
        user = self.request.user
        scales = reviewing.form_scales(self.conference)
        letters = letters_by_paper([paper.pk])[paper.pk]
        reviews = present_reviews(
            paper.reviews.select_related("reviewer"), letters=letters, scales=scales, audience=CHAIR
        )
        with_review = {r.reviewer_id for r in reviews}
        waiting = [
            (letters.get(a.reviewer_id, "?"), a.reviewer)
            for a in Assignment.objects.filter(submission=paper).select_related("reviewer")
            if a.reviewer_id not in with_review
        ]
        history = AuditEntry.objects.filter(
            conference=self.conference,
            action="decision.set",
            content_type__model="submission",
            object_id=str(paper.pk),
        ).select_related("actor")
        context = {
            "conference": self.conference,
            "paper": paper,
            "decision": getattr(paper, "decision", None),
            "authors": list(paper.authorships.all()),
            "reviews": reviews,
            "waiting": sorted(waiting, key=lambda item: item[0]),
            "form": form,
            "can_decide": user.has_perm("reviews.decide", paper),
            "history": history,
            "has_pdf": paper.files.filter(kind=SubmissionFile.Kind.PAPER).exists(),
            "comments": discussion.present_comments(
                discussion.comments_of(paper), letters=letters, viewer=user, viewer_is_chair=True
            ),
            "comment_form": CommentForm(),
            "released": self.conference.decisions_released_at is not None,
        }
        return render(self.request, self.template_name, context, status=status)


class BulkDecisionView(ConferenceMixin, View):
    """One outcome for the ticked papers, or for every paper matching the dashboard's filter."""

    permission_required = "conference.chair"

    def post(self, request, conference_slug):
        filter_query = request.POST.get("filter_query", "")
        back = redirect(
            reverse("reviews:chair_dashboard", args=[conference_slug]) + f"?{filter_query}"
        )
        visible = chair_visible_submissions(request.user, self.conference)
        ids = [int(v) for v in request.POST.getlist("papers") if v.isdigit()]
        form = BulkDecisionForm(request.POST, paper_ids=ids)
        if not form.is_valid():
            for error in form.non_field_errors() or ["Choose an outcome."]:
                messages.error(request, error)
            return back
        if form.cleaned_data["scope"] == "filtered":
            filters = table_filters(self.conference, QueryDict(filter_query))
            papers = paper_table(request.user, self.conference, filters)
        else:
            papers = visible.filter(pk__in=form.cleaned_data["papers"])
        outcome = form.cleaned_data["outcome"]
        try:
            changed, skipped = decisions.set_decisions_in_bulk(
                actor=request.user,
                submission_ids=list(papers.values_list("pk", flat=True)),
                outcome=outcome,
            )
        except decisions.DecisionRefused as refusal:
            messages.error(request, str(refusal))
            return back
        label = Decision.Outcome(outcome).label
        messages.success(
            request,
            f"“{label}” set on {changed} paper{'s' if changed != 1 else ''}"
            + (f"; {skipped} skipped (already so, withdrawn or draft)." if skipped else "."),
        )
        return back


class RemindLateView(ConferenceMixin, View):
    """Preview, then send, a reminder to every reviewer who is late on the chair's papers."""

    permission_required = "conference.chair"
    template_name = "reviews/reviewing/remind_late.html"

    def get(self, request, conference_slug):
        reminder = reminders.preview_late_reminder(
            chair=request.user, conference=self.conference, now=timezone.now()
        )
        return render(
            request,
            self.template_name,
            {
                "conference": self.conference,
                "reminder": reminder,
                "deadline": reviewing.review_deadline(self.conference),
                "batch": uuid.uuid4().hex,
            },
        )

    def post(self, request, conference_slug):
        batch = request.POST.get("batch", "")
        if not (len(batch) == 32 and batch.isalnum()):
            messages.error(request, "Open the reminder page again and send from there.")
            return redirect("reviews:remind_late", conference_slug)
        sent = reminders.remind_late_reviewers(
            actor=request.user, conference=self.conference, batch=batch, now=timezone.now()
        )
        messages.success(
            request,
            f"Reminder queued for {sent} reviewer{'s' if sent != 1 else ''}."
            if sent
            else "Nobody is late: no reminder sent.",
        )
        return redirect("reviews:chair_dashboard", conference_slug)


class ReviewFormSettingsView(ConferenceMixin, View):
    permission_required = "conference.chair"
    template_name = "reviews/reviewing/review_form_settings.html"

    def get(self, request, conference_slug):
        form = ReviewFormSettingsForm(scales=reviewing.form_scales(self.conference))
        return self.render_page(form)

    def post(self, request, conference_slug):
        form = ReviewFormSettingsForm(request.POST)
        if form.is_valid():
            try:
                reviewing.save_form_scales(
                    actor=request.user,
                    conference=self.conference,
                    rating_labels=form.cleaned_data["rating_labels"],
                    confidence_labels=form.cleaned_data["confidence_labels"],
                    field_labels=form.field_labels(),
                )
            except reviewing.ReviewRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "The review form is saved.")
                return redirect("reviews:review_form_settings", conference_slug)
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"conference": self.conference, "form": form},
            status=status,
        )
