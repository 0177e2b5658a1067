import json
from datetime import UTC, datetime

import icalendar
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conference.models import Presentation, ProgramSession
from reviews.models import Decision
from submissions.models import Submission, SubmissionFile
from submissions.uploads import private_storage
from tests.factories import AuthorshipFactory, SubmissionFactory
from tests.reviews.reviewing_support import decide, make_scene

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome
PUBLIC_PAGES = ["public:schedule", "public:papers", "public:papers_json", "public:ics"]


def camera_ready(paper, content=b"%PDF-1.4 final"):
    name = private_storage().save(f"camera/{paper.pk}.pdf", ContentFile(content))
    return SubmissionFile.objects.create(
        submission=paper,
        kind=SubmissionFile.Kind.CAMERA_READY,
        revision=1,
        storage_name=name,
        original_name="final.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=len(content),
        uploaded_by=paper.created_by,
    )


@pytest.fixture
def public_scene():
    scene = make_scene(reviewers=0, title="ORAL-PAPER")
    conference = scene.conference
    conference.event_zone = "Asia/Singapore"
    conference.save()
    AuthorshipFactory(
        submission=scene.paper,
        order=2,
        name="Mia Chen",
        affiliation="KAIST",
        email="mia@kaist.ac.kr",
    )
    scene.orals = ProgramSession.objects.create(
        conference=conference,
        kind="oral",
        title="Workshop Oral Papers I",
        starts_at=datetime(2025, 4, 27, 2, 15, tzinfo=UTC),
        ends_at=datetime(2025, 4, 27, 2, 45, tzinfo=UTC),
        room="Main hall",
    )
    scene.posters = ProgramSession.objects.create(
        conference=conference,
        kind="poster",
        title="Morning poster session",
        starts_at=datetime(2025, 4, 27, 2, 45, tzinfo=UTC),
        ends_at=datetime(2025, 4, 27, 3, 45, tzinfo=UTC),
    )
    decide(scene.paper, Outcome.ACCEPT_ORAL, best_paper=True)
    Presentation.objects.create(
        submission=scene.paper,
        oral_session=scene.orals,
        oral_order=1,
        poster_session=scene.posters,
        poster_board="P1",
    )
    scene.poster_paper = SubmissionFactory(conference=conference, title="POSTER-PAPER")
    decide(scene.poster_paper, Outcome.ACCEPT_POSTER)
    Presentation.objects.create(
        submission=scene.poster_paper, poster_session=scene.posters, poster_board="P2"
    )
    scene.rejected = SubmissionFactory(conference=conference, title="REJECTED-PAPER")
    decide(scene.rejected, Outcome.REJECT)
    scene.withdrawn = SubmissionFactory(
        conference=conference, title="WITHDRAWN-PAPER", state=Submission.State.WITHDRAWN
    )
    scene.undecided = SubmissionFactory(conference=conference, title="UNDECIDED-PAPER")
    # A stale placement of a rejected paper must not leak either.
    Presentation.objects.create(
        submission=scene.rejected, poster_session=scene.posters, poster_board="P9"
    )
    camera_ready(scene.paper)
    camera_ready(scene.rejected)
    return scene


def publish(scene, released=True, published=True):
    scene.conference.decisions_released_at = timezone.now() if released else None
    scene.conference.program_published = published
    scene.conference.save()


def url(scene, name, *args):
    return reverse(name, args=[scene.conference.slug, *args])


@pytest.mark.parametrize(("released", "published"), [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_404_until_released_and_published(
    client, public_scene, name, released, published
):
    publish(public_scene, released=released, published=published)
    assert client.get(url(public_scene, name)).status_code == 404
    assert client.get(url(public_scene, "public:pdf", public_scene.paper.number)).status_code == 404


def test_accepted_papers_page_shows_accepted_only_with_authors_awards_and_pdf(client, public_scene):
    scene = public_scene
    publish(scene)
    body = client.get(url(scene, "public:papers")).content.decode()
    assert "ORAL-PAPER" in body and "POSTER-PAPER" in body
    for hidden in ("REJECTED-PAPER", "WITHDRAWN-PAPER", "UNDECIDED-PAPER", "mia@kaist.ac.kr"):
        assert hidden not in body
    assert "Mia Chen" in body and "(KAIST)" in body
    assert "★ Best Paper Award" in body
    assert "2 accepted papers, 1 with an oral presentation" in body
    assert url(scene, "public:pdf", scene.paper.number) in body
    assert url(scene, "public:pdf", scene.poster_paper.number) not in body  # no camera-ready yet
    assert "talk 1 in Workshop Oral Papers I, 10:15" in body  # Singapore time


def test_schedule_shows_talks_in_their_session_and_posters(client, public_scene):
    scene = public_scene
    publish(scene)
    body = client.get(url(scene, "public:schedule")).content.decode()
    assert "10:15–10:45" in body
    talks = body.split("Workshop Oral Papers I", 1)[1].split("Morning poster session", 1)[0]
    assert "ORAL-PAPER" in talks and "POSTER-PAPER" not in talks
    assert "2 posters" in body
    assert "REJECTED-PAPER" not in body


def test_ics_export_has_one_event_per_session_with_talks(client, public_scene):
    scene = public_scene
    publish(scene)
    response = client.get(url(scene, "public:ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    short = scene.conference.short_name
    assert set(events) == {f"{short}: Workshop Oral Papers I", f"{short}: Morning poster session"}
    oral = events[f"{short}: Workshop Oral Papers I"]
    assert oral.decoded("dtstart") == datetime(2025, 4, 27, 2, 15, tzinfo=UTC)
    assert "1. ORAL-PAPER" in str(oral["description"])
    assert "REJECTED-PAPER" not in response.content.decode()


def test_json_export_lists_accepted_papers_without_emails(client, public_scene):
    scene = public_scene
    publish(scene)
    data = json.loads(client.get(url(scene, "public:papers_json")).content)
    assert [p["title"] for p in data["papers"]] == ["ORAL-PAPER", "POSTER-PAPER"]
    oral = data["papers"][0]
    assert oral["presentation"] == "oral"
    assert oral["awards"] == ["Best Paper Award"]
    assert oral["oral"]["order"] == 1 and oral["poster"]["board"] == "P1"
    assert {"name": "Mia Chen", "affiliation": "KAIST"} in oral["authors"]
    assert oral["pdf"].endswith(url(scene, "public:pdf", scene.paper.number))
    text = json.dumps(data)
    assert "@" not in text
    assert "REJECTED" not in text and "UNDECIDED" not in text


def test_public_pdf_only_for_accepted_papers_with_camera_ready(client, public_scene):
    scene = public_scene
    publish(scene)
    response = client.get(url(scene, "public:pdf", scene.paper.number))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 final"
    assert response["Content-Type"] == "application/pdf"
    assert client.get(url(scene, "public:pdf", scene.rejected.number)).status_code == 404
    assert client.get(url(scene, "public:pdf", scene.poster_paper.number)).status_code == 404


@pytest.mark.parametrize("extra", [0, 60])
def test_accepted_papers_page_query_count_is_constant(
    client, django_assert_max_num_queries, public_scene, extra
):
    scene = public_scene
    publish(scene)
    for n in range(extra):
        paper = SubmissionFactory(conference=scene.conference, title=f"Extra {n}")
        decide(paper, Outcome.ACCEPT_POSTER)
    with django_assert_max_num_queries(6):
        response = client.get(url(scene, "public:papers"))
    assert response.content.decode().count('class="public-paper"') == 2 + extra
