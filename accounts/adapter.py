"""allauth, adapted: its emails go through our outbox, and sign-ups keep the person's full name."""

import copy
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from notifications.services import queue_email

SITE_NAME = "SCOPE Review"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's message as allauth would, then queue it in the outbox.

        Each message is its own event (a sign-up, a reset request), so its key ends in a fresh
        uuid; allauth's rate limits keep people from queueing many.
        """
        request = allauth_context.request
        site = copy.copy(get_current_site(request))
        site.name = SITE_NAME  # allauth's texts greet with it ("Hello from SCOPE Review!")
        context = {"request": request, "email": email, "current_site": site, **context}
        message = self.render_mail(template_prefix, email, context)
        kind = template_prefix.rsplit("/", 1)[-1]
        queue_email(
            key=f"account:{kind}:{email.lower()}:{uuid.uuid4()}",
            to=[email],
            template="account",
            context={"subject": message.subject, "body": message.body},
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        if commit:
            user.save()
        return user
