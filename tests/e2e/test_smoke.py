"""A visitor's first visit in a real browser (Chromium in Europe/Berlin): sign up, verify the
address from the outbox, log in, see the dates with local time and countdown; a chair opens
the settings. Screenshots of each page go to test-artifacts/."""

import os
import re

import pytest

from conference.seed import seed_scope
from notifications.models import OutgoingEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "quadratic-attention-is-so-2017"


@pytest.fixture
def scope(settings):
    settings.SCOPE_SEED_HOOKS = []
    return seed_scope()


def shoot(page, artifacts_dir, name):
    page.screenshot(path=os.path.join(artifacts_dir, f"smoke-{name}.png"), full_page=True)


def log_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.account-form button[type=submit]")


def test_visitor_signs_up_verifies_logs_in_and_sees_local_deadlines(
    page, live_server, scope, artifacts_dir
):
    base = live_server.url
    page.goto(f"{base}/")
    assert page.locator("article h2").first.inner_text() == "SCOPE 2025"
    page.wait_for_function("!document.querySelector('[data-countdown]').hidden")
    shoot(page, artifacts_dir, "home")

    page.click("text=Sign up")
    page.fill("input[name=full_name]", "Noor Haddad")
    page.fill("input[name=email]", "noor@uni.example")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shoot(page, artifacts_dir, "signup")
    page.click("form.account-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Verify Your Email Address"

    email = OutgoingEmail.objects.get(to=["noor@uni.example"])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", email.text_body).group(0)
    page.goto(link)
    page.click("form.account-form button[type=submit]")
    page.click("button:has-text('Log out')")

    page.goto(f"{base}/accounts/login/")
    shoot(page, artifacts_dir, "login")
    log_in(page, base, "noor@uni.example", PASSWORD)
    assert page.locator("nav.nav").inner_text().count("Noor Haddad") == 1

    page.goto(f"{base}/{scope.slug}/")
    assert page.locator("h1").inner_text().startswith("SCOPE: Scalable Optimization")
    shoot(page, artifacts_dir, "conference")

    page.goto(f"{base}/{scope.slug}/dates/")
    row = page.locator("main tbody tr", has_text="Paper submission")
    row.locator("[data-countdown]:not([hidden])").wait_for()
    assert row.locator("time").inner_text().endswith("23:59:59 AoE")
    assert row.locator("[data-countdown]").inner_text().endswith(" left")
    assert row.locator("[data-local]").inner_text().endswith("Europe/Berlin")
    shoot(page, artifacts_dir, "dates")

    page.goto(f"{base}/profile/")
    page.fill("input[name=orcid]", "https://orcid.org/0000-0002-1825-0097")
    page.fill("input[name=aff-0-institution]", "University of Oxford")
    page.fill("input[name=aff-0-email_domain]", "https://www.ox.ac.uk/")
    page.fill("input[name=aff-0-start_year]", "2022")
    page.click("button:has-text('Save profile')")
    assert page.locator(".msg.success").inner_text() == "Your profile is saved."
    assert page.input_value("input[name=aff-0-email_domain]") == "ox.ac.uk"
    shoot(page, artifacts_dir, "profile")


def test_chair_opens_settings_and_sees_profiles(page, live_server, scope, artifacts_dir):
    base = live_server.url
    log_in(page, base, "chair@scope-demo.example", "scope-demo-2025")

    page.goto(f"{base}/{scope.slug}/chair/settings/")
    assert page.input_value("input[name=tracks-0-name]") == "Tiny paper track"
    assert page.input_value("input[name=tracks-0-body_page_limit]") == "2"
    shoot(page, artifacts_dir, "chair-settings")

    page.fill("input[name=tracks-0-body_page_limit]", "3")
    page.click("button:has-text('Save tracks')")
    assert page.locator(".msg.success").inner_text() == "Saved 1 change."
    page.goto(f"{base}/{scope.slug}/chair/audit/")
    assert "track.edit" in page.locator("main table.audit").inner_text()
    shoot(page, artifacts_dir, "chair-audit")

    chair = scope.memberships.get(user__email="chair@scope-demo.example").user
    page.goto(f"{base}/profile/{chair.pk}/")
    assert page.locator("h1").inner_text() == "Ada Moreau"
    shoot(page, artifacts_dir, "profile-detail")
