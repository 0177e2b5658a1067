"""Sign-up, email verification, login by email, password reset and rate limits (allauth),
with every email going through our outbox."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from notifications.models import OutgoingEmail
from tests.accounts.conftest import links_in_email_to
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "quadratic-attention-is-so-2017"


def sign_up(client, email="ada@uni.example", name="  Ada   Lovelace "):
    return client.post(
        reverse("account_signup"),
        {"full_name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_page_asks_for_name_email_and_password(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert (
        html.index('name="full_name"') < html.index('name="email"') < html.index('name="password1"')
    )
    assert 'name="password2"' in html
    assert "<h1>Create your account</h1>" in html


def test_signup_creates_user_with_full_name_and_queues_verification_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="ada@uni.example")
    assert user.full_name == "Ada Lovelace"
    assert user.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ada@uni.example", False, True)
    email = OutgoingEmail.objects.get()
    assert email.to == ["ada@uni.example"]
    assert email.template == "account"
    assert email.subject == "[SCOPE Review] Please Confirm Your Email Address"
    assert email.dedupe_key.startswith("account:email_confirmation_signup:ada@uni.example:")
    assert email.text_body.startswith("Hello from SCOPE Review!")
    assert len(links_in_email_to("ada@uni.example", "/accounts/confirm-email/")) == 1
    assert "_auth_user_id" not in client.session


def test_signup_with_blank_name_is_refused(client):
    response = sign_up(client, name="   ")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_unverified_user_cannot_log_in(client):
    sign_up(client)
    client.logout()

    response = log_in(client, "ada@uni.example", NEW_PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_link_verifies_address_and_allows_login(client):
    sign_up(client)
    (link,) = links_in_email_to("ada@uni.example", "/accounts/confirm-email/")
    client.logout()

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "ada@uni.example" in confirm_page.content.decode()
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="ada@uni.example").verified is True

    client.logout()
    response = log_in(client, "ADA@uni.example", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="ada@uni.example").pk)


def test_broken_verification_link_says_what_to_do(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))

    assert response.status_code == 200
    assert "This email confirmation link expired or is invalid." in response.content.decode()


def test_demo_signup_is_verified_at_once(client, settings):
    settings.SCOPE_AUTO_VERIFY_EMAIL = True

    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert EmailAddress.objects.get(email="ada@uni.example").verified is True
    assert client.session["_auth_user_id"] == str(User.objects.get(email="ada@uni.example").pk)


def test_login_by_email_with_wrong_password_fails_with_message(client):
    user = UserFactory()

    response = log_in(client, user.email, "not-the-password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_login_by_email_with_right_password_logs_in(client):
    user = UserFactory()

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_queues_email_with_working_link(client):
    user = UserFactory(email="known@uni.example")

    response = client.post(reverse("account_reset_password"), {"email": "known@uni.example"})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    (link,) = links_in_email_to("known@uni.example", "/accounts/password/reset/key/")
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_answers_the_same_for_unknown_address(client):
    UserFactory(email="known@uni.example")

    known = client.post(reverse("account_reset_password"), {"email": "known@uni.example"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@uni.example"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert links_in_email_to("nobody@uni.example", "/accounts/password/reset/key/") == []
    assert links_in_email_to("known@uni.example", "/accounts/password/reset/key/") != []


def test_second_email_address_is_verified_through_the_outbox(client):
    user = UserFactory(email="ada@uni.example")
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "ada@lab.example"})

    assert response.status_code == 302
    added = EmailAddress.objects.get(email="ada@lab.example")
    assert (added.user, added.verified, added.primary) == (user, False, False)
    (link,) = links_in_email_to("ada@lab.example", "/accounts/confirm-email/")
    client.post(link)
    added.refresh_from_db()
    assert added.verified is True
    client.post(reverse("account_email"), {"action_primary": "", "email": "ada@lab.example"})
    assert EmailAddress.objects.get(primary=True, user=user).email == "ada@lab.example"
    user.refresh_from_db()
    assert user.email == "ada@lab.example"
    page = client.get(reverse("account_email")).content.decode()
    assert page.count('<span class="badge ok">') == 2


@pytest.mark.parametrize("attempts_allowed", [2])
def test_login_failures_beyond_the_limit_are_refused(client, settings, attempts_allowed):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": f"{attempts_allowed}/5m/key"}
    user = UserFactory()
    for _ in range(attempts_allowed):
        failed = log_in(client, user.email, "wrong")
        assert "are not correct" in failed.content.decode()

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_request_limit_answers_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    user = UserFactory()
    log_in(client, user.email, "wrong")

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert "Wait a few minutes, then try again." in html
