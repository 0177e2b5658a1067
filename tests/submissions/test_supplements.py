"""Supplementary material: a PDF or a ZIP that unpacks safely, within the track's limit."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions.models import Submission, SubmissionFile
from submissions.zipcheck import zip_problem
from tests.submissions.conftest import form_data, pdf_upload

pytestmark = pytest.mark.django_db


def make_zip(entries, *, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_zip({"code/train.py": b"print(1)\n", "README.md": b"# code\n"}), None),
        (b"PK\x03\x04 not really a zip", "This file is not a valid ZIP archive."),
        (make_zip({"/etc/passwd": b"x"}), 'The archive contains the path "/etc/passwd"'),
        (make_zip({"../../evil.sh": b"x"}), 'The archive contains the path "../../evil.sh"'),
        (make_zip({"a\\..\\..\\evil.bat": b"x"}), "which points outside the archive"),
        (make_zip({"C:/windows/evil.dll": b"x"}), "which points outside the archive"),
        (make_zip({"zeros.bin": bytes(50 * 1024 * 1024)}), "it looks like a ZIP bomb"),
    ],
)
def test_zip_problem(data, message):
    problem = zip_problem(data)
    assert (problem is None) if message is None else (message in problem)


def test_zip_over_uncompressed_cap_is_refused():
    data = make_zip({"a.bin": bytes(2048), "b.bin": bytes(2048)}, compression=zipfile.ZIP_STORED)
    assert "unpacks to more than" in zip_problem(data, max_uncompressed=3000)


def supplement(data, name):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_safe_zip_is_stored_and_downloaded_as_zip(
    client, conference, main_track, author, fitting_pdf
):
    archive = make_zip({"code/train.py": b"print(1)\n"})
    client.force_login(author)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            action="submit",
            pdf=pdf_upload(fitting_pdf),
            supplement=supplement(archive, "code.zip"),
        ),
    )
    paper = Submission.objects.get()
    file = SubmissionFile.objects.get(kind="supplement")
    assert (file.content_type, file.size, file.revision) == ("application/zip", len(archive), 1)
    response = client.get(
        reverse(
            "submissions:download",
            kwargs={
                "conference_slug": conference.slug,
                "number": paper.number,
                "kind": "supplement",
            },
        )
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="{conference.slug}-paper-1-supplement-v1.zip"'
    )
    assert b"".join(response.streaming_content) == archive


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (make_zip({"../escape.txt": b"x"}), "evil.zip", "points outside the archive"),
        (b"just some text", "notes.txt", "Supplementary material must be one PDF or one ZIP"),
        (b"%PDF-1.4 broken", "broken.pdf", "it stops before the end of the PDF"),
    ],
)
def test_unsafe_supplement_is_refused_with_nothing_saved(
    client, conference, main_track, author, fitting_pdf, data, name, message
):
    client.force_login(author)
    response = client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            action="submit",
            pdf=pdf_upload(fitting_pdf),
            supplement=supplement(data, name),
        ),
    )
    assert message in response.content.decode()
    assert Submission.objects.count() == 0
    assert SubmissionFile.objects.count() == 0


def test_supplement_over_track_limit_is_refused(client, conference, main_track, author):
    main_track.max_supplement_mb = 0
    main_track.save()
    client.force_login(author)
    response = client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            supplement=supplement(make_zip({"a.txt": b"a"}), "a.zip"),
        ),
    )
    assert (
        "The supplementary material is 0.0 MB; this track allows 0.0 MB."
        in response.content.decode()
    )
