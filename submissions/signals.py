"""Link a person's account to the papers that list them once they prove their address."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from submissions.models import Authorship


@receiver(email_confirmed)
def link_authorships(sender, request, email_address, **kwargs):
    """An unregistered co-author who signs up (or adds an address) owns their authorships now."""
    Authorship.objects.filter(email=email_address.email.lower(), user__isnull=True).update(
        user=email_address.user
    )
