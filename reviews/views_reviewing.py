"""Reviewer pages: the home with assigned papers, the review form with autosave, the discussion."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conference.access import ConferenceMixin, require
from reviews import discussion, reviewing
from reviews.forms_reviewing import CommentForm, ReviewForm
from reviews.models import Review
from reviews.queries import (
    CHAIR,
    REVIEWER,
    letters_by_paper,
    present_reviews,
    reviewer_home_papers,
)
from submissions.models import SubmissionFile
from submissions.queries import assigned_submissions, visible_submissions


class ReviewerHomeView(ConferenceMixin, TemplateView):
    """Assigned papers with the state of the reviewer's own review and the deadline."""

    permission_required = "conference.review"
    template_name = "reviews/reviewing/reviewer_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        papers = list(reviewer_home_papers(self.request.user, self.conference))
        context.update(
            papers=papers,
            deadline=reviewing.review_deadline(self.conference),
            submitted=sum(1 for p in papers if p.review_state == Review.State.SUBMITTED),
        )
        return context


def assigned_paper(user, conference, number):
    """The assigned paper with this number (conflicts excluded), else 404."""
    paper = (
        assigned_submissions(user, conference).select_related("track").filter(number=number).first()
    )
    if paper is None:
        raise Http404("Not found.")
    paper.conference = conference
    require(user, "reviews.view_as_reviewer", paper)
    return paper


class ReviewView(ConferenceMixin, View):
    """The paper as a reviewer sees it: PDF, own review form, other reviews, discussion."""

    template_name = "reviews/reviewing/review.html"

    def setup_page(self, request, number):
        self.paper = assigned_paper(request.user, self.conference, number)
        self.scales = reviewing.form_scales(self.conference)
        self.can_write = request.user.has_perm("reviews.write_review", self.paper)
        if self.can_write:
            self.review = reviewing.start_review(reviewer=request.user, submission=self.paper)
        else:
            self.review = Review.objects.filter(
                submission=self.paper, reviewer=request.user
            ).first()

    def get(self, request, conference_slug, number):
        self.setup_page(request, number)
        form = None
        if self.review is not None:
            form = ReviewForm(initial=ReviewForm.initial_for(self.review), scales=self.scales)
        return self.render_page(form)

    def post(self, request, conference_slug, number):
        self.setup_page(request, number)
        if not self.can_write:
            messages.error(request, "This paper no longer takes reviews, so nothing was saved.")
            return redirect(request.path)
        form = ReviewForm(request.POST, scales=self.scales, submitting=True)
        if not form.is_valid():
            self.keep_draft(form)
            messages.error(
                request, "The review was not submitted: complete the fields marked below."
            )
            return self.render_page(form, status=400)
        try:
            reviewing.submit_review(
                actor=request.user,
                review=self.review,
                fields=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                scales=self.scales,
            )
        except reviewing.ReviewRefused as refusal:
            messages.error(request, str(refusal))
            return self.render_page(form, status=409)
        was_draft = self.review.state == Review.State.DRAFT
        messages.success(
            request,
            "Your review is submitted. Thank you!" if was_draft else "Your review is updated.",
        )
        return redirect("reviews:review", conference_slug, number)

    def keep_draft(self, form):
        """A submit that fails validation still stores the draft's valid fields: nothing typed
        is lost, even if the reviewer closes the tab now."""
        if self.review.state != Review.State.DRAFT:
            return
        fields = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        try:
            self.review = reviewing.save_draft(
                review=self.review, fields=fields, expected_version=fields.get("version")
            )
        except reviewing.ReviewRefused:
            return
        form.data = form.data.copy()
        form.data["version"] = self.review.version

    def render_page(self, form, status=200):
        user = self.request.user
        paper = self.paper
        letters = letters_by_paper([paper.pk])[paper.pk]
        others = []
        can_see_others = user.has_perm("reviews.view_other_reviews", paper)
        if can_see_others:
            others = present_reviews(
                paper.reviews.exclude(reviewer=user).select_related("reviewer"),
                letters=letters,
                scales=self.scales,
                audience=REVIEWER,
            )
        comments = discussion.present_comments(
            discussion.comments_of(paper), letters=letters, viewer=user, viewer_is_chair=False
        )
        past_deadline = reviewing.is_past_deadline(self.conference, timezone.now())
        editable = self.can_write and (self.review.state == Review.State.DRAFT or not past_deadline)
        own = []
        if self.review is not None and not editable:
            own = present_reviews(
                [self.review], letters=letters, scales=self.scales, audience=CHAIR
            )
        context = {
            "conference": self.conference,
            "paper": paper,
            "form": form,
            "review": self.review,
            "can_write": self.can_write,
            "editable": editable,
            "own": own,
            "letter": letters.get(user.pk, ""),
            "deadline": reviewing.review_deadline(self.conference),
            "past_deadline": past_deadline,
            "others": others,
            "can_see_others": can_see_others,
            "shows_after_own": self.conference.show_reviews_after_own,
            "authors": list(paper.authorships.all())
            if user.has_perm("submissions.view_authors", paper)
            else None,
            "has_pdf": paper.files.filter(kind=SubmissionFile.Kind.PAPER).exists(),
            "comments": comments,
            "comment_form": CommentForm(),
            "scales": self.scales,
        }
        return render(self.request, self.template_name, context, status=status)


class AutosaveView(ConferenceMixin, View):
    """htmx posts the draft here while the reviewer types; the answer is a status line and the
    new version (swapped out of band into the form)."""

    template_name = "reviews/reviewing/partials/autosave_status.html"

    def post(self, request, conference_slug, number):
        paper = assigned_paper(request.user, self.conference, number)
        if not request.user.has_perm("reviews.write_review", paper):
            return self.status(error="This paper no longer takes reviews: nothing was saved.")
        review = reviewing.start_review(reviewer=request.user, submission=paper)
        form = ReviewForm(request.POST, scales=reviewing.form_scales(self.conference))
        if not form.is_valid() or form.cleaned_data.get("version") is None:
            return self.status(error="Not saved: reload the page and try again.", review=review)
        try:
            review = reviewing.save_draft(
                review=review,
                fields=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except reviewing.ReviewRefused as refusal:
            return self.status(error=str(refusal))
        return self.status(review=review)

    def status(self, *, review=None, error=""):
        return render(self.request, self.template_name, {"review": review, "error": error})


class CommentView(ConferenceMixin, View):
    """Post to a paper's discussion (assigned reviewers and non-conflicted chairs)."""

    def post(self, request, conference_slug, number):
        paper = visible_submissions(request.user, self.conference).filter(number=number).first()
        if paper is None:
            raise Http404("Not found.")
        paper.conference = self.conference
        require(request.user, "reviews.discuss", paper)
        back = (
            reverse("reviews:chair_paper", args=[conference_slug, number])
            if request.user.has_perm("reviews.view_as_chair", paper)
            else reverse("reviews:review", args=[conference_slug, number])
        )
        form = CommentForm(request.POST)
        try:
            if not form.is_valid():
                raise discussion.CommentRefused("Write something before posting.")
            discussion.post_comment(
                author=request.user, submission=paper, body=form.cleaned_data["body"]
            )
        except discussion.CommentRefused as refusal:
            # Shown again with the text as typed, so nothing is lost.
            return render(
                request,
                "reviews/reviewing/comment_refused.html",
                {
                    "conference": self.conference,
                    "paper": paper,
                    "form": form,
                    "error": str(refusal),
                    "back": back,
                },
                status=400,
            )
        messages.success(
            request, "Comment posted. The others hear of it in their next hourly digest."
        )
        return redirect(back + "#discussion")
