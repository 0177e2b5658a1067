"""The chairs' program page: place accepted papers in oral and poster sessions, publish."""

import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from conference import program
from conference.access import ConferenceMixin
from conference.models import ProgramSession
from reviews.forms_reviewing import PlacementForm
from submissions.queries import chair_visible_submissions

Kind = ProgramSession.Kind


class ProgramPlacementView(ConferenceMixin, View):
    permission_required = "conference.chair"
    template_name = "reviews/reviewing/program.html"

    def papers(self):
        visible = chair_visible_submissions(self.request.user, self.conference).values("pk")
        return list(program.accepted_papers(self.conference).filter(pk__in=visible))

    def sessions(self):
        sessions = ProgramSession.objects.filter(conference=self.conference)
        return sessions.filter(kind=Kind.ORAL), sessions.filter(kind=Kind.POSTER)

    def forms(self, papers, data=None):
        orals, posters = self.sessions()
        forms = []
        for paper in papers:
            current = getattr(paper, "presentation", None)
            initial = {}
            if current is not None:
                initial = {
                    "oral_session": current.oral_session_id,
                    "oral_order": current.oral_order or None,
                    "poster_session": current.poster_session_id,
                    "poster_board": current.poster_board,
                }
            forms.append(
                PlacementForm(
                    data,
                    prefix=f"p{paper.pk}",
                    initial=initial,
                    paper=paper,
                    orals=orals,
                    posters=posters,
                    zone=zoneinfo.ZoneInfo(self.conference.event_zone),
                )
            )
        return forms

    def get(self, request, conference_slug):
        return self.render_page(self.forms(self.papers()))

    def post(self, request, conference_slug):
        action = request.POST.get("action")
        try:
            if action == "save":
                return self.save(request)
            if action == "fill":
                placed = program.place_unplaced(
                    actor=request.user, conference=self.conference, papers=self.papers()
                )
                messages.success(request, f"Placed {placed} paper{'s' if placed != 1 else ''}.")
            elif action in ("publish", "unpublish"):
                program.set_program_published(
                    actor=request.user, conference=self.conference, published=action == "publish"
                )
                messages.success(
                    request,
                    "The program is public now."
                    if action == "publish"
                    else "The program is hidden from the public again.",
                )
            else:
                messages.error(request, "Unknown action: nothing was changed.")
        except program.PlacementRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("reviews:program", conference_slug)

    def save(self, request):
        forms = self.forms(self.papers(), request.POST)
        if not all(form.is_valid() for form in forms):
            messages.error(request, "Nothing was saved: correct the rows marked below.")
            return self.render_page(forms, status=400)
        placements = [
            program.Placement(
                submission=form.paper,
                oral_session=form.cleaned_data.get("oral_session"),
                oral_order=form.cleaned_data.get("oral_order") or 0,
                poster_session=form.cleaned_data["poster_session"],
                poster_board=form.cleaned_data["poster_board"],
            )
            for form in forms
        ]
        try:
            changed = program.save_placements(
                actor=request.user, conference=self.conference, placements=placements
            )
        except program.PlacementRefused as refusal:
            messages.error(request, str(refusal))
            return self.render_page(forms, status=400)
        messages.success(
            request, f"Saved: {changed} placement{'s' if changed != 1 else ''} changed."
        )
        return redirect("reviews:program", self.conference.slug)

    def render_page(self, forms, status=200):
        orals, posters = self.sessions()
        unplaced = sum(
            1
            for form in forms
            if getattr(form.paper, "presentation", None) is None
            or form.paper.presentation.poster_session_id is None
        )
        return render(
            self.request,
            self.template_name,
            {
                "conference": self.conference,
                "forms": forms,
                "orals": list(orals),
                "posters": list(posters),
                "unplaced": unplaced,
                "released": self.conference.decisions_released_at is not None,
            },
            status=status,
        )
