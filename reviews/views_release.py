"""The chairs' release page: email wording, a preview of every email with counts, the release
itself and a progress bar that follows the sending."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from conference.access import ConferenceMixin
from reviews import release
from reviews.forms_reviewing import DecisionEmailForm
from reviews.models import Decision


class ReleaseView(ConferenceMixin, View):
    permission_required = "conference.chair"
    template_name = "reviews/reviewing/release.html"

    def get(self, request, conference_slug):
        return self.render_page()

    def post(self, request, conference_slug):
        action = request.POST.get("action")
        if action == "wording":
            return self.save_wording(request)
        if action == "release":
            if request.POST.get("confirm") != "yes":
                messages.error(request, "Tick the confirmation box to release the decisions.")
                return redirect("reviews:release", conference_slug)
            first = self.conference.decisions_released_at is None
            release.release_decisions(actor=request.user, conference=self.conference)
            messages.success(
                request,
                "Decisions are released: authors now see them, and the emails are on their way."
                if first
                else "The missing decision emails are on their way.",
            )
            return redirect("reviews:release", conference_slug)
        messages.error(request, "Unknown action: nothing was changed.")
        return redirect("reviews:release", conference_slug)

    def save_wording(self, request):
        form = DecisionEmailForm(request.POST)
        if form.is_valid():
            try:
                release.save_wording(
                    actor=request.user, conference=self.conference, **form.cleaned_data
                )
            except release.ReleaseRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                label = Decision.Outcome(form.cleaned_data["outcome"]).label
                messages.success(
                    request, f"The “{label}” email is saved; the preview below uses it."
                )
                return redirect(f"{request.path}#email-{form.cleaned_data['outcome']}")
        messages.error(request, "The email text was not saved: see the message by the form.")
        return self.render_page(failed=form, status=400)

    def render_page(self, failed=None, status=200):
        preview = release.preview(user=self.request.user, conference=self.conference)
        sections = []
        for outcome in release.EDITABLE_OUTCOMES:
            subject, body = preview["texts"][outcome]
            form = DecisionEmailForm(initial={"outcome": outcome, "subject": subject, "body": body})
            if failed is not None and failed.data.get("outcome") == outcome:
                form = failed
            sections.append(
                {
                    "outcome": outcome,
                    "label": Decision.Outcome(outcome).label,
                    "count": preview["counts"][outcome],
                    "sample": preview["samples"][outcome],
                    "form": form,
                }
            )
        number = self.request.GET.get("paper", "").strip().lstrip("#")
        chosen = None
        if number.isdigit():
            chosen = release.preview_paper(
                user=self.request.user, conference=self.conference, number=int(number)
            )
        context = {
            "conference": self.conference,
            "preview": preview,
            "asked_paper": number,
            "chosen": chosen,
            "sections": sections,
            "released": self.conference.decisions_released_at,
            "progress": release.progress(self.conference)
            if self.conference.decisions_released_at
            else None,
        }
        return render(self.request, self.template_name, context, status=status)


class ReleaseProgressView(ConferenceMixin, View):
    """The progress bar alone; htmx polls it until every decision email left the outbox."""

    permission_required = "conference.chair"

    def get(self, request, conference_slug):
        return render(
            request,
            "reviews/reviewing/partials/release_progress.html",
            {"conference": self.conference, "progress": release.progress(self.conference)},
        )
