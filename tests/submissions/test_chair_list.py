"""The chairs' submissions list and CSV export: filters, conflicts, query counts."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Conflict
from submissions.models import Authorship, Submission, SubmissionFile
from tests.factories import SubmissionFactory, UserFactory, make_chair

pytestmark = pytest.mark.django_db


def bulk_papers(conference, count, *, creator):
    """`count` submitted papers with two authors, a topic and a PDF version each, in bulk."""
    track = conference.tracks.get(name="Main paper track")
    topic = conference.topics.first()
    papers = Submission.objects.bulk_create(
        Submission(
            conference=conference,
            number=number,
            track=track,
            title=f"Bulk paper {number}",
            abstract="Abstract.",
            state="submitted",
            created_by=creator,
            format_verdict="fits",
            submitted_at=timezone.now(),
        )
        for number in range(1, count + 1)
    )
    Authorship.objects.bulk_create(
        Authorship(
            submission=paper,
            order=order,
            name=f"Author {order} of {paper.number}",
            email=f"a{order}.{paper.number}@example.org",
            is_contact=order == 1,
        )
        for paper in papers
        for order in (1, 2)
    )
    Submission.topics.through.objects.bulk_create(
        Submission.topics.through(submission_id=paper.pk, topic_id=topic.pk) for paper in papers
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(
            submission=paper,
            kind="paper",
            revision=1,
            storage_name=f"bulk/{paper.pk}",
            original_name="p.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
            size=1,
            uploaded_by=creator,
            facts={"ok": True, "total_pages": 7, "body_pages": 5},
        )
        for paper in papers
    )
    return papers


def list_url(conference, **query):
    url = reverse("submissions:chair_list", kwargs={"conference_slug": conference.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def chair(conference):
    return make_chair(conference)


@pytest.mark.parametrize("count", [1, 1000])
def test_chair_list_query_count_is_constant(
    client, conference, chair, count, django_assert_max_num_queries
):
    bulk_papers(conference, count, creator=UserFactory())
    client.force_login(chair)
    with django_assert_max_num_queries(14):
        page = client.get(list_url(conference)).content.decode()
    assert f"{count} paper{'s' if count > 1 else ''}" in page
    assert page.count('class="badge ok">Fits') == min(count, 50)
    assert "5 / 7" in page


def test_conflicted_and_authored_papers_are_absent_from_list_count_and_export(
    client, conference, chair
):
    visible = SubmissionFactory(conference=conference, title="Visible paper")
    conflicted = SubmissionFactory(conference=conference, title="Conflicted paper")
    SubmissionFactory(conference=conference, title="Own paper", created_by=chair)
    Conflict.objects.create(submission=conflicted, user=chair, kind="institutional")
    client.force_login(chair)
    page = client.get(list_url(conference)).content.decode()
    assert "Visible paper" in page
    assert "Conflicted paper" not in page and "Own paper" not in page
    assert "1 paper</p>" in page
    export = client.get(
        reverse("submissions:chair_export", kwargs={"conference_slug": conference.slug})
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row[1] for row in rows[1:]] == [visible.title]
    response = client.get(
        reverse(
            "submissions:detail",
            kwargs={"conference_slug": conference.slug, "number": conflicted.number},
        )
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({}, ["Long tiny student", "Main draft", "Withdrawn main"]),
        ({"track": "TINY"}, ["Long tiny student"]),
        ({"state": "draft"}, ["Main draft"]),
        ({"verdict": "too_long"}, ["Long tiny student"]),
        ({"verdict": "none"}, ["Main draft", "Withdrawn main"]),
        ({"student": "yes"}, ["Long tiny student"]),
        ({"student": "no"}, ["Main draft", "Withdrawn main"]),
        ({"q": "zhang"}, ["Main draft"]),
        ({"q": "sparse"}, ["Withdrawn main"]),
        ({"topic": "TOPIC"}, ["Withdrawn main"]),
        ({"sort": "-number"}, ["Withdrawn main", "Main draft", "Long tiny student"]),
        ({"sort": "title"}, ["Long tiny student", "Main draft", "Withdrawn main"]),
        ({"state": "nonsense"}, ["Long tiny student", "Main draft", "Withdrawn main"]),
    ],
)
def test_chair_list_filters(client, conference, chair, query, titles):
    tiny = conference.tracks.get(name="Tiny paper track")
    main = conference.tracks.get(name="Main paper track")
    topic = conference.topics.last()
    SubmissionFactory(
        conference=conference,
        number=1,
        track=tiny,
        title="Long tiny student",
        format_verdict="too_long",
        first_author_student=True,
    )
    draft = SubmissionFactory(
        conference=conference, number=2, track=main, title="Main draft", state="draft"
    )
    draft.authorships.update(name="Wei Zhang")
    withdrawn = SubmissionFactory(
        conference=conference,
        number=3,
        track=main,
        title="Withdrawn main",
        state="withdrawn",
        abstract="Sparse experts.",
    )
    withdrawn.topics.add(topic)
    query = {
        key: {"TINY": tiny.pk, "TOPIC": topic.pk}.get(value, value) for key, value in query.items()
    }
    client.force_login(chair)
    response = client.get(list_url(conference, **query))
    assert [paper.title for paper in response.context["page"]] == titles


def test_csv_export_content(client, conference, chair):
    paper = SubmissionFactory(
        conference=conference,
        number=7,
        title='=HYPERLINK("x")',
        keywords="moe, routing",
        first_author_student=True,
        format_verdict="fits",
    )
    paper.authorships.update(name="Mina Park", email="mina@kaist.example", affiliation="KAIST")
    paper.authorships.create(
        order=2, name="Tomas Reyes", email="tomas@ut.example", affiliation="UT Austin"
    )
    paper.topics.add(conference.topics.first())
    SubmissionFile.objects.create(
        submission=paper,
        kind="paper",
        revision=1,
        storage_name="x/7.pdf",
        original_name="p.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=1,
        uploaded_by=paper.created_by,
        facts={"ok": True, "total_pages": 6, "body_pages": 4},
    )
    client.force_login(chair)
    response = client.get(
        reverse("submissions:chair_export", kwargs={"conference_slug": conference.slug})
        + "?state=submitted"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{conference.slug}-submissions-'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "number",
            "title",
            "track",
            "state",
            "format",
            "body_pages",
            "total_pages",
            "student_paper",
            "topics",
            "keywords",
            "authors",
            "emails",
            "affiliations",
            "contact_email",
            "submitted_at",
            "abstract",
        ],
        [
            "7",
            '\'=HYPERLINK("x")',
            "Tiny paper track",
            "Submitted",
            "Fits",
            "4",
            "6",
            "yes",
            "Long context",
            "moe, routing",
            "Mina Park; Tomas Reyes",
            "mina@kaist.example; tomas@ut.example",
            "KAIST; UT Austin",
            "mina@kaist.example",
            "",
            "We study efficient attention for long contexts and report results.",
        ],
    ]


@pytest.mark.parametrize("role", ["reviewer", "author", "anonymous"])
def test_chair_list_is_for_chairs_only(client, conference, role):
    from tests.factories import make_reviewer

    if role == "reviewer":
        client.force_login(make_reviewer(conference))
    elif role == "author":
        client.force_login(SubmissionFactory(conference=conference).created_by)
    response = client.get(list_url(conference))
    assert response.status_code == (302 if role == "anonymous" else 404)
