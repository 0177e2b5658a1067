"""Every URL that accepts POST refuses one without a CSRF token (403), asked by the role that
the access matrix shows getting furthest with it; allauth's forms too."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.test_access_matrix import EXPECTED
from tests.security.urls import project_patterns, request_rolled_back
from tests.security.world import ROLES

REFUSED = (302, 404, 405)
POST_PATTERNS = [pattern for pattern in project_patterns() if pattern.accepts_post]


def furthest_role(name):
    """A role whose token-free POST would otherwise reach the view's work (not 302/404/405)."""
    outcomes = EXPECTED[name]["POST"]
    return next((role for role in ROLES if outcomes[role] not in REFUSED), "chair")


def test_csrf_list_holds_every_url_that_answers_post():
    answering = {
        name
        for name, outcomes in EXPECTED.items()
        if any(
            status not in (404, 405)
            for role, status in outcomes["POST"].items()
            if role != "anonymous"
        )
    }
    assert sorted(answering - {pattern.name for pattern in POST_PATTERNS}) == []


@pytest.mark.parametrize("pattern", POST_PATTERNS, ids=[pattern.name for pattern in POST_PATTERNS])
def test_csrf_post_without_token_is_refused(pattern, world, db):
    role = furthest_role(pattern.name)
    client = Client(enforce_csrf_checks=True)
    if world.user(role) is not None:
        client.force_login(world.user(role))

    response = request_rolled_back(client, "POST", pattern.url(world.kwargs))

    assert (role, response.status_code) == (role, 403)


@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password", "account_logout"]
)
def test_csrf_account_form_without_token_is_refused(name, db):
    response = Client(enforce_csrf_checks=True).post(
        reverse(name), {"login": "someone@example.org", "password": "x", "email": "a@b.example"}
    )

    assert response.status_code == 403
