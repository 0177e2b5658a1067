from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from django.conf import settings
from django.dispatch import receiver


@receiver(user_signed_up)
def verify_in_demo(sender, request, user, **kwargs):
    """The demo has no mailbox: its sign-ups count as verified at once."""
    if settings.SCOPE_AUTO_VERIFY_EMAIL:
        EmailAddress.objects.filter(user=user).update(verified=True)
