"""The outbox as a chair sees it in a real browser; screenshots go to test-artifacts/."""

import os

import pytest

from notifications.models import OutgoingEmail
from tests.factories import PASSWORD, ConferenceFactory, OutgoingEmailFactory, make_chair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
State = OutgoingEmail.State


def test_outbox_and_email_detail_in_browser(live_server, page, artifacts_dir):
    conference = ConferenceFactory(with_tracks=False, slug="scope2025", short_name="SCOPE")
    chair = make_chair(conference)
    OutgoingEmailFactory(
        conference=conference,
        template="decision",
        to=["ada@example.org"],
        subject="[SCOPE] Decision on paper 12: accepted (poster)",
        state=State.SENT,
        attempts=1,
    )
    OutgoingEmailFactory(
        conference=conference,
        template="review_reminder",
        to=["grace@example.org"],
        subject="[SCOPE] Your review of paper 7 is due in 2 days",
        attempts=2,
        last_error="SMTP 451 try later (SMTPDataError)",
    )
    failed = OutgoingEmailFactory(
        conference=conference,
        template="review_reminder",
        to=["alan@example.org"],
        subject="[SCOPE] Your review of paper 3 is due in 2 days",
        state=State.FAILED,
        attempts=1,
        last_error="SMTP 550 5.1.1 mailbox unavailable (SMTPDataError)",
        text_body="Dear Alan,\n\nyour review of paper 3 is due on 2025-02-20 (AoE).\n\n"
        "Open it here: http://127.0.0.1:8000/scope2025/reviews/3/\n\nThe SCOPE chairs\n",
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/scope2025/outbox/")
    page.fill("input[name=login]", chair.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/scope2025/outbox/")

    rows = page.locator("table.outbox tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator(".badge").inner_text() == "Failed"
    assert rows.nth(1).locator(".badge").inner_text() == "Queued (retrying)"
    page.screenshot(path=os.path.join(artifacts_dir, "outbox.png"), full_page=True)

    page.click("text=Failed 1")
    page.wait_for_url("**/outbox/?state=failed")
    assert page.locator("table.outbox tbody tr").count() == 1

    page.click(f"text={failed.subject}")
    page.wait_for_url(f"**/outbox/{failed.pk}/")
    assert "SMTP 550 5.1.1 mailbox unavailable" in page.inner_text(".facts")
    page.screenshot(path=os.path.join(artifacts_dir, "outbox-email-detail.png"), full_page=True)

    page.click("button:has-text('Resend')")
    page.wait_for_url(f"**/outbox/{failed.pk}/")
    assert "The email is queued again" in page.inner_text(".messages")
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.SENT, 1)  # eager tasks and locmem in tests
    page.screenshot(path=os.path.join(artifacts_dir, "outbox-email-resent.png"), full_page=True)
