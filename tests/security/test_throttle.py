"""Login and password reset are throttled (allauth's rate limits, as production sets them),
and answer alike for known and unknown addresses, so neither reveals who has an account."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from scope.settings import base
from tests.factories import PASSWORD, UserFactory

KNOWN = "known.person@throttle.example"
UNKNOWN = "nobody.here@throttle.example"
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


@pytest.fixture(autouse=True)
def production_rate_limits(settings, db):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    UserFactory(email=KNOWN)
    yield
    cache.clear()


def page_without_tokens(response):
    """The page as a person sees it; the CSRF token differs per request."""
    return (
        CSRF_TOKEN.sub(b"", response.content)
        .replace(UNKNOWN.encode(), b"ADDRESS")
        .replace(KNOWN.encode(), b"ADDRESS")
    )


def failed_logins(email, times):
    client = Client()
    return [
        client.post(reverse("account_login"), {"login": email, "password": "wrong-password"})
        for _ in range(times)
    ]


TOO_MANY = b"Too many failed login attempts. Try again later."


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_throttle_login_stops_after_five_failures_for_one_address(email):
    throttled = [TOO_MANY in response.content for response in failed_logins(email, 6)]

    assert throttled == [False, False, False, False, False, True]


def test_throttle_login_refuses_even_the_right_password_once_throttled():
    client = Client()
    failed_logins(KNOWN, 5)

    response = client.post(reverse("account_login"), {"login": KNOWN, "password": PASSWORD})

    assert (response.status_code, TOO_MANY in response.content) == (200, True)
    assert "_auth_user_id" not in client.session


def test_throttle_login_answers_429_after_thirty_attempts_from_one_address():
    client = Client()
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"person{n}@throttle.example", "password": "x"}
        ).status_code
        for n in range(31)
    ]

    assert statuses == [200] * 30 + [429]


def test_throttle_login_failure_reads_the_same_for_known_and_unknown_addresses():
    known, unknown = failed_logins(KNOWN, 1)[0], failed_logins(UNKNOWN, 1)[0]

    assert known.status_code == unknown.status_code == 200
    assert page_without_tokens(known) == page_without_tokens(unknown)
    assert b"not correct" in known.content or b"incorrect" in known.content.lower()


def reset(email, client=None):
    return (client or Client()).post(reverse("account_reset_password"), {"email": email})


def test_throttle_password_reset_answers_alike_for_known_and_unknown_addresses():
    known, unknown = reset(KNOWN), reset(UNKNOWN)

    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert known.status_code == 302
    done = Client().get(known.headers["Location"])
    assert done.status_code == 200


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_throttle_password_reset_stops_after_five_requests_for_one_address(email):
    client = Client()
    statuses = [reset(email, client).status_code for _ in range(6)]

    assert statuses == [302, 302, 302, 302, 302, 429]
