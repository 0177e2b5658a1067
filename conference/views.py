import zoneinfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView, View

from conference import services
from conference.access import ConferenceMixin
from conference.forms import SECTIONS, ConferenceForm
from conference.models import AuditEntry, Conference


class HomeView(TemplateView):
    """The site root: every conference, open calls first."""

    template_name = "conference/home.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        conferences = list(Conference.objects.prefetch_related("deadlines", "tracks"))
        for conference in conferences:
            submission = conference.deadline("submission")
            conference.call_open = submission is not None and submission.is_open_at(now)
            conference.submission_deadline = submission
        conferences.sort(key=lambda c: (not c.call_open, c.short_name))
        return {**super().get_context_data(**kwargs), "conferences": conferences}


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
    """Chairs edit the venue's data: the conference itself, tracks, topics, deadlines, sessions."""

    permission_required = "conference.chair"
    template_name = "conference/settings.html"

    def forms(self, data=None, section=None):
        conference = self.conference
        built = {"conference": ConferenceForm(data if section == "conference" else None, instance=conference)}
        for name, (formset_class, related, _title) in SECTIONS.items():
            built[name] = formset_class(
                data if section == name else None,
                queryset=getattr(conference, related).all(),
                prefix=name,
            )
        return built

    def render_page(self, request, forms):
        sections = [(name, title, forms[name]) for name, (_f, _r, title) in SECTIONS.items()]
        return render(request, self.template_name,
                      {"conference": self.conference, "conference_form": forms["conference"], "sections": sections})

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
                messages.error(request, "Nothing was saved: please correct the fields marked below.")
                return self.render_page(request, forms)
            if section == "conference":
                services.save_conference_form(actor=request.user, form=form)
            else:
                services.save_formset(actor=request.user, conference=self.conference, formset=form,
                                      action=section.rstrip("s"))
        messages.success(request, "Saved.")
        return redirect(request.path + f"#{section}")


class AuditLogView(ConferenceMixin, TemplateView):
    permission_required = "conference.view_audit"
    template_name = "conference/audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = AuditEntry.objects.filter(conference=self.conference).select_related("actor")
        action = self.request.GET.get("action", "").strip()
        if action:
            entries = entries.filter(action__startswith=action)
        page = Paginator(entries, 50).get_page(self.request.GET.get("page"))
        actions = (AuditEntry.objects.filter(conference=self.conference)
                   .order_by("action").values_list("action", flat=True).distinct())
        context.update(page=page, action=action, actions=actions)
        return context
