"""Until decisions are released, nothing authors see or may do depends on a decision."""

import pytest
from django.urls import reverse

from reviews import decisions
from reviews.models import Decision
from submissions import services
from submissions.models import Submission
from tests.factories import ConferenceFactory, SubmissionFactory, UserFactory, make_chair

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_paper():
    conference = ConferenceFactory()
    author = UserFactory()
    paper = SubmissionFactory(conference=conference, created_by=author, authors=[author])
    decisions.set_decision(
        actor=make_chair(conference), submission=paper, outcome="reject", expected_version=0
    )
    paper.refresh_from_db()
    return paper


def test_unreleased_decision_dashboard_looks_submitted_with_withdraw_link(client, decided_paper):
    client.force_login(decided_paper.created_by)

    page = client.get(reverse("submissions:dashboard", args=[decided_paper.conference.slug]))
    html = page.content.decode()

    assert decided_paper.state == Submission.State.REJECTED
    assert ">Submitted</span>" in html
    assert "Rejected" not in html
    assert (
        reverse("submissions:withdraw", args=[decided_paper.conference.slug, decided_paper.number])
        in html
    )


def test_unreleased_decision_withdrawal_drops_the_decision(decided_paper):
    services.withdraw_submission(
        actor=decided_paper.created_by, submission=decided_paper, reason="Found a bug."
    )

    decided_paper.refresh_from_db()
    assert decided_paper.state == Submission.State.WITHDRAWN
    assert Decision.objects.filter(submission=decided_paper).exists() is False
    entry = decided_paper.conference.audit.get(action="submission.withdraw")
    assert entry.before == {"state": "rejected", "decision": "reject"}


def test_released_decision_dashboard_links_to_decision_and_reviews(client, decided_paper):
    from django.utils import timezone

    conference = decided_paper.conference
    conference.decisions_released_at = timezone.now()
    conference.save(update_fields=["decisions_released_at"])
    client.force_login(decided_paper.created_by)

    html = client.get(reverse("submissions:dashboard", args=[conference.slug])).content.decode()

    assert ">Rejected</span>" in html
    assert reverse("reviews:author_reviews", args=[conference.slug, decided_paper.number]) in html
