from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conference.models import AuditEntry, Deadline
from reviews.models import AuthorListConfirmation, Decision
from submissions.models import SubmissionFile
from tests.factories import AuthorshipFactory, DeadlineFactory, UserFactory
from tests.reviews.reviewing_support import decide, make_scene
from tests.submissions.pdf_corpus import make_paper

pytestmark = pytest.mark.django_db


def pdf(body_pages, name="final.pdf"):
    return SimpleUploadedFile(
        name, make_paper(body_pages=body_pages, ref_pages=1), content_type="application/pdf"
    )


def accepted_scene(outcome=Decision.Outcome.ACCEPT_POSTER, released=True):
    scene = make_scene(reviewers=0)  # the Tiny track: camera-ready limit 3 body pages
    AuthorshipFactory(submission=scene.paper, order=2, name="Mia Chen", affiliation="KAIST")
    DeadlineFactory(conference=scene.conference, kind=Deadline.Kind.CAMERA_READY, days=10)
    decide(scene.paper, outcome)
    if released:
        scene.conference.decisions_released_at = timezone.now()
        scene.conference.save()
    return scene


def upload_url(scene):
    return reverse("reviews:camera_ready_upload", args=[scene.conference.slug, scene.paper.number])


def page_url(scene):
    return reverse("reviews:author_reviews", args=[scene.conference.slug, scene.paper.number])


def camera_files(scene):
    return list(
        SubmissionFile.objects.filter(
            submission=scene.paper, kind=SubmissionFile.Kind.CAMERA_READY
        ).values_list("revision", "original_name")
    )


def test_author_uploads_camera_ready_within_the_camera_ready_limit(client):
    scene = accepted_scene()
    client.force_login(scene.author)
    body = client.get(page_url(scene)).content.decode()
    assert "at most 3 pages before the references" in body
    response = client.post(upload_url(scene), {"pdf": pdf(3)})
    assert response.status_code == 302
    assert camera_files(scene) == [(1, "final.pdf")]
    entry = AuditEntry.objects.get(action="camera_ready.upload")
    assert (entry.actor, entry.after["revision"], entry.after["body_pages"]) == (scene.author, 1, 3)
    body = client.get(page_url(scene)).content.decode()
    assert "Version 1: final.pdf" in body


def test_too_long_camera_ready_is_refused_and_previous_version_kept(client):
    scene = accepted_scene()
    client.force_login(scene.author)
    client.post(upload_url(scene), {"pdf": pdf(2, "v1.pdf")})
    response = client.post(upload_url(scene), {"pdf": pdf(4, "v2.pdf")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "camera-ready" in body and "4 body pages" in body
    assert camera_files(scene) == [(1, "v1.pdf")]


def test_not_a_pdf_is_refused_with_a_message(client):
    scene = accepted_scene()
    client.force_login(scene.author)
    response = client.post(
        upload_url(scene), {"pdf": SimpleUploadedFile("final.pdf", b"<html>not a pdf</html>")}
    )
    assert response.status_code == 400
    assert camera_files(scene) == []
    assert "not stored" in response.content.decode()


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("accepted, released, author", 302),
        ("not released", 404),
        ("rejected", 404),
        ("not an author", 404),
    ],
)
def test_camera_ready_upload_permissions(client, case, status):
    outcome = Decision.Outcome.REJECT if case == "rejected" else Decision.Outcome.ACCEPT_ORAL
    scene = accepted_scene(outcome=outcome, released=case != "not released")
    client.force_login(UserFactory() if case == "not an author" else scene.author)
    assert client.post(upload_url(scene), {"pdf": pdf(1)}).status_code == status
    assert len(camera_files(scene)) == (1 if status == 302 else 0)


def test_camera_ready_after_deadline_is_refused(client):
    scene = accepted_scene()
    client.force_login(scene.author)
    with time_machine.travel(timezone.now() + timedelta(days=12)):
        response = client.post(upload_url(scene), {"pdf": pdf(1)})
        assert response.status_code == 400
        assert "camera-ready deadline has passed" in response.content.decode()
    assert camera_files(scene) == []


def test_author_confirms_author_list_snapshot(client):
    scene = accepted_scene()
    client.force_login(scene.author)
    url = reverse("reviews:camera_ready_authors", args=[scene.conference.slug, scene.paper.number])
    client.post(url, {})
    assert not AuthorListConfirmation.objects.exists()
    client.post(url, {"confirm": "on"})
    confirmation = AuthorListConfirmation.objects.get()
    assert confirmation.authors == [
        {"name": scene.author.full_name, "affiliation": ""},
        {"name": "Mia Chen", "affiliation": "KAIST"},
    ]
    assert confirmation.confirmed_by == scene.author
    assert AuditEntry.objects.filter(action="camera_ready.confirm_authors").count() == 1
    assert "confirmed" in client.get(page_url(scene)).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("author", 200), ("chair", 200), ("assigned reviewer", 404), ("outsider", 404)],
)
def test_camera_ready_download_only_authors_and_chairs(client, who, status):
    scene = make_scene(reviewers=1)
    DeadlineFactory(conference=scene.conference, kind=Deadline.Kind.CAMERA_READY, days=10)
    decide(scene.paper, Decision.Outcome.ACCEPT_POSTER)
    scene.conference.decisions_released_at = timezone.now()
    scene.conference.save()
    client.force_login(scene.author)
    client.post(upload_url(scene), {"pdf": pdf(1)})
    people = {
        "author": scene.author,
        "chair": scene.chair,
        "assigned reviewer": scene.reviewers[0],
        "outsider": scene.outsider,
    }
    client.force_login(people[who])

    response = client.get(
        reverse(
            "submissions:download", args=[scene.conference.slug, scene.paper.number, "camera-ready"]
        )
    )

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == (
            f'attachment; filename="{scene.conference.slug}-paper-{scene.paper.number}'
            f'-camera-ready-v1.pdf"'
        )
