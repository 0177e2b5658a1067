"""allauth, adapted: its emails go through our outbox, and the demo verifies sign-ups at once."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string

from notifications.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's own message and queue it in the outbox (one row per message)."""
        context = {**context, "current_site": self.get_current_site()}
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context, self.request).split())
        body = render_to_string(f"{template_prefix}_message.txt", context, self.request)
        queue_email(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{email}:{uuid.uuid4()}",
            to=[email],
            template="account",
            context={"subject": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, "body": body},
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        if commit:
            user.save()
        return user
