from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from conference.access import ConferenceMixin
from notifications import services
from notifications.models import OutgoingEmail
from notifications.queries import chair_visible_emails

State = OutgoingEmail.State


class OutboxView(ConferenceMixin, TemplateView):
    """Chairs see every email of their conference, newest first: filter by state and template."""

    permission_required = "conference.view_outbox"
    template_name = "notifications/outbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_emails = chair_visible_emails(self.request.user, self.conference)
        state = self.request.GET.get("state", "")
        if state not in State.values:
            state = ""
        template = self.request.GET.get("template", "")
        of_template = all_emails.filter(template=template) if template else all_emails
        emails = of_template.defer("text_body", "html_body")
        if state:
            emails = emails.filter(state=state)
        # Counts per state, for the chosen template: the tabs above the table.
        counts = dict(of_template.order_by().values_list("state").annotate(Count("pk")))
        context.update(
            page=Paginator(emails, 50).get_page(self.request.GET.get("page")),
            state_counts=[(value, label, counts.get(value, 0)) for value, label in State.choices],
            total=sum(counts.values()),
            state=state,
            templates=all_emails.order_by("template").values_list("template", flat=True).distinct(),
            template=template,
        )
        return context


class EmailDetailView(ConferenceMixin, TemplateView):
    """One email as it was (or will be) sent, with its delivery state and last error."""

    permission_required = "conference.view_outbox"
    template_name = "notifications/email_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = get_object_or_404(
            chair_visible_emails(self.request.user, self.conference), pk=kwargs["email_id"]
        )
        return context


class EmailActionView(ConferenceMixin, View):
    """POST only: resend a failed or cancelled email, or cancel a queued one."""

    permission_required = "conference.view_outbox"
    action = None  # "resend" or "cancel", set in urls.py
    done = {
        "resend": "The email is queued again; it will be sent in a moment.",
        "cancel": "The email was cancelled; it will not be sent.",
    }

    def post(self, request, conference_slug, email_id):
        email = get_object_or_404(
            chair_visible_emails(request.user, self.conference), pk=email_id
        )
        change = services.resend_email if self.action == "resend" else services.cancel_email
        if change(email=email, actor=request.user):
            messages.success(request, self.done[self.action])
        else:
            email.refresh_from_db(fields=["state"])
            messages.warning(
                request,
                f"Nothing changed: the email is {email.get_state_display().lower()} now. "
                "Only failed or cancelled emails can be resent, and only queued ones cancelled.",
            )
        return redirect("notifications:detail", conference_slug, email.pk)
