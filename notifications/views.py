from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from conference.access import ConferenceMixin
from notifications import services
from notifications.models import OutgoingEmail


class OutboxView(ConferenceMixin, TemplateView):
    """Chairs see every email of their conference: filter by state and template."""

    permission_required = "conference.view_outbox"
    template_name = "notifications/outbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        emails = OutgoingEmail.objects.filter(conference=self.conference).defer("text_body", "html_body")
        state = self.request.GET.get("state", "")
        template = self.request.GET.get("template", "")
        if state:
            emails = emails.filter(state=state)
        if template:
            emails = emails.filter(template=template)
        templates = (OutgoingEmail.objects.filter(conference=self.conference)
                     .order_by("template").values_list("template", flat=True).distinct())
        context.update(
            page=Paginator(emails, 50).get_page(self.request.GET.get("page")),
            states=OutgoingEmail.State.choices, state=state, templates=templates, template=template,
        )
        return context


class EmailDetailView(ConferenceMixin, TemplateView):
    permission_required = "conference.view_outbox"
    template_name = "notifications/email_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = get_object_or_404(OutgoingEmail, pk=kwargs["email_id"], conference=self.conference)
        return context


class EmailActionView(ConferenceMixin, View):
    permission_required = "conference.view_outbox"

    def post(self, request, conference_slug, email_id, action):
        email = get_object_or_404(OutgoingEmail, pk=email_id, conference=self.conference)
        if action == "resend" and email.state in (OutgoingEmail.State.FAILED, OutgoingEmail.State.CANCELLED):
            services.resend_email(email=email, actor=request.user)
            messages.success(request, "The email is queued again.")
        elif action == "cancel" and services.cancel_email(email=email, actor=request.user):
            messages.success(request, "The email was cancelled; it will not be sent.")
        else:
            messages.warning(request, f"Nothing changed: the email is {email.get_state_display().lower()}.")
        return redirect("notifications:detail", conference_slug, email.pk)
