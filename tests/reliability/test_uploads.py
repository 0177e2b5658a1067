"""Hostile uploads through the real paper form: oversized requests, odd file names, polyglots
and ZIP bombs. Each is refused with a message or stored safely; a refused upload leaves the
previous version untouched."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from submissions.models import Submission, SubmissionFile
from tests.factories import ConferenceFactory, DeadlineFactory, UserFactory
from tests.reliability import hostile_pdfs
from tests.submissions.conftest import form_data, pdf_upload
from tests.submissions.pdf_corpus import make_paper

pytestmark = pytest.mark.django_db
PAPER = make_paper(body_pages=2, ref_pages=1, seed=31)
STORED_NAME = re.compile(r"^(papers|supplements)/[a-z0-9-]+/[0-9a-f]{32}\.(pdf|zip)$")


class UnreadableBody:
    """A WSGI input that fails the test if anything reads the request body."""

    def read(self, *args):
        raise AssertionError("the body of a refused request was read")

    readline = read


@pytest.fixture
def conference():
    conference = ConferenceFactory()
    DeadlineFactory(conference=conference, days=7)
    return conference


@pytest.fixture
def author():
    return UserFactory(full_name="Uma Uploader", email="uma@uploader.example")


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def create_url(conference):
    return reverse("submissions:create", args=[conference.slug])


def edit_url(submission):
    return reverse("submissions:edit", args=[submission.conference.slug, submission.number])


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def create_draft(client, conference, author, **files):
    track = conference.tracks.get(name="Main paper track")
    return client.post(
        create_url(conference), form_data(conference, track=track, authors=[author], **files)
    )


@pytest.mark.parametrize("role", ["anonymous", "author"])
def test_uploads_request_over_the_cap_is_refused_before_its_body_is_read(
    role, client, conference, author, settings
):
    if role == "author":
        client.force_login(author)
    declared = settings.MAX_REQUEST_BYTES + 1

    response = client.generic(
        "POST",
        create_url(conference),
        b"",
        "multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert "Upload too large" in response.content.decode()
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert Submission.objects.count() == 0


def test_uploads_request_within_the_cap_reaches_the_form(
    author_client, conference, author, settings
):
    settings.MAX_REQUEST_BYTES = len(PAPER) + 64 * 1024

    response = create_draft(author_client, conference, author, pdf=pdf_upload(PAPER))

    assert response.status_code == 302
    assert SubmissionFile.objects.count() == 1


def test_uploads_request_just_over_a_lowered_cap_gets_413(
    author_client, conference, author, settings
):
    settings.MAX_REQUEST_BYTES = len(PAPER) // 2

    response = create_draft(author_client, conference, author, pdf=pdf_upload(PAPER))

    assert response.status_code == 413
    assert Submission.objects.count() == 0


ODD_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\paper.pdf",
    "/absolute/path/paper.pdf",
    "pa\x00per.pdf",
    "a" * 296 + ".pdf",
    "paper.pdf.html",
    '"><script>alert(1)</script>.pdf',
    "résumé – ünïcode 論文.pdf",
    ".pdf",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_uploads_odd_file_name_is_stored_under_a_random_name_and_served_safely(
    name, author_client, conference, author, private_storage
):
    response = create_draft(author_client, conference, author, pdf=pdf_upload(PAPER, name=name))
    submission = Submission.objects.get()
    file = SubmissionFile.objects.get()
    download = author_client.get(
        reverse("submissions:download", args=[conference.slug, submission.number, "paper"])
    )
    detail = author_client.get(
        reverse("submissions:detail", args=[conference.slug, submission.number])
    )

    assert response.status_code == 302
    assert STORED_NAME.match(file.storage_name)
    stem = file.storage_name.removesuffix(".pdf")
    assert file.storage_name in stored_files(private_storage)
    assert [path for path in stored_files(private_storage) if not path.startswith(stem)] == []
    assert len(file.original_name) <= 255
    assert "\x00" not in file.original_name and "/" not in file.original_name
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{conference.slug}-paper-{submission.number}-v1.pdf"'
    )
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>alert(1)" not in detail.content.decode()


def test_uploads_html_with_a_pdf_inside_is_refused(
    author_client, conference, author, private_storage
):
    """PDF readers accept a PDF header anywhere in the first kilobyte, so a file may be both a
    web page and a PDF; such a polyglot is refused and nothing is stored."""
    response = create_draft(
        author_client, conference, author, pdf=pdf_upload(hostile_pdfs.html_with_pdf_inside(PAPER))
    )

    assert response.status_code == 200
    assert "starts as an HTML web page and only then holds a PDF" in response.content.decode()
    assert SubmissionFile.objects.count() == 0
    assert stored_files(private_storage) == []


def test_uploads_pdf_followed_by_html_is_served_only_as_a_pdf_attachment(
    author_client, conference, author
):
    """Trailing bytes after a PDF do not make it a web page for anyone who downloads it."""
    response = create_draft(
        author_client, conference, author, pdf=pdf_upload(hostile_pdfs.pdf_then_html(PAPER))
    )
    submission = Submission.objects.get()
    download = author_client.get(
        reverse("submissions:download", args=[conference.slug, submission.number, "paper"])
    )

    assert response.status_code == 302
    assert (
        download.headers["Content-Type"],
        download.headers["X-Content-Type-Options"],
        download.headers["Content-Disposition"].split(";")[0],
    ) == ("application/pdf", "nosniff", "attachment")


def zip_of(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def lying_zip_bomb():
    """200 MB of zeros whose headers declare 1 KB (a checker that trusts headers lets it in)."""
    data = bytearray(zip_of([("data.bin", bytes(200 * 1024 * 1024))]))
    real, fake = (200 * 1024 * 1024).to_bytes(4, "little"), (1024).to_bytes(4, "little")
    return bytes(data.replace(real, fake))


@pytest.mark.parametrize(
    ("name", "archive"),
    [
        ("honest zip bomb", lambda: zip_of([("data.bin", bytes(200 * 1024 * 1024))])),
        ("zip bomb with lying headers", lying_zip_bomb),
        ("path traversal", lambda: zip_of([("../../evil.sh", b"rm -rf /")])),
    ],
)
def test_uploads_hostile_supplement_is_refused_and_previous_one_kept(
    name, archive, author_client, conference, author, private_storage
):
    good = zip_of([("code/train.py", b"print('hello')\n")])
    create_draft(
        author_client,
        conference,
        author,
        pdf=pdf_upload(PAPER),
        supplement=pdf_upload(good, "code.zip"),
    )
    submission = Submission.objects.get()
    before = stored_files(private_storage)
    track = submission.track

    response = author_client.post(
        edit_url(submission),
        form_data(
            conference,
            track=track,
            authors=[author],
            version=submission.version,
            supplement=pdf_upload(archive(), "supplement.zip"),
        ),
    )

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert list(submission.files.filter(kind="supplement").values_list("revision", flat=True)) == [
        1
    ]
    assert stored_files(private_storage) == before


def test_uploads_empty_file_is_refused_and_nothing_stored(
    author_client, conference, author, private_storage
):
    response = create_draft(author_client, conference, author, pdf=pdf_upload(b"", "empty.pdf"))

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert (Submission.objects.count(), stored_files(private_storage)) == (0, [])
