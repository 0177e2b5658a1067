"""The chairs' side: the submissions list and its CSV export, desk rejection, extensions,
reinstatement. Every list starts from `chair_visible_submissions`, so conflicted papers are
absent from rows, counts and exports alike."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conference.access import ConferenceMixin
from submissions import deadlines, services
from submissions.forms import ChairFilterForm, DeskRejectForm, ExtensionForm, ReasonForm
from submissions.models import Authorship, SubmissionFile
from submissions.queries import chair_visible_submissions
from submissions.views.author import detail_url
from submissions.views.common import get_paper

PAGE_SIZE = 50
EXPORT_CHUNK = 500


def listed(queryset):
    """The rows of the chair list and export with everything they show, in constant queries."""
    return queryset.select_related("track").prefetch_related(
        "topics",
        Prefetch("authorships", queryset=Authorship.objects.order_by("order")),
        Prefetch(
            "files",
            queryset=SubmissionFile.objects.filter(kind=SubmissionFile.Kind.PAPER)
            .order_by("-revision")
            .only("id", "submission_id", "revision", "facts", "uploaded_at"),
            to_attr="paper_versions",
        ),
    )


class ChairListView(ConferenceMixin, TemplateView):
    permission_required = "conference.chair"
    template_name = "submissions/chair_list.html"

    def filtered(self):
        form = ChairFilterForm(self.request.GET or None, conference=self.conference)
        papers = form.filter(chair_visible_submissions(self.request.user, self.conference))
        return form, papers

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, papers = self.filtered()
        page = Paginator(listed(papers), PAGE_SIZE).get_page(self.request.GET.get("page"))
        for paper in page:
            paper.current_paper = paper.paper_versions[0] if paper.paper_versions else None
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=form, page=page, export_query=query.urlencode())
        return context


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_HEADER = [
    "number",
    "title",
    "track",
    "state",
    "format",
    "body_pages",
    "total_pages",
    "student_paper",
    "topics",
    "keywords",
    "authors",
    "emails",
    "affiliations",
    "contact_email",
    "submitted_at",
    "abstract",
]


def export_row(paper):
    authors = list(paper.authorships.all())
    current = paper.paper_versions[0] if paper.paper_versions else None
    facts = current.facts if current else {}
    contact = next((a.email for a in authors if a.is_contact), "")
    return [
        paper.number,
        paper.title,
        paper.track.name,
        paper.get_state_display(),
        paper.get_format_verdict_display(),
        facts.get("body_pages", ""),
        facts.get("total_pages", ""),
        "yes" if paper.first_author_student else "no",
        "; ".join(topic.name for topic in paper.topics.all()),
        paper.keywords,
        "; ".join(a.name for a in authors),
        "; ".join(a.email for a in authors),
        "; ".join(a.affiliation for a in authors),
        contact,
        paper.submitted_at.isoformat() if paper.submitted_at else "",
        paper.abstract,
    ]


class ChairExportView(ChairListView):
    """The filtered list as CSV, streamed in chunks so that size never holds the response."""

    def get(self, request, *args, **kwargs):
        _form, papers = self.filtered()
        writer = csv.writer(Echo())

        def rows():
            yield writer.writerow(EXPORT_HEADER)
            for paper in listed(papers).iterator(chunk_size=EXPORT_CHUNK):
                yield writer.writerow([spreadsheet_safe(cell) for cell in export_row(paper)])

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.conference.slug}-submissions-{stamp}.csv"'
        )
        return response


class ChairActionView(ConferenceMixin, View):
    """A chair's action on one paper: a form with a reason, a service call, back to the paper."""

    perm = ""
    form_class = ReasonForm
    title = ""
    explanation = ""
    button = ""
    template_name = "submissions/chair_action.html"

    def form_kwargs(self, submission):
        return {}

    def render_form(self, submission, form):
        return render(
            self.request,
            self.template_name,
            {
                "conference": self.conference,
                "submission": submission,
                "form": form,
                "title": self.title,
                "explanation": self.explanation,
                "button": self.button,
            },
        )

    def get(self, request, conference_slug, number):
        submission = get_paper(request.user, self.conference, number, self.perm)
        return self.render_form(submission, self.form_class(**self.form_kwargs(submission)))

    def post(self, request, conference_slug, number):
        submission = get_paper(request.user, self.conference, number, self.perm)
        form = self.form_class(request.POST, **self.form_kwargs(submission))
        if not form.is_valid():
            messages.error(request, "Nothing was changed: please correct the fields marked below.")
            return self.render_form(submission, form)
        try:
            text = self.act(submission, form.cleaned_data)
        except services.SubmissionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, text)
        return redirect(detail_url(submission))


class DeskRejectView(ChairActionView):
    perm = "submissions.desk_reject"
    form_class = DeskRejectForm
    title = "Desk-reject"
    explanation = (
        "The paper leaves the review process. Tick the box to tell the authors now; "
        "otherwise they learn of it with the decisions."
    )
    button = "Desk-reject this paper"

    def act(self, submission, data):
        services.desk_reject_submission(
            actor=self.request.user,
            submission=submission,
            reason=data["reason"],
            notify_now=data["notify_now"],
        )
        told = (
            "The authors have been notified."
            if data["notify_now"]
            else "The authors will hear of it with the decisions."
        )
        return f"Paper #{submission.number} is desk-rejected. {told}"


class ExtensionView(ChairActionView):
    perm = "submissions.grant_extension"
    form_class = ExtensionForm
    title = "Grant an individual extension"
    explanation = (
        "The authors of this paper alone may keep editing and submitting until the "
        "time you set (Anywhere on Earth, open through the last second of the minute)."
    )
    button = "Grant extension"

    def form_kwargs(self, submission):
        deadline = deadlines.submission_deadline(self.conference)
        return {"conference_due": deadline.due_at if deadline else None}

    def act(self, submission, data):
        services.grant_extension(
            actor=self.request.user,
            submission=submission,
            until=data["until"],
            reason=data["reason"],
        )
        return f"Paper #{submission.number} may be changed until {data['until']:%Y-%m-%d %H:%M:%S} UTC."


class ReinstateView(ChairActionView):
    perm = "submissions.reinstate"
    title = "Reinstate"
    explanation = "The paper returns to the state it had before it was withdrawn or desk-rejected."
    button = "Reinstate this paper"

    def act(self, submission, data):
        paper = services.reinstate_submission(
            actor=self.request.user, submission=submission, reason=data["reason"]
        )
        return f"Paper #{paper.number} is {paper.get_state_display().lower()} again."
