import zoneinfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView, View

from accounts.models import User
from conference import audit, services
from conference.access import ConferenceMixin
from conference.forms import SECTIONS, ConferenceForm
from conference.models import Conference, Deadline


class HomeView(TemplateView):
    """The site root: every conference; open calls first (closing soonest first), then the rest,
    newest first."""

    template_name = "conference/home.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        conferences = list(Conference.objects.prefetch_related("deadlines", "tracks"))
        for conference in conferences:
            submission = conference.deadline(Deadline.Kind.SUBMISSION)
            conference.call_open = submission is not None and submission.is_open_at(now)
            conference.submission_deadline = submission
        open_calls = sorted(
            (c for c in conferences if c.call_open), key=lambda c: c.submission_deadline.due_at
        )
        others = [c for c in conferences if not c.call_open]
        return {**super().get_context_data(**kwargs), "conferences": open_calls + others}


class ConferenceHomeView(ConferenceMixin, TemplateView):
    template_name = "conference/conference_home.html"
    login_required = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tracks"] = self.conference.tracks.all()
        context["topics"] = self.conference.topics.all()
        context["deadlines"] = self.conference.deadlines.all()
        return context


class DeadlinesView(ConferenceMixin, TemplateView):
    template_name = "conference/deadlines.html"
    login_required = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["deadlines"] = [(d, d.is_open_at(now)) for d in self.conference.deadlines.all()]
        return context


class SettingsView(ConferenceMixin, View):
    """Chairs edit the venue's data: the conference itself, tracks, topics, deadlines, sessions.

    Each section is its own form; a POST saves one section and leaves the others untouched.
    Times are shown and read in the event's zone (deadlines carry their own zone).
    """

    permission_required = "conference.chair"
    template_name = "conference/settings.html"

    def forms(self, data=None, section=None):
        conference = self.conference
        # A bound form writes its input onto its instance: give it a copy, so that an invalid
        # edit does not show up in the page header as if it were saved.
        instance = (
            Conference.objects.get(pk=conference.pk) if section == "conference" else conference
        )
        built = {
            "conference": ConferenceForm(
                data if section == "conference" else None, instance=instance
            )
        }
        for name, (formset_class, _title, _help) in SECTIONS.items():
            built[name] = formset_class(
                data if section == name else None, conference=conference, prefix=name
            )
        return built

    def render_page(self, request, forms):
        sections = [
            (name, title, forms[name], help_text.format(zone=self.conference.event_zone))
            for name, (_formset, title, help_text) in SECTIONS.items()
        ]
        context = {
            "conference": self.conference,
            "conference_form": forms["conference"],
            "sections": sections,
        }
        return render(request, self.template_name, context)

    def get(self, request, conference_slug):
        with timezone.override(zoneinfo.ZoneInfo(self.conference.event_zone)):
            return self.render_page(request, self.forms())

    def post(self, request, conference_slug):
        section = request.POST.get("section")
        if section != "conference" and section not in SECTIONS:
            raise Http404("Unknown settings section.")
        with timezone.override(zoneinfo.ZoneInfo(self.conference.event_zone)):
            forms = self.forms(request.POST, section)
            form = forms[section]
            if not form.is_valid():
                messages.error(
                    request, "Nothing was saved: please correct the fields marked below."
                )
                return self.render_page(request, forms)
            try:
                if section == "conference":
                    changed = services.save_conference_form(actor=request.user, form=form)
                else:
                    changed = services.save_formset(
                        actor=request.user,
                        conference=self.conference,
                        formset=form,
                        action=section.rstrip("s"),
                    )
            except IntegrityError:
                # Another chair saved a clashing change between our validation and our write.
                messages.error(
                    request,
                    "Nothing was saved: someone changed this section at the same time. "
                    "Reload the page and try again.",
                )
                return redirect(request.path + f"#{section}")
        if changed:
            messages.success(request, f"Saved {changed} change{'s' if changed != 1 else ''}.")
        else:
            messages.info(request, "Nothing to save: no field was changed.")
        return redirect(request.path + f"#{section}")


class AuditLogView(ConferenceMixin, TemplateView):
    """Every audited change of the conference, newest first; filter by action or by person.
    Entries about papers the chair may not handle (conflicted, authored) are left out."""

    permission_required = "conference.view_audit"
    template_name = "conference/audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_entries = audit.entries_visible_to(self.request.user, self.conference)
        entries = all_entries.select_related("actor")
        action = self.request.GET.get("action", "").strip()
        if action:
            # "track" matches every track action, "track.edit" only edits.
            entries = entries.filter(Q(action=action) | Q(action__startswith=f"{action}."))
        actor = self.request.GET.get("actor", "").strip()
        if actor.isdigit():
            entries = entries.filter(actor_id=int(actor))
        actions = list(all_entries.order_by("action").values_list("action", flat=True).distinct())
        groups = sorted({name.split(".", 1)[0] for name in actions})
        actors = User.objects.filter(
            pk__in=all_entries.filter(actor__isnull=False).values("actor")
        ).order_by("full_name", "email")
        context.update(
            page=Paginator(entries, 50).get_page(self.request.GET.get("page")),
            action=action,
            action_groups=[
                (group, [a for a in actions if a.startswith(f"{group}.")]) for group in groups
            ],
            actor=actor,
            actors=actors,
        )
        return context
