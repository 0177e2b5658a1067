"""An author's journey in a real browser: draft, a too-long PDF, a fitting one, submitted.

Screenshots go to test-artifacts/ (the form, the rejected upload, the paper page, the
dashboard, the chair list).
"""

import os

import pytest

from submissions.models import Submission
from tests.factories import (
    PASSWORD,
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
)
from tests.submissions.pdf_corpus import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, user, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def pdf_file(name, data):
    return {"name": name, "mimeType": "application/pdf", "buffer": data}


def test_author_submits_after_fixing_a_too_long_pdf(live_server, page, artifacts_dir):
    conference = ConferenceFactory(
        slug="scope2025",
        short_name="SCOPE 2025",
        name="SCOPE: Scalable Optimization for Efficient and Adaptive Foundation Models",
    )
    DeadlineFactory(conference=conference, days=5)
    author = UserFactory(full_name="Mina Park", email="mina.park@kaist.example")
    chair = make_chair(conference, user=UserFactory(full_name="Ada Moreau"))
    base = live_server.url
    shot = lambda name: page.screenshot(path=os.path.join(artifacts_dir, name), full_page=True)  # noqa: E731

    log_in(page, base, author, "/scope2025/submissions/new/")
    page.check("text=Main paper track: up to 5 pages")
    page.fill("input[name=title]", "Token-Adaptive Expert Routing for Efficient MoE Inference")
    page.fill(
        "textarea[name=abstract]",
        "We route each token to the experts it needs and skip "
        "the rest, which cuts inference cost by a third at equal accuracy on four "
        "long-context benchmarks.",
    )
    page.check("text=Mixture of experts")
    page.fill("input[name=keywords]", "mixture of experts, routing, inference")
    page.click("text=+ Add an author")
    page.fill("input[name='authors-1-name']", "Tomas Reyes")
    page.fill("input[name='authors-1-email']", "tomas.reyes@utexas.example")
    page.fill("input[name='authors-1-affiliation']", "University of Texas at Austin")
    page.check("text=The first author is a student")
    shot("submission-new-form.png")
    page.click("button[value=draft]")
    page.wait_for_url(f"{base}/scope2025/submissions/1/")
    assert "Draft saved." in page.inner_text(".messages")

    page.click("text=Edit or submit")
    page.set_input_files(
        "input[name=pdf]", pdf_file("too-long.pdf", make_paper(body_pages=6, ref_pages=1))
    )
    page.check("text=The PDF is anonymized")
    page.check("text=This work has not been published")
    page.click("button[value=submit]")
    page.wait_for_selector(".rejected-upload")
    rejected = page.inner_text(".rejected-upload")
    assert "references start on page 7" in rejected
    assert "the Main paper track allows 5" in rejected
    assert page.locator(".rejected-upload .strip li").count() == 7
    assert page.locator(".rejected-upload .strip li.over").count() == 1
    assert page.input_value("input[name=title]").startswith("Token-Adaptive Expert Routing")
    page.locator(".rejected-upload").scroll_into_view_if_needed()
    shot("submission-too-long.png")

    page.set_input_files(
        "input[name=pdf]", pdf_file("fixed.pdf", make_paper(body_pages=5, ref_pages=2))
    )
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/scope2025/submissions/1/")
    assert "is submitted" in page.inner_text(".messages")
    verdict = page.inner_text(".verdict")
    assert "Fits" in verdict and "It fits." in verdict
    assert page.locator(".strip li.references").count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('.strip img')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    shot("submission-paper-page.png")

    page.click("nav >> text=My papers")
    page.wait_for_url(f"{base}/scope2025/submissions/")
    row = page.inner_text("table.papers tbody tr")
    assert "Submitted" in row and "Fits" in row and "7 pages, 5 body" in row
    shot("submission-dashboard.png")
    paper = Submission.objects.get()
    assert (paper.state, paper.files.count()) == ("submitted", 1)

    for number, title in [
        (2, "Retrieval Budgets for Contextual Processing"),
        (3, "Distilling Attention into State Space Models"),
    ]:
        SubmissionFactory(
            conference=conference,
            number=number,
            title=title,
            format_verdict="fits" if number == 2 else "unverified",
        )
    page.context.clear_cookies()
    log_in(page, base, chair, "/scope2025/chair/submissions/")
    assert page.locator("table.papers tbody tr").count() == 3
    shot("submission-chair-list.png")
