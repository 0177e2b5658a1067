"""The author's paper form end to end through the Django test client."""

import hashlib
import uuid

import pytest
from django.urls import reverse

from conference.models import AuditEntry
from notifications.models import OutgoingEmail
from submissions.models import Submission, SubmissionFile
from submissions.uploads import private_storage
from tests.factories import UserFactory
from tests.submissions.conftest import form_data, pdf_upload
from tests.submissions.pdf_corpus import make_garbage, make_html, make_paper

pytestmark = pytest.mark.django_db


def create_url(conference):
    return reverse("submissions:create", kwargs={"conference_slug": conference.slug})


def edit_url(submission):
    return reverse(
        "submissions:edit",
        kwargs={"conference_slug": submission.conference.slug, "number": submission.number},
    )


def detail_url(submission):
    return reverse(
        "submissions:detail",
        kwargs={"conference_slug": submission.conference.slug, "number": submission.number},
    )


def stored_names(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def submitted(client, conference, main_track, author, fitting_pdf):
    """A submitted paper (version 1 of its PDF fits the Main track), created through the form."""
    client.force_login(author)
    response = client.post(
        create_url(conference),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            action="submit",
            pdf=pdf_upload(fitting_pdf),
        ),
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(submission)
    return submission


def test_new_submission_form_shows_tracks_with_limits_and_deadline(client, conference, author):
    client.force_login(author)
    page = client.get(create_url(conference)).content.decode()
    assert "Main paper track: up to 5 pages before the references" in page
    assert "Tiny paper track: up to 2 pages before the references" in page
    assert "AoE" in page and 'data-deadline="' in page
    assert 'name="creation_token"' in page
    assert 'value="mina@kaist.example"' in page


def test_save_draft_without_pdf_creates_draft(client, conference, main_track, author):
    client.force_login(author)
    response = client.post(
        create_url(conference),
        form_data(conference, track=main_track, authors=[author], action="draft", abstract=""),
    )
    submission = Submission.objects.get()
    assert response["Location"] == detail_url(submission)
    assert (submission.state, submission.number, submission.version) == ("draft", 1, 1)
    assert submission.abstract == ""
    assert list(submission.authorships.values_list("email", "is_contact", "user")) == [
        ("mina@kaist.example", True, author.pk)
    ]
    assert submission.files.count() == 0


def test_submit_with_fitting_pdf_stores_version_and_thumbnails(
    submitted, fitting_pdf, private_storage
):
    file = SubmissionFile.objects.get()
    assert submitted.state == "submitted"
    assert submitted.format_verdict == "fits"
    assert (file.kind, file.revision, file.size) == ("paper", 1, len(fitting_pdf))
    assert file.sha256 == hashlib.sha256(fitting_pdf).hexdigest()
    assert file.facts["body_pages"] == 4 and file.facts["references_page"] == 5
    assert file.thumbnail_count == 5
    with private_storage_open(file.storage_name) as stored:
        assert stored.read() == fitting_pdf
    assert len(stored_names(private_storage)) == 6  # the PDF and 5 thumbnails


def private_storage_open(name):
    return private_storage().open(name)


def test_submit_without_pdf_is_refused_and_keeps_typed_fields(
    client, conference, main_track, author
):
    client.force_login(author)
    response = client.post(
        create_url(conference),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            action="submit",
            title="My carefully typed title",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "To submit, upload the PDF of your paper." in page
    assert 'value="My carefully typed title"' in page
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("case", ["too_long", "not_a_pdf", "html", "too_big"])
def test_rejected_upload_keeps_previous_version(
    client, submitted, main_track, author, long_pdf, fitting_pdf, private_storage, case
):
    before = stored_names(private_storage)
    data = {
        "too_long": long_pdf,
        "not_a_pdf": make_garbage(),
        "html": make_html(),
        "too_big": long_pdf,
    }[case]
    if case == "too_big":
        main_track.max_pdf_mb = 0
        main_track.save()
    response = client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=main_track,
            authors=[author],
            action="submit",
            version=submitted.version,
            title="Edited title",
            pdf=pdf_upload(data),
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "choose your files again" in page
    assert 'value="Edited title"' in page
    expected = {
        "too_long": "Your paper has 6 body pages (references start on page 7); the Main paper "
        "track allows 5.",
        "not_a_pdf": "This file is not a PDF.",
        "html": "This file is not a PDF (it looks like an HTML web page).",
        "too_big": "this track allows 0.0 MB",
    }[case]
    assert expected in page
    submitted.refresh_from_db()
    assert (submitted.title, submitted.version) == ("Token-Adaptive Expert Routing", 1)
    file = SubmissionFile.objects.get()
    assert file.revision == 1
    with private_storage_open(file.storage_name) as stored:
        assert stored.read() == fitting_pdf
    assert stored_names(private_storage) == before


def test_too_long_upload_shows_labelled_page_strip(client, submitted, main_track, author, long_pdf):
    response = client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=main_track,
            authors=[author],
            action="submit",
            version=submitted.version,
            pdf=pdf_upload(long_pdf),
        ),
    )
    page = response.content.decode()
    assert page.count('src="data:image/png;base64,') == 7
    assert 'alt="Page 6 (Body, over the limit)"' in page
    assert 'alt="Page 7 (References)"' in page
    assert "Your previous version (version 1) is unchanged." in page


def test_revised_pdf_becomes_new_current_version(client, submitted, author):
    tiny_fitting = make_paper(body_pages=2, ref_pages=1, seed=5)
    tiny = submitted.conference.tracks.get(name="Tiny paper track")
    response = client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=tiny,
            authors=[author],
            action="submit",
            version=submitted.version,
            pdf=pdf_upload(tiny_fitting, "v2.pdf"),
        ),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.track, submitted.version, submitted.format_verdict) == (tiny, 2, "fits")
    assert list(submitted.files.values_list("revision", "original_name")) == [
        (2, "v2.pdf"),
        (1, "paper.pdf"),
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=str(submitted.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "submission.upload",
        "submission.create",
        "submission.submit",
        "submission.upload",
        "submission.edit",
    ]


def test_track_change_that_makes_pdf_too_long_is_refused(client, submitted, author):
    tiny = submitted.conference.tracks.get(name="Tiny paper track")
    response = client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=tiny,
            authors=[author],
            action="submit",
            version=submitted.version,
        ),
    )
    assert "The current PDF is too long for the Tiny paper track" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.track.name == "Main paper track"


def test_double_submit_creates_one_submission(client, conference, main_track, author):
    client.force_login(author)
    data = form_data(conference, track=main_track, authors=[author], token=uuid.uuid4())
    first = client.post(create_url(conference), data)
    second = client.post(create_url(conference), data)
    submission = Submission.objects.get()
    assert first["Location"] == second["Location"] == detail_url(submission)
    followed = client.get(second["Location"]).content.decode()
    assert "This paper was already created (the form was sent twice); here it is." in followed


def test_stale_edit_is_refused_and_nothing_overwritten(client, submitted, main_track, author):
    coauthor = UserFactory(full_name="Tomas Reyes")
    opened_version = submitted.version
    client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=main_track,
            authors=[author, coauthor],
            action="submit",
            version=opened_version,
            title="The co-author's title",
        ),
    )
    client.force_login(coauthor)
    response = client.post(
        edit_url(submitted),
        form_data(
            submitted.conference,
            track=main_track,
            authors=[author, coauthor],
            action="submit",
            version=opened_version,
            title="A stale title",
        ),
    )
    page = response.content.decode()
    assert "A co-author saved this paper after you opened the form, so nothing was saved." in page
    assert 'value="A stale title"' in page
    submitted.refresh_from_db()
    assert (submitted.title, submitted.version) == ("The co-author's title", 2)


@pytest.mark.parametrize(
    ("authors_kind", "message"),
    [
        ("without_me", "You must be one of the authors"),
        ("two_contacts", "Mark exactly one author as the contact author (2 marked)."),
        ("same_email", "appears more than once"),
    ],
)
def test_author_list_rules(client, conference, main_track, author, authors_kind, message):
    client.force_login(author)
    other = UserFactory()
    people = [other] if authors_kind == "without_me" else [author, other]
    extra = {}
    if authors_kind == "two_contacts":
        extra["authors-1-is_contact"] = "on"
    if authors_kind == "same_email":
        extra["authors-1-email"] = author.email.upper()
    response = client.post(
        create_url(conference), form_data(conference, track=main_track, authors=people, **extra)
    )
    assert message in response.content.decode()
    assert Submission.objects.count() == 0


def test_authors_are_stored_in_chosen_order(client, conference, main_track, author):
    client.force_login(author)
    second = UserFactory(full_name="Second Person")
    data = form_data(conference, track=main_track, authors=[author, second])
    data["authors-0-ORDER"], data["authors-1-ORDER"] = "2", "1"
    data["authors-1-is_contact"], data["authors-0-is_contact"] = "on", ""
    client.post(create_url(conference), data)
    assert list(
        Submission.objects.get().authorships.values_list("name", "order", "is_contact")
    ) == [("Second Person", 1, True), ("Mina Park", 2, False)]


def test_removed_author_row_is_dropped(client, conference, main_track, author):
    client.force_login(author)
    data = form_data(conference, track=main_track, authors=[author, ("Gone", "gone@x.example")])
    data["authors-1-DELETE"] = "on"
    client.post(create_url(conference), data)
    assert list(Submission.objects.get().authorships.values_list("name", flat=True)) == [
        "Mina Park"
    ]


def test_oversized_upload_is_dropped_and_fields_kept(
    client, conference, main_track, author, settings, fitting_pdf
):
    settings.MAX_UPLOAD_BYTES = 1000
    client.force_login(author)
    response = client.post(
        create_url(conference),
        form_data(
            conference,
            track=main_track,
            authors=[author],
            title="Kept title",
            pdf=pdf_upload(fitting_pdf),
        ),
    )
    page = response.content.decode()
    assert "This file is larger than we accept at all." in page
    assert 'value="Kept title"' in page
    assert Submission.objects.count() == 0


def test_deadline_passed_form_is_read_only(client, submitted, settings):
    deadline = submitted.conference.deadlines.get()
    deadline.local_date = deadline.local_date.replace(year=2020)
    deadline.save()
    response = client.get(edit_url(submitted))
    assert response["Location"] == detail_url(submitted)
    assert (
        "This paper can no longer be changed" in client.get(detail_url(submitted)).content.decode()
    )
    assert OutgoingEmail.objects.filter(template="submission_revised").count() == 0
