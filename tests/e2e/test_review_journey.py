"""From review to program in a real browser: a reviewer writes (autosaved) and submits a review;
a chair decides oral + Best Paper and releases; the author reads the decision, uploads the
camera-ready and confirms the authors; the public program shows the paper in its oral session.

Screenshots go to test-artifacts/: reviewer home, review form, chair dashboard, chair paper
page, release preview, author page, program placement, public program.
"""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference.models import Deadline, ProgramSession
from notifications.models import OutgoingEmail
from reviews.models import Decision, Review
from submissions.models import SubmissionFile
from tests.factories import (
    PASSWORD,
    AuthorshipFactory,
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.reviewing_support import AssignmentFactory, ReviewFactory
from tests.submissions.pdf_corpus import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, user, next_path):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def build_venue():
    conference = ConferenceFactory(
        slug="scope2025",
        short_name="SCOPE 2025",
        name="SCOPE: Scalable Optimization for Efficient and Adaptive Foundation Models",
        event_zone="Asia/Singapore",
    )
    DeadlineFactory(conference=conference, kind=Deadline.Kind.REVIEW, days=6)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.CAMERA_READY, days=20)
    zone = ZoneInfo("Asia/Singapore")
    day = date.today() + timedelta(days=40)
    for kind, title, start, end in [
        ("keynote", "Welcome and keynote", (8, 30), (9, 0)),
        ("oral", "Contributed talks: Workshop Oral Papers I", (10, 15), (10, 45)),
        ("poster", "Morning poster session", (10, 45), (11, 45)),
        ("break", "Lunch", (11, 45), (13, 0)),
        ("oral", "Contributed talks: Workshop Oral Papers II", (14, 0), (15, 0)),
        ("poster", "Closing remarks and afternoon poster session", (16, 45), (17, 30)),
    ]:
        ProgramSession.objects.create(
            conference=conference,
            kind=kind,
            title=title,
            starts_at=datetime(day.year, day.month, day.day, *start, tzinfo=zone),
            ends_at=datetime(day.year, day.month, day.day, *end, tzinfo=zone),
            room="Main hall" if kind != "poster" else "Poster hall",
        )
    return conference


def test_review_decide_release_camera_ready_and_public_program(live_server, page, artifacts_dir):
    conference = build_venue()
    chair = make_chair(conference, user=UserFactory(full_name="Ada Moreau"))
    reviewer = make_reviewer(conference, user=UserFactory(full_name="Jonas Weber"))
    author = UserFactory(full_name="Mina Park", email="mina.park@kaist.example")
    paper = SubmissionFactory(
        conference=conference,
        created_by=author,
        title="Token-Adaptive Expert Routing for Efficient MoE Inference",
        first_author_student=True,
        format_verdict="fits",
    )
    AuthorshipFactory(submission=paper, order=2, name="Lea Novak", affiliation="ETH Zurich")
    other = SubmissionFactory(conference=conference, title="Linear Attention with Learned Decay")
    for submission in (paper, other):
        AssignmentFactory(submission=submission, reviewer=reviewer)
    co_reviewer = make_reviewer(conference, user=UserFactory(full_name="Priya Raman"))
    AssignmentFactory(submission=paper, reviewer=co_reviewer)
    ReviewFactory(
        submission=paper,
        reviewer=co_reviewer,
        rating=8,
        confidence=4,
        recommend_oral=True,
        summary="Routes tokens to the experts they need.",
        strengths="* Clear gains on **four** benchmarks\n* Simple to implement",
        weaknesses="Only one model family.",
        questions="Does the router transfer across model sizes?",
    )
    base = live_server.url
    slug = conference.slug

    def shot(name):
        page.screenshot(path=os.path.join(artifacts_dir, name), full_page=True)

    # The reviewer: home, then the form; the draft saves itself and survives a reload.
    log_in(page, base, reviewer, f"/{slug}/reviewing/")
    page.wait_for_selector("text=0 of 2 reviews submitted")
    shot("review-reviewer-home.png")
    page.click(f"text={paper.title}")
    assert page.inner_text("#autosave-status") == ""
    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.locator("textarea[name=summary]").press_sequentially(
            "The paper routes each token only to the experts."
        )
    page.wait_for_selector("#autosave-status >> text=Draft saved at")
    page.reload()
    assert "routes each token only" in page.input_value("textarea[name=summary]")
    page.fill("textarea[name=strengths]", "* Strong speed-ups at equal accuracy\n* Well-written")
    page.fill("textarea[name=weaknesses]", "The ablation on router capacity is thin.")
    page.fill("textarea[name=questions]", "How sensitive is the method to the load-balancing loss?")
    page.select_option("select[name=rating]", "8")
    page.check('input[name=confidence][value="4"]')
    page.check("input[name=recommend_oral][value=yes]")
    page.check("input[name=nominate_best_paper]")
    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.locator("textarea[name=confidential_comment]").press_sequentially(
            "Seen a similar arXiv preprint; not a problem."
        )
    shot("review-form.png")
    # Typing, then clicking "Submit" at once: the blur's autosave and the submit must not clash.
    page.locator("textarea[name=weaknesses]").press_sequentially(" More seeds would help.")
    page.click("button:has-text('Submit review')")
    page.wait_for_selector("text=Your review is submitted")
    page.wait_for_selector("text=Routes tokens to the experts they need.")  # Reviewer A's
    review = Review.objects.get(reviewer=reviewer, submission=paper)
    assert (review.state, review.rating, review.is_late) == ("submitted", 8, False)
    assert review.weaknesses.endswith("More seeds would help.")

    # The chair: dashboard, decision (oral + best paper), release.
    log_in(page, base, chair, f"/{slug}/chair/papers/")
    page.wait_for_selector("table.dashboard")
    shot("review-chair-dashboard.png")
    page.click(f"table.dashboard >> text={paper.title}")
    page.check("input[name=outcome][value=accept_oral]")
    page.check("input[name=best_paper]")
    page.fill("textarea[name=note_to_authors]", "A clear **oral**: both reviewers liked it.")
    page.click("button:has-text('Save decision')")
    page.wait_for_selector("text=Saved: “Accept (oral)”")
    shot("review-chair-paper.png")
    decide_other = page.goto(f"{base}/{slug}/chair/papers/{other.number}/")
    assert decide_other.ok
    page.check("input[name=outcome][value=reject]")
    page.click("button:has-text('Save decision')")
    page.goto(f"{base}/{slug}/chair/release/")
    page.wait_for_selector("text=Preview: the email of paper")
    shot("review-release-preview.png")
    page.once("dialog", lambda dialog: dialog.accept())
    page.check("input[name=confirm]")
    page.click("button:has-text('Release decisions and send')")
    page.wait_for_selector("text=2 of 2", timeout=15_000)
    page.wait_for_selector("text=done")
    assert (
        OutgoingEmail.objects.filter(dedupe_key__startswith="decision:", state="sent").count() == 2
    )

    # The author: decision, reviews, camera-ready, author list.
    log_in(page, base, author, f"/{slug}/papers/{paper.number}/reviews/")
    page.wait_for_selector("text=Decision: Accept (oral)")
    assert "Best Paper Award" in page.content()
    assert "Seen a similar arXiv preprint" not in page.content()
    assert "Jonas Weber" not in page.content()
    page.set_input_files(
        "input[name=pdf]",
        {"name": "final.pdf", "mimeType": "application/pdf", "buffer": make_paper(body_pages=3)},
    )
    page.click("button:has-text('Upload the PDF')")
    page.wait_for_selector("text=Your camera-ready PDF is stored")
    page.check("input[name=confirm]")
    page.click("button:has-text('Confirm the author list')")
    page.wait_for_selector("text=the author list is confirmed")
    shot("review-author-decision.png")
    assert SubmissionFile.objects.filter(submission=paper, kind="camera_ready").count() == 1

    # The chair places the papers and publishes; the public sees the oral.
    log_in(page, base, chair, f"/{slug}/chair/program/")
    page.click("button:has-text('Place the rest automatically')")
    page.wait_for_selector("text=Placed 1 paper")
    shot("review-program-placement.png")
    page.click("button:has-text('Publish program')")
    page.wait_for_selector("text=The program is public now.")
    page.context.clear_cookies()
    page.goto(f"{base}/{slug}/program/")
    oral_session = page.locator("li.session-oral", has_text="Workshop Oral Papers I").first
    assert paper.title in oral_session.inner_text()
    assert "Best Paper Award" in oral_session.inner_text()
    assert other.title not in page.content()
    shot("review-public-program.png")
    page.goto(f"{base}/{slug}/program/papers/")
    assert "Lea Novak" in page.content() and "ETH Zurich" in page.content()
    assert Decision.objects.get(submission=paper).best_paper is True
