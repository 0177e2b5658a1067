"""The author's dashboard and the paper page: facts, strip, verdict, lint, thumbnails."""

import pytest
from django.urls import reverse

from submissions.models import Submission, SubmissionFile
from tests.factories import SubmissionFactory, UserFactory, make_reviewer
from tests.submissions.conftest import form_data, pdf_upload
from tests.submissions.pdf_corpus import make_paper

pytestmark = pytest.mark.django_db


def dashboard_url(conference):
    return reverse("submissions:dashboard", kwargs={"conference_slug": conference.slug})


def detail_url(paper):
    return reverse(
        "submissions:detail",
        kwargs={"conference_slug": paper.conference.slug, "number": paper.number},
    )


@pytest.fixture
def submitted(client, conference, main_track, author):
    """A submitted paper whose PDF names its author on page 1 (a double-blind slip)."""
    client.force_login(author)
    data = make_paper(body_pages=3, ref_pages=1, appendix_pages=1, authors=["Mina Park"], seed=31)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference, track=main_track, authors=[author], action="submit", pdf=pdf_upload(data)
        ),
    )
    return Submission.objects.get()


def test_paper_page_shows_verdict_strip_and_lint(client, submitted):
    page = client.get(detail_url(submitted)).content.decode()
    assert (
        "Your paper has 3 body pages (references start on page 4); the Main paper track "
        "allows 5. It fits." in page
    )
    assert [
        f'alt="Page {n} ({label})"' in page
        for n, label in [(1, "Body"), (3, "Body"), (4, "References"), (5, "Appendix")]
    ] == [True] * 4
    assert "Page 1 shows &quot;Mina Park&quot;" in page
    assert "Double-blind check" in page


def test_reviewer_sees_strip_but_not_lint_or_authors(client, submitted):
    from reviews.models import Assignment

    reviewer = make_reviewer(submitted.conference)
    Assignment.objects.create(submission=submitted, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(detail_url(submitted)).content.decode()
    assert 'alt="Page 4 (References)"' in page
    assert "Double-blind check" not in page
    assert "mina@kaist.example" not in page


def test_thumbnail_view_serves_stored_png_with_permission(client, submitted):
    kwargs = {
        "conference_slug": submitted.conference.slug,
        "number": submitted.number,
        "revision": 1,
    }
    response = client.get(reverse("submissions:thumbnail", kwargs={**kwargs, "page": 4}))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert (
        client.get(reverse("submissions:thumbnail", kwargs={**kwargs, "page": 6})).status_code
        == 404
    )
    client.force_login(UserFactory())
    assert (
        client.get(reverse("submissions:thumbnail", kwargs={**kwargs, "page": 1})).status_code
        == 404
    )


def test_dashboard_lists_papers_with_state_format_facts_and_deadline(client, submitted, author):
    other = SubmissionFactory(
        conference=submitted.conference, number=2, state="draft", title="Somebody else's paper"
    )
    page = client.get(dashboard_url(submitted.conference)).content.decode()
    assert "Token-Adaptive Expert Routing" in page
    assert "Somebody else" not in page
    assert '<span class="badge ok">Fits</span>' in page
    assert "5 pages, 3 body" in page
    assert 'data-deadline="' in page
    for name in ("edit", "withdraw"):
        assert (
            reverse(
                f"submissions:{name}",
                kwargs={"conference_slug": submitted.conference.slug, "number": 1},
            )
            in page
        )
    assert other.pk


@pytest.mark.parametrize("count", [1, 40])
def test_dashboard_query_count_is_constant(
    client, conference, author, count, django_assert_max_num_queries
):
    for number in range(1, count + 1):
        paper = SubmissionFactory(conference=conference, number=number, created_by=author)
        SubmissionFile.objects.create(
            submission=paper,
            kind="paper",
            revision=1,
            storage_name=f"d/{number}",
            original_name="p.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
            size=1,
            uploaded_by=author,
            facts={"ok": True, "total_pages": 4, "body_pages": 3},
        )
    client.force_login(author)
    with django_assert_max_num_queries(14):
        page = client.get(dashboard_url(conference)).content.decode()
    assert page.count("4 pages, 3 body") == count
