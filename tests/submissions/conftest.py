"""Shared setup for the submissions tests: an open conference, its people, and test PDFs."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ConferenceFactory, DeadlineFactory, UserFactory
from tests.submissions.pdf_corpus import make_paper


@pytest.fixture(scope="session")
def fitting_pdf():
    """4 body pages, references from page 5: fits the Main track (5), too long for Tiny (2)."""
    return make_paper(body_pages=4, ref_pages=1, seed=21)


@pytest.fixture(scope="session")
def long_pdf():
    """6 body pages, references start on page 7: too long for the Main track."""
    return make_paper(body_pages=6, ref_pages=1, seed=22)


@pytest.fixture
def conference(db):
    conference = ConferenceFactory()
    DeadlineFactory(conference=conference, days=7)
    return conference


@pytest.fixture
def main_track(conference):
    return conference.tracks.get(name="Main paper track")


@pytest.fixture
def author(db):
    return UserFactory(full_name="Mina Park", email="mina@kaist.example")


def pdf_upload(data, name="paper.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(conference, *, track, authors, action="draft", version=None, token=None, **extra):
    """The POST body of the paper form, as a browser sends it."""
    data = {
        "track": track.pk,
        "title": "Token-Adaptive Expert Routing",
        "abstract": "We route tokens to experts adaptively. " * 5,
        "keywords": "mixture of experts, routing",
        "topics": [conference.topics.first().pk],
        "declared_conflict_institutions": "",
        "confirms_anonymized": "on",
        "confirms_not_published": "on",
        "action": action,
        "authors-TOTAL_FORMS": str(len(authors)),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "30",
    }
    if version is not None:
        data["version"] = str(version)
    else:
        data["creation_token"] = str(token or uuid.uuid4())
    for index, person in enumerate(authors):
        name, email = (person.full_name, person.email) if hasattr(person, "email") else person
        data[f"authors-{index}-name"] = name
        data[f"authors-{index}-email"] = email
        data[f"authors-{index}-affiliation"] = "KAIST"
        data[f"authors-{index}-ORDER"] = str(index + 1)
        if index == 0:
            data[f"authors-{index}-is_contact"] = "on"
    data.update(extra)
    return data
