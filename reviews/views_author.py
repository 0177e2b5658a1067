"""The authors' page of a paper's outcome: decision, note and reviews once released, and the
camera-ready steps of an accepted paper."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from conference.access import ConferenceMixin, require
from reviews import camera_ready, reviewing
from reviews.decisions import STATE_FOR_OUTCOME
from reviews.forms_reviewing import AuthorListForm, CameraReadyForm
from reviews.markdown import render_markdown
from reviews.models import AuthorListConfirmation, Decision
from reviews.queries import AUTHOR, letters_by_paper, present_reviews
from submissions.models import Submission, SubmissionFile
from submissions.queries import authored_submissions


def authored_paper(user, conference, number):
    paper = (
        authored_submissions(user, conference).select_related("track").filter(number=number).first()
    )
    if paper is None:
        raise Http404("Not found.")
    paper.conference = conference
    return paper


def released_outcome(paper):
    """(decision or None, label, note) of a paper whose decision matches its state, or None.
    The caller checks that decisions are released."""
    decision = Decision.objects.filter(submission=paper).first()
    if decision is not None and STATE_FOR_OUTCOME[decision.outcome] == paper.state:
        return decision, decision.get_outcome_display(), decision.note_to_authors
    if decision is None and paper.state == Submission.State.DESK_REJECTED:
        return None, "Desk rejected", paper.desk_reject_reason
    return None


class AuthorReviewsView(ConferenceMixin, View):
    template_name = "reviews/reviewing/author_reviews.html"

    def get(self, request, conference_slug, number):
        paper = authored_paper(request.user, self.conference, number)
        return render(request, self.template_name, self.context(paper))

    def context(self, paper, **extra):
        user = self.request.user
        context = {"conference": self.conference, "paper": paper, "released": False, **extra}
        outcome = released_outcome(paper) if user.has_perm("reviews.view_outcome", paper) else None
        if outcome is None:
            return context
        decision, label, note = outcome
        scales = reviewing.form_scales(self.conference)
        if user.has_perm("reviews.camera_ready", paper):
            context["camera_ready"] = self.camera_ready(paper, extra)
        context.update(
            released=True,
            decision=decision,
            outcome_label=label,
            note_html=render_markdown(note),
            reviews=present_reviews(
                paper.reviews.all(),
                letters=letters_by_paper([paper.pk])[paper.pk],
                scales=scales,
                audience=AUTHOR,
            ),
        )
        return context

    def camera_ready(self, paper, extra):
        confirmation = AuthorListConfirmation.objects.filter(submission=paper).first()
        return {
            "file": SubmissionFile.objects.filter(
                submission=paper, kind=SubmissionFile.Kind.CAMERA_READY
            )
            .order_by("-revision")
            .first(),
            "deadline": camera_ready.deadline(self.conference),
            "open": camera_ready.is_open(self.conference, timezone.now()),
            "page_limit": paper.track.camera_ready_page_limit,
            "authors": camera_ready.author_list(paper),
            "confirmation": confirmation,
            "confirmed_current": confirmation is not None
            and confirmation.authors == camera_ready.author_list(paper),
            "upload_form": extra.get("upload_form") or CameraReadyForm(),
            "authors_form": AuthorListForm(),
        }


class CameraReadyUploadView(AuthorReviewsView):
    """POST the final PDF; a refused file leaves the previous version and says why."""

    http_method_names = ["post"]

    def post(self, request, conference_slug, number):
        paper = authored_paper(request.user, self.conference, number)
        require(request.user, "reviews.camera_ready", paper)
        form = CameraReadyForm(request.POST, request.FILES)
        if "pdf" in getattr(request, "oversized_uploads", ()):
            form.add_error(None, "The file is too large. Make the PDF smaller and choose it again.")
        elif form.is_valid():
            try:
                camera_ready.upload_camera_ready(
                    actor=request.user, submission=paper, uploaded=form.cleaned_data["pdf"]
                )
            except camera_ready.CameraReadyRefused as refusal:
                form.add_error("pdf", str(refusal))
            else:
                messages.success(request, "Your camera-ready PDF is stored. Thank you!")
                return redirect(
                    reverse("reviews:author_reviews", args=[conference_slug, number])
                    + "#camera-ready"
                )
        messages.error(request, "The camera-ready PDF was not stored: see the message below.")
        return render(
            request, self.template_name, self.context(paper, upload_form=form), status=400
        )


class ConfirmAuthorsView(AuthorReviewsView):
    http_method_names = ["post"]

    def post(self, request, conference_slug, number):
        paper = authored_paper(request.user, self.conference, number)
        require(request.user, "reviews.camera_ready", paper)
        form = AuthorListForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Tick the box to confirm the author list.")
        else:
            try:
                camera_ready.confirm_author_list(actor=request.user, submission=paper)
            except camera_ready.CameraReadyRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, "Thank you: the author list is confirmed.")
        return redirect(
            reverse("reviews:author_reviews", args=[conference_slug, number]) + "#camera-ready"
        )
