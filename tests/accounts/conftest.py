import re

import pytest
from django.core.cache import cache

from notifications.models import OutgoingEmail

LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def fresh_rate_limit_counters():
    """allauth counts attempts in Django's cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def links_in_email_to(address, path_part):
    """The links containing `path_part` in the newest outbox email to `address`."""
    email = OutgoingEmail.objects.filter(to__contains=[address]).order_by("-id").first()
    assert email is not None, f"no email queued for {address}"
    return [link for link in LINK.findall(email.text_body) if path_part in link]
