"""The author's side: the dashboard, the paper form (create and edit), the paper page, withdrawal."""

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conference.access import ConferenceMixin
from submissions import deadlines, services, uploads
from submissions.forms import AuthorFormSet, SubmissionForm, WithdrawForm
from submissions.models import Submission, SubmissionFile
from submissions.queries import authored_submissions, verified_emails
from submissions.rules import is_author
from submissions.views.common import get_paper, inline_images, strip_pages, thumbnail_urls

PAPER = SubmissionFile.Kind.PAPER
SUPPLEMENT = SubmissionFile.Kind.SUPPLEMENT
PERMS = [
    "edit",
    "withdraw",
    "download",
    "view_authors",
    "view_declared_conflicts",
    "desk_reject",
    "grant_extension",
    "reinstate",
]


def with_versions(queryset):
    """Papers with their file versions, newest first, as `paper_versions`/`supplement_versions`."""
    files = SubmissionFile.objects.order_by("-revision")
    return queryset.select_related("track").prefetch_related(
        "topics",
        Prefetch("files", queryset=files.filter(kind=PAPER), to_attr="paper_versions"),
        Prefetch("files", queryset=files.filter(kind=SUPPLEMENT), to_attr="supplement_versions"),
    )


def detail_url(submission):
    return reverse(
        "submissions:detail",
        kwargs={"conference_slug": submission.conference.slug, "number": submission.number},
    )


class DashboardView(ConferenceMixin, TemplateView):
    """Every paper the viewer is an author of, with its state, format and deadline."""

    template_name = "submissions/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        prefetch_related_objects([self.conference], "deadlines")
        papers = list(
            with_versions(authored_submissions(self.request.user, self.conference)).order_by(
                "number"
            )
        )
        for paper in papers:
            paper.conference = self.conference
            paper.current_paper = paper.paper_versions[0] if paper.paper_versions else None
            paper.closes_at = deadlines.last_open_second(
                conference=self.conference, submission=paper
            )
            paper.editable = paper.is_open_state and deadlines.is_open(
                conference=self.conference, submission=paper, now=now
            )
        context.update(
            papers=papers,
            call_open=deadlines.is_open(conference=self.conference, now=now),
            submission_deadline=deadlines.submission_deadline(self.conference),
        )
        return context


class SubmissionFormView(ConferenceMixin, View):
    """Create (no number) or edit a paper. See `services.save_submission` for what a save does."""

    template_name = "submissions/edit.html"

    def setup_paper(self, request, number):
        self.submission = None
        if number is None:
            return None
        submission = get_paper(request.user, self.conference, number)
        if not request.user.has_perm("submissions.edit", submission):
            if not is_author(request.user, submission):
                raise Http404("Not found.")
            messages.warning(
                request,
                "This paper can no longer be changed (the deadline has "
                "passed or it is no longer a draft or submission).",
            )
            return redirect(detail_url(submission))
        self.submission = submission
        return None

    def forms(self, data=None, files=None):
        user = self.request.user
        emails = list(verified_emails(user).values_list("address", flat=True))
        if self.submission is None:
            affiliation = user.current_affiliation()
            initial = [
                {
                    "name": user.display_name,
                    "email": user.email,
                    "is_contact": True,
                    "affiliation": affiliation.institution if affiliation else "",
                    "ORDER": 1,
                }
            ]
            form = SubmissionForm(
                data,
                files,
                conference=self.conference,
                initial={"track": self.conference.tracks.first()},
            )
        else:
            initial = [
                {
                    "name": a.name,
                    "email": a.email,
                    "affiliation": a.affiliation,
                    "is_contact": a.is_contact,
                    "ORDER": a.order,
                }
                for a in self.submission.authorships.all()
            ]
            form = SubmissionForm(data, files, conference=self.conference, instance=self.submission)
        formset = AuthorFormSet(
            data,
            initial=initial if data is None else None,
            prefix="authors",
            submitter_emails=emails,
        )
        return form, formset

    def get(self, request, conference_slug, number=None):
        refused = self.setup_paper(request, number)
        if refused:
            return refused
        return self.render_page(*self.forms())

    def post(self, request, conference_slug, number=None):
        refused = self.setup_paper(request, number)
        if refused:
            return refused
        form, formset = self.forms(request.POST, request.FILES)
        valid = form.is_valid() & formset.is_valid()
        for name in getattr(request, "oversized_uploads", ()):
            if name in form.fields:
                form.add_error(
                    name,
                    "This file is larger than we accept at all. Make it smaller "
                    "and choose it again.",
                )
                valid = False
        if not valid:
            return self.not_saved(form, formset)
        if self.submission and form.cleaned_data["version"] != self.submission.version:
            return self.not_saved(
                form,
                formset,
                services.StaleEdit(
                    "A co-author saved this paper after you opened the form, so nothing was saved. "
                    "Your version is still in the form below: open the paper in a new tab to see "
                    "theirs, then save again from a fresh form."
                ),
            )
        checked, rejected = self.check_files(form, formset)
        if rejected:
            return self.not_saved(form, formset, rejected=rejected)
        has_paper = any(c.kind == PAPER for c in checked) or (
            self.submission is not None and self.submission.files.filter(kind=PAPER).exists()
        )
        if form.submitting and not has_paper:
            form.add_error("pdf", "To submit, upload the PDF of your paper.")
            return self.not_saved(form, formset)
        try:
            result = services.save_submission(
                actor=request.user,
                conference=self.conference,
                fields=form.paper_fields(),
                authors=formset.entries(),
                submit=form.submitting,
                submission=self.submission,
                expected_version=form.cleaned_data["version"],
                creation_token=form.cleaned_data["creation_token"],
                checked_uploads=checked,
            )
        except services.SubmissionRefused as refusal:
            return self.not_saved(form, formset, refusal)
        return self.saved(result, form)

    def check_files(self, form, formset):
        """Check the chosen files; returns (accepted uploads, rejected uploads shown to the author)."""
        track = form.cleaned_data["track"]
        authors = formset.entries()
        checked, rejected = [], []
        if form.cleaned_data.get("pdf"):
            checked.append(
                uploads.check_paper(
                    uploaded=form.cleaned_data["pdf"],
                    track=track,
                    author_names=[a.name for a in authors],
                    author_emails=[a.email for a in authors],
                )
            )
        if form.cleaned_data.get("supplement"):
            checked.append(
                uploads.check_supplement(uploaded=form.cleaned_data["supplement"], track=track)
            )
        for upload in checked:
            if upload.error:
                field = "pdf" if upload.kind == PAPER else "supplement"
                form.add_error(field, "Not accepted (see below); choose a fixed file again.")
                rejected.append(
                    {
                        "upload": upload,
                        "pages": strip_pages(
                            upload.facts,
                            body_limit=track.body_page_limit,
                            images=inline_images(upload.thumbnails),
                        ),
                    }
                )
        return checked, rejected

    def not_saved(self, form, formset, refusal=None, rejected=()):
        text = "Nothing was saved."
        if refusal is not None:
            text = f"Nothing was saved: {refusal}"
        elif rejected:
            text = (
                "Nothing was saved: a file was not accepted (see below). Everything you typed "
                "is kept, but browsers cannot keep a chosen file: choose your files again."
            )
        else:
            text = "Nothing was saved: please correct the fields marked below."
            if form.files:
                text += " Browsers cannot keep a chosen file: choose your files again."
        messages.error(self.request, text)
        return self.render_page(form, formset, rejected=rejected, status=200)

    def saved(self, result, form):
        submission = result.submission
        if result.duplicate:
            messages.info(
                self.request,
                "This paper was already created (the form was sent twice); here it is.",
            )
        elif result.submitted_now:
            messages.success(
                self.request,
                f"Paper #{submission.number} is submitted. You can still "
                f"edit it until the deadline.",
            )
        elif submission.state == Submission.State.SUBMITTED:
            messages.success(self.request, "Your changes are saved; the paper stays submitted.")
        else:
            messages.success(
                self.request, "Draft saved. It is not submitted yet: press Submit when it is ready."
            )
        return redirect(detail_url(submission))

    def render_page(self, form, formset, rejected=(), status=200):
        submission = self.submission
        current = None
        if submission is not None:
            current = submission.files.filter(kind=PAPER).order_by("-revision").first()
        context = {
            "conference": self.conference,
            "form": form,
            "formset": formset,
            "submission": submission,
            "current_paper": current,
            "tracks": list(self.conference.tracks.all()),
            "closes_at": deadlines.last_open_second(
                conference=self.conference, submission=submission
            ),
            "rejected": rejected,
            "call_open": deadlines.is_open(
                conference=self.conference, submission=submission, now=timezone.now()
            ),
        }
        return render(self.request, self.template_name, context, status=status)


class DetailView(ConferenceMixin, TemplateView):
    """The paper page: facts of the current PDF, the page strip, the verdict and the actions."""

    template_name = "submissions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        submission = get_paper(user, self.conference, kwargs["number"])
        submission = with_versions(Submission.objects.filter(pk=submission.pk)).get()
        submission.conference = self.conference
        can = {name: user.has_perm(f"submissions.{name}", submission) for name in PERMS}
        current = submission.paper_versions[0] if submission.paper_versions else None
        track = submission.track
        context.update(
            submission=submission,
            can=can,
            current_paper=current,
            supplement=submission.supplement_versions[0]
            if submission.supplement_versions
            else None,
            authors=list(submission.authorships.all()) if can["view_authors"] else [],
            declared_conflicts=list(submission.declared_conflict_users.all())
            if can["view_declared_conflicts"]
            else [],
            closes_at=deadlines.last_open_second(conference=self.conference, submission=submission),
            is_author=is_author(user, submission),
        )
        if current is not None:
            context.update(
                verdict=uploads.paper_verdict(current, track),
                verdict_message=uploads.paper_message(current, track),
                pages=strip_pages(
                    current.facts,
                    body_limit=track.body_page_limit,
                    images=thumbnail_urls(submission, current),
                ),
            )
        return context


class WithdrawView(ConferenceMixin, View):
    template_name = "submissions/withdraw.html"

    def get(self, request, conference_slug, number):
        submission = get_paper(request.user, self.conference, number, "submissions.withdraw")
        return render(
            request, self.template_name, {"submission": submission, "form": WithdrawForm()}
        )

    def post(self, request, conference_slug, number):
        submission = get_paper(request.user, self.conference, number, "submissions.withdraw")
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Nothing was changed: please give a reason.")
            return render(request, self.template_name, {"submission": submission, "form": form})
        try:
            services.withdraw_submission(
                actor=request.user, submission=submission, reason=form.cleaned_data["reason"]
            )
        except services.SubmissionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Paper #{submission.number} is withdrawn. The chairs can "
                f"reinstate it if this was a mistake.",
            )
        return redirect(detail_url(submission))
