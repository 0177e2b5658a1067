"""The demo seed hook: papers for the demo authors, real PDFs and facts, idempotent."""

import pytest

from conference.seed import seed_scope
from submissions.models import Submission, SubmissionFile

pytestmark = pytest.mark.django_db


def test_seed_creates_demo_papers_once():
    conference = seed_scope()
    seed_scope()
    papers = Submission.objects.filter(conference=conference).order_by("number")
    assert [(p.number, p.state, p.format_verdict) for p in papers] == [
        (1, "submitted", "fits"),
        (2, "draft", ""),
        (3, "submitted", "fits"),
        (4, "submitted", "fits"),
        (5, "draft", "too_long"),
    ]
    assert SubmissionFile.objects.count() == 4
    assert papers[0].authorships.first().email == "author@scope-demo.example"
    assert all(
        file.thumbnail_count == file.facts["total_pages"] for file in SubmissionFile.objects.all()
    )
