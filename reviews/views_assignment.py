"""Chairs' assignment pages: affinity, solver runs and their proposals (inspect, edit, commit),
the current assignments with manual assign and unassign, and job progress for htmx polling."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import TemplateView, View

from accounts.models import User
from conference.access import ConferenceMixin
from reviews import assignment_display as display
from reviews import assignment_service as service
from reviews import jobs
from reviews.affinity_sync import reviewer_pool, start_affinity_run
from reviews.forms_committee import AssignmentRunForm, ReviewerChoiceForm
from reviews.models import Affinity, Assignment, BackgroundJob
from reviews.views_conflicts import visible_paper_or_404
from submissions.models import Submission
from submissions.queries import chair_visible_submissions

CHAIR = "reviews.manage_committee"
TOP_REVIEWERS = 5


def _job_or_404(conference, job_id, kind=None):
    filters = {"pk": job_id, "conference": conference}
    if kind:
        filters["kind"] = kind
    return get_object_or_404(BackgroundJob.objects.select_related("conference"), **filters)


class JobProgressView(ConferenceMixin, View):
    """The progress partial, polled by htmx while a job runs. When the job has finished and the
    page asked for it (`reload=1`), htmx reloads the whole page to show the outcome."""

    permission_required = CHAIR

    def get(self, request, conference_slug, job_id):
        job = _job_or_404(self.conference, job_id)
        response = render(
            request,
            "reviews/committee/partials/job_progress.html",
            {"conference": self.conference, "job": job, "reload": request.GET.get("reload")},
        )
        if job.status in jobs.FINAL_STATES and request.GET.get("reload"):
            response["HX-Refresh"] = "true"
        return response


class AffinityView(ConferenceMixin, TemplateView):
    """Start the affinity computation; see each paper's best-matching reviewers."""

    permission_required = CHAIR
    template_name = "reviews/committee/affinity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        papers = (
            chair_visible_submissions(self.request.user, self.conference)
            .select_related("track")
            .order_by("number")
        )
        page = Paginator(papers, 25).get_page(self.request.GET.get("page"))
        ranked = {}
        rows = (
            Affinity.objects.filter(submission__in=[paper.pk for paper in page])
            .select_related("reviewer")
            .order_by("submission_id", "-score")
        )
        for row in rows:
            ranked.setdefault(row.submission_id, []).append(row)
        context.update(
            page=page,
            rows=[(paper, ranked.get(paper.pk, [])[:TOP_REVIEWERS]) for paper in page],
            job=jobs.latest_job(conference=self.conference, kind=BackgroundJob.Kind.AFFINITY),
        )
        return context

    def post(self, request, conference_slug):
        start_affinity_run(conference=self.conference, actor=request.user)
        messages.success(request, "Affinity is being computed; this page updates when done.")
        return redirect("reviews:affinity", conference_slug)


class AssignmentRunsView(ConferenceMixin, TemplateView):
    """The run form (weights, institution rule) and the earlier runs."""

    permission_required = CHAIR
    template_name = "reviews/committee/assignment_runs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=kwargs.get("form") or AssignmentRunForm(),
            runs=BackgroundJob.objects.filter(
                conference=self.conference, kind=BackgroundJob.Kind.ASSIGNMENT
            ).select_related("created_by")[:20],
            bid_scores=[
                ("Eager", "1"),
                ("Willing", "0.5"),
                ("No bid", "0"),
                ("In a pinch", "−0.5"),
                ("Not willing / conflict", "never assigned"),
            ],
        )
        return context

    def post(self, request, conference_slug):
        form = AssignmentRunForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The run did not start: correct the fields marked below.")
            return self.render_to_response(self.get_context_data(form=form))
        job = service.start_assignment_run(
            conference=self.conference,
            actor=request.user,
            affinity_weight=form.cleaned_data["affinity_weight"],
            bid_weight=form.cleaned_data["bid_weight"],
            one_per_institution=form.cleaned_data["one_per_institution"],
        )
        return redirect("reviews:proposal", conference_slug, job.pk)


class ProposalView(ConferenceMixin, TemplateView):
    """A run: its progress while it runs; then the proposal or the reasons none exists."""

    permission_required = CHAIR
    template_name = "reviews/committee/proposal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = _job_or_404(self.conference, kwargs["job_id"], BackgroundJob.Kind.ASSIGNMENT)
        context["job"] = job
        has_proposal = job.status in (BackgroundJob.Status.DONE, BackgroundJob.Status.COMMITTED)
        if has_proposal:
            view = display.proposal_view(job=job, viewer=self.request.user)
            context.update(
                proposal=view,
                committed=job.result.get("committed"),
                reasons=[],
                tab="reviewers" if self.request.GET.get("tab") == "reviewers" else "papers",
            )
        elif job.status == BackgroundJob.Status.FAILED:
            visible = set(
                chair_visible_submissions(self.request.user, self.conference).values_list(
                    "number", flat=True
                )
            )
            context["reasons"] = display.visible_reasons(job.result.get("reasons", []), visible)
        return context


def _reviewer_choices(rows, *, exclude_ids=()):
    """Select options for candidates: name with affinity, bid and load; blocks spelled out."""
    choices = []
    for row in rows:
        if row.reviewer.pk in exclude_ids:
            continue
        note = f"affinity {row.affinity:.2f}, {row.bid.lower()}, load {row.load}/{row.cap}"
        if row.blocked:
            note = "conflict: " + ", ".join(row.blocked).lower()
        choices.append((row.reviewer.pk, f"{row.reviewer} ({note})"))
    return choices


class ProposalPaperView(ConferenceMixin, View):
    """One paper of a proposal: its proposed reviewers and every candidate; move, add, remove."""

    permission_required = CHAIR
    template_name = "reviews/committee/proposal_paper.html"

    def setup_objects(self, request, job_id, number):
        self.job = _job_or_404(self.conference, job_id, BackgroundJob.Kind.ASSIGNMENT)
        self.submission = visible_paper_or_404(
            request.user, self.conference, number, "reviews.assign"
        )
        if self.job.status not in (BackgroundJob.Status.DONE, BackgroundJob.Status.COMMITTED):
            return redirect("reviews:proposal", self.conference.slug, self.job.pk)
        if str(self.submission.pk) not in self.job.result["papers"]:
            messages.error(request, f"Paper #{self.submission.number} is not in this proposal.")
            return redirect("reviews:proposal", self.conference.slug, self.job.pk)
        return None

    def build(self, data=None):
        view = display.proposal_view(job=self.job, viewer=self.request.user)
        row = next(r for r in view.papers if r.paper.pk == self.submission.pk)
        loads = {r.reviewer.pk: r.load for r in view.reviewers}
        current = [pair.reviewer.pk for pair in row.pairs]
        pool = User.objects.filter(pk__in=self.job.result["reviewers"]).prefetch_related(
            "affiliations"
        )
        rows = display.candidates(
            submission=self.submission,
            reviewers=list(pool),
            loads=loads,
            caps=service.load_caps(self.conference),
            assigned_ids=set(current),
        )
        form = ReviewerChoiceForm(
            data,
            current=[(pair.reviewer.pk, str(pair.reviewer)) for pair in row.pairs],
            candidates=_reviewer_choices(rows, exclude_ids=current),
        )
        return row, rows, form

    def render_page(self, row, rows, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "conference": self.conference,
                "job": self.job,
                "paper": self.submission,
                "row": row,
                "candidates": rows,
                "form": form,
                "editable": self.job.status == BackgroundJob.Status.DONE,
            },
            status=status,
        )

    def get(self, request, conference_slug, job_id, number):
        early = self.setup_objects(request, job_id, number)
        return early or self.render_page(*self.build())

    def post(self, request, conference_slug, job_id, number):
        early = self.setup_objects(request, job_id, number)
        if early:
            return early
        row, rows, form = self.build(request.POST)
        if not form.is_valid():
            problems = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(request, "Nothing changed: " + " ".join(problems))
            return self.render_page(row, rows, form, status=400)
        people = {
            user.pk: user for user in User.objects.filter(pk__in=self.job.result["reviewers"])
        }
        remove = people.get(form.cleaned_data["remove"]) if form.cleaned_data["remove"] else None
        add = people.get(form.cleaned_data["add"]) if form.cleaned_data["add"] else None
        try:
            service.edit_proposal(
                job=self.job, actor=request.user, submission=self.submission, remove=remove, add=add
            )
        except service.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return self.render_page(*self.build(), status=409)
        done = {
            (True, True): f"{remove} replaced by {add}",
            (True, False): f"{remove} removed",
            (False, True): f"{add} added",
        }[(remove is not None, add is not None)]
        messages.success(request, f"Paper #{self.submission.number}: {done} in the proposal.")
        return redirect(
            reverse("reviews:proposal", args=[conference_slug, self.job.pk])
            + f"#paper-{self.submission.pk}"
        )


class ProposalCommitView(ConferenceMixin, View):
    permission_required = CHAIR

    def post(self, request, conference_slug, job_id):
        job = _job_or_404(self.conference, job_id, BackgroundJob.Kind.ASSIGNMENT)
        try:
            report = service.commit_proposal(job=job, actor=request.user)
        except service.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return redirect("reviews:proposal", conference_slug, job.pk)
        if report.already_committed:
            messages.info(request, "This proposal was committed already; nothing changed.")
        else:
            text = (
                f"Committed: {report.created} new assignments; {report.emails} reviewers emailed."
            )
            if report.skipped_conflicts:
                text += (
                    f" {report.skipped_conflicts} proposed pairs were skipped because a conflict "
                    "was found when committing: assign replacements on the Assignments page."
                )
            if report.removed_conflicted:
                text += f" {report.removed_conflicted} conflicted assignments were removed."
            messages.success(request, text)
        return redirect("reviews:assignments", conference_slug)


class AssignmentsView(ConferenceMixin, TemplateView):
    """The current assignments of the papers the chair handles, short papers flagged."""

    permission_required = CHAIR
    template_name = "reviews/committee/assignments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        papers = (
            chair_visible_submissions(self.request.user, self.conference)
            .filter(state=Submission.State.SUBMITTED)
            .select_related("track")
            .annotate(assigned=Count("assignments"))
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.select_related("reviewer").order_by(
                        "reviewer__full_name"
                    ),
                )
            )
            .order_by("number")
        )
        if self.request.GET.get("short"):
            papers = [paper for paper in papers if paper.assigned < paper.track.reviews_per_paper]
        context.update(
            page=Paginator(papers, 50).get_page(self.request.GET.get("page")),
            short=bool(self.request.GET.get("short")),
            latest=jobs.latest_job(conference=self.conference, kind=BackgroundJob.Kind.ASSIGNMENT),
        )
        return context


class AssignmentPaperView(ConferenceMixin, View):
    """One paper's current reviewers, every candidate, and a form to assign by hand."""

    permission_required = CHAIR
    template_name = "reviews/committee/assignment_paper.html"

    def build(self, request, submission, data=None):
        assigned = list(Assignment.objects.filter(submission=submission).select_related("reviewer"))
        ids = {a.reviewer_id for a in assigned}
        rows = display.candidates(
            submission=submission,
            reviewers=list(reviewer_pool(self.conference).prefetch_related("affiliations")),
            loads=display.live_loads(viewer=request.user, conference=self.conference),
            caps=service.load_caps(self.conference),
            assigned_ids=ids,
        )
        form = ReviewerChoiceForm(data, candidates=_reviewer_choices(rows, exclude_ids=ids))
        form.fields["add"].label = "Reviewer to assign"
        form.fields["add"].choices[0] = ("", "Choose a reviewer")
        return assigned, rows, form

    def render_page(self, submission, assigned, rows, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "conference": self.conference,
                "paper": submission,
                "assigned": assigned,
                "candidates": rows,
                "form": form,
            },
            status=status,
        )

    def get(self, request, conference_slug, number):
        submission = visible_paper_or_404(request.user, self.conference, number, "reviews.assign")
        return self.render_page(submission, *self.build(request, submission))

    def post(self, request, conference_slug, number):
        submission = visible_paper_or_404(request.user, self.conference, number, "reviews.assign")
        assigned, rows, form = self.build(request, submission, request.POST)
        reviewer = None
        if form.is_valid() and form.cleaned_data["add"]:
            reviewer = User.objects.filter(pk=form.cleaned_data["add"]).first()
        if reviewer is None:
            messages.error(request, "Choose a reviewer to assign.")
            return self.render_page(submission, assigned, rows, form, status=400)
        try:
            service.assign_reviewer(actor=request.user, submission=submission, reviewer=reviewer)
        except service.AssignmentRefused as refused:
            messages.error(request, str(refused))
            return self.render_page(
                submission, *self.build(request, submission, request.POST), status=409
            )
        messages.success(request, f"{reviewer} is assigned to paper #{submission.number}.")
        return redirect("reviews:assignment_paper", conference_slug, submission.number)


class AssignmentRemoveView(ConferenceMixin, View):
    permission_required = CHAIR

    def post(self, request, conference_slug, number, reviewer_id):
        submission = visible_paper_or_404(request.user, self.conference, number, "reviews.assign")
        assignment = get_object_or_404(
            Assignment.objects.select_related("reviewer", "submission__conference"),
            submission=submission,
            reviewer_id=reviewer_id,
        )
        try:
            service.unassign_reviewer(actor=request.user, assignment=assignment)
        except service.AssignmentRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"{assignment.reviewer} no longer reviews paper #{submission.number}."
            )
        return redirect("reviews:assignment_paper", conference_slug, submission.number)
