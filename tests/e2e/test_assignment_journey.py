"""From bids to assignments in a real browser: a reviewer bids (saved in place by htmx); a chair
recomputes conflicts, runs the assignment, inspects the proposal, moves one paper and commits;
the reviewer finds the assigned papers on their page.

Screenshots go to test-artifacts/: bidding page, conflicts page, proposal, moved paper.
"""

import os

import pytest

from accounts.models import Affiliation
from conference.models import Deadline
from notifications.models import OutgoingEmail
from reviews.models import Affinity, Assignment, Bid
from tests.factories import (
    PASSWORD,
    ConferenceFactory,
    DeadlineFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.committee_support import paper_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Linear attention without the quadratic memory wall",
    "Routing tokens to experts with learned capacity",
    "Speculative decoding for long-context retrieval",
]


def log_in(page, base, user, next_path):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def build_venue():
    conference = ConferenceFactory(slug="scope", short_name="SCOPE 2025", default_max_load=3)
    conference.tracks.update(reviews_per_paper=2)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.BIDDING, days=5)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.REVIEW, days=25)
    chair = make_chair(
        conference, user=UserFactory(full_name="Ada Moreau", email="ada@chairs.example")
    )
    people = [
        ("Jonas Weber", "jonas@tue.example", "TU Eindhoven"),
        ("Mina Park", "mina@kaist.example", "KAIST"),
        ("Lucía Ortega", "lucia@utexas.example", "UT Austin"),
    ]
    reviewers = []
    for name, email, institution in people:
        user = make_reviewer(
            conference, user=UserFactory(full_name=name, email=email, keywords="attention")
        )
        Affiliation.objects.create(
            user=user, institution=institution, email_domain=email.split("@")[1]
        )
        reviewers.append(user)
    papers = [
        paper_by(
            conference,
            name=f"Hidden Author {n}",
            email=f"author{n}@lab{n}.example",
            number=n + 1,
            title=title,
        )
        for n, title in enumerate(TITLES)
    ]
    papers[2].authorships.update(affiliation="KAIST")  # Mina's institution: a conflict
    for p, paper in enumerate(papers):
        for r, reviewer in enumerate(reviewers):
            Affinity.objects.create(
                submission=paper, reviewer=reviewer, score=0.2 + 0.25 * ((p + r) % 3)
            )
    return conference, chair, reviewers, papers


def test_bid_assign_move_commit_and_reviewer_sees_papers(live_server, page, artifacts_dir):
    conference, chair, reviewers, papers = build_venue()
    jonas = reviewers[0]
    base = live_server.url
    slug = conference.slug

    # The reviewer bids "Eager" on the second paper: saved in place, no reload.
    log_in(page, base, jonas, f"/{slug}/bids/")
    row = page.locator(f"#paper-{papers[1].pk}")
    row.get_by_role("button", name="Eager").click()
    row = page.locator(f"#paper-{papers[1].pk}")
    row.get_by_text("Saved").wait_for()
    assert row.get_by_role("button", name="Eager").get_attribute("aria-pressed") == "true"
    assert "Hidden Author" not in page.content()
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-1-bidding.png"), full_page=True)
    assert Bid.objects.get(reviewer=jonas).value == Bid.Value.EAGER

    # The chair sees the committee, then recomputes conflicts and reads the evidence.
    log_in(page, base, chair, f"/{slug}/chair/committee/")
    assert page.locator("table.committee tbody tr").count() == 4
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-0-committee.png"), full_page=True)
    page.goto(f"{base}/{slug}/chair/conflicts/")
    page.get_by_role("button", name="Recompute now").click()
    page.get_by_text("Both at").first.wait_for()
    assert page.locator("table.conflicts tbody tr").count() == 1
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-2-conflicts.png"), full_page=True)

    # The chair runs the assignment and inspects the proposal.
    page.goto(f"{base}/{slug}/chair/assignment/")
    page.get_by_label("At most one reviewer per institution on each paper").check()
    page.get_by_role("button", name="Run the assignment").click()
    page.get_by_role("button", name="Commit this assignment").wait_for()
    assert page.locator("tr[id^=paper-]").count() == 3
    assert page.locator(".histogram svg").count() == 2
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-3-proposal.png"), full_page=True)

    # Move paper #1 from one of its reviewers to the one not on it (Mina is conflicted with #3).
    page.locator(f"#paper-{papers[0].pk}").get_by_role("link", name="Inspect / move").click()
    page.get_by_role("heading", name=f"#1 {TITLES[0]}").wait_for()
    replace = page.get_by_label("Replace")
    with_ = page.get_by_label("With")
    leaving = replace.locator("option").nth(1).inner_text()
    replace.select_option(label=leaving)
    with_.select_option(index=1)
    arriving = with_.locator("option:checked").inner_text().split(" (")[0]
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-4-move.png"), full_page=True)
    page.get_by_role("button", name="Apply").click()
    page.get_by_text(f"Paper #1: {leaving} replaced by {arriving} in the proposal.").wait_for()

    page.get_by_role("button", name="Commit this assignment").click()
    page.get_by_text("Committed: 6 new assignments; 3 reviewers emailed.").wait_for()
    assert Assignment.objects.count() == 6
    assert not Assignment.objects.filter(submission=papers[2], reviewer=reviewers[1]).exists()
    assert OutgoingEmail.objects.filter(template="assignment").count() == 3
    assigned_to_jonas = sorted(
        Assignment.objects.filter(reviewer=jonas).values_list("submission__title", flat=True)
    )

    # The reviewer sees the assigned papers.
    log_in(page, base, jonas, f"/{slug}/reviewing/")
    for title in assigned_to_jonas:
        page.get_by_text(title).first.wait_for()
    page.screenshot(path=os.path.join(artifacts_dir, "assignment-5-reviewer.png"), full_page=True)
