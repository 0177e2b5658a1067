"""Who may view, edit, download and withdraw a paper: one table, every role, through HTTP.

Denied is 404 (the paper's existence does not leak); anonymous visitors go to the login page.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reviews.models import Assignment, Conflict
from submissions.models import SubmissionFile
from submissions.queries import chair_visible_submissions, visible_submissions
from submissions.uploads import private_storage as storage
from tests.factories import (
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4 stored bytes %%EOF"


@pytest.fixture
def world(conference, private_storage):
    """A submitted paper with two authors, and one person for every role around it."""
    author, coauthor = UserFactory(full_name="Mina Park"), UserFactory(full_name="Tomas Reyes")
    paper = SubmissionFactory(
        conference=conference,
        created_by=author,
        authors=[author, coauthor],
        title="The paper under test",
        number=1,
    )
    name = storage().save("papers/test/paper.pdf", ContentFile(PDF_BYTES))
    SubmissionFile.objects.create(
        submission=paper,
        kind="paper",
        revision=1,
        storage_name=name,
        original_name="mine.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=len(PDF_BYTES),
        uploaded_by=author,
        facts={"ok": True, "total_pages": 1},
    )
    other_author = UserFactory()
    SubmissionFactory(conference=conference, created_by=other_author, number=2)
    assigned, unassigned = make_reviewer(conference), make_reviewer(conference)
    Assignment.objects.create(submission=paper, reviewer=assigned)
    chair, conflicted_chair = make_chair(conference), make_chair(conference)
    Conflict.objects.create(submission=paper, user=conflicted_chair, kind="institutional")
    people = {
        "author": author,
        "coauthor": coauthor,
        "other_author": other_author,
        "assigned_reviewer": assigned,
        "unassigned_reviewer": unassigned,
        "chair": chair,
        "conflicted_chair": conflicted_chair,
        "anonymous": None,
    }
    return paper, people


OK, NO, LOGIN = "ok", "404", "login"
MATRIX = [
    # role,                 view, edit, download, withdraw
    ("author", OK, OK, OK, OK),
    ("coauthor", OK, OK, OK, OK),
    ("other_author", NO, NO, NO, NO),
    ("assigned_reviewer", OK, NO, OK, NO),
    ("unassigned_reviewer", NO, NO, NO, NO),
    ("chair", OK, NO, OK, NO),
    ("conflicted_chair", NO, NO, NO, NO),
    ("anonymous", LOGIN, LOGIN, LOGIN, LOGIN),
]
ACTIONS = {
    "view": ("submissions:detail", {}, "The paper under test"),
    "edit": ("submissions:edit", {}, "Edit paper #"),
    "download": ("submissions:download", {"kind": "paper"}, None),
    "withdraw": ("submissions:withdraw", {}, "Withdraw this paper"),
}


@pytest.mark.parametrize(("role", "view", "edit", "download", "withdraw"), MATRIX)
def test_permission_matrix(client, world, role, view, edit, download, withdraw):
    paper, people = world
    if people[role] is not None:
        client.force_login(people[role])
    for action, expected in zip(ACTIONS, (view, edit, download, withdraw), strict=True):
        name, extra, marker = ACTIONS[action]
        url = reverse(
            name, kwargs={"conference_slug": paper.conference.slug, "number": paper.number, **extra}
        )
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, action
            assert response["Location"].startswith(reverse("account_login") + "?next="), action
        elif expected == NO:
            assert response.status_code == 404, action
        elif marker is None:
            assert b"".join(response.streaming_content) == PDF_BYTES, action
        else:
            assert marker in response.content.decode(), action


@pytest.mark.parametrize(
    ("role", "filename"),
    [
        ("author", "-paper-1-v1.pdf"),
        ("chair", "-paper-1-v1.pdf"),
        ("assigned_reviewer", "-paper-1.pdf"),
    ],
)
def test_download_headers_and_anonymous_name(client, world, role, filename):
    paper, people = world
    client.force_login(people[role])
    response = client.get(
        reverse(
            "submissions:download",
            kwargs={
                "conference_slug": paper.conference.slug,
                "number": paper.number,
                "kind": "paper",
            },
        )
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="{paper.conference.slug}{filename}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("role", "double_blind", "sees_names"),
    [
        ("assigned_reviewer", True, False),
        ("assigned_reviewer", False, True),
        ("chair", True, True),
        ("coauthor", True, True),
    ],
)
def test_author_names_shown_only_to_allowed_roles(client, world, role, double_blind, sees_names):
    paper, people = world
    conference = paper.conference
    conference.anonymity = "double_blind" if double_blind else "single_blind"
    conference.save()
    client.force_login(people[role])
    page = client.get(
        reverse(
            "submissions:detail",
            kwargs={"conference_slug": conference.slug, "number": paper.number},
        )
    ).content.decode()
    assert ("Tomas Reyes" in page) is sees_names


def test_chair_who_is_author_sees_own_paper_only_as_author(world):
    paper, people = world
    chair_author = make_chair(paper.conference)
    paper.authorships.create(
        order=3, name="Chair Author", email=chair_author.email, user=chair_author
    )
    chair_author = type(chair_author).objects.get(pk=chair_author.pk)
    assert chair_author.has_perm("submissions.view", paper)
    assert chair_author.has_perm("submissions.edit", paper)
    assert not chair_author.has_perm("submissions.desk_reject", paper)
    assert not chair_author.has_perm("submissions.grant_extension", paper)
    assert paper not in chair_visible_submissions(chair_author, paper.conference)
    assert paper in visible_submissions(chair_author, paper.conference)


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("author", True),
        ("assigned_reviewer", True),
        ("unassigned_reviewer", False),
        ("chair", True),
        ("conflicted_chair", False),
        ("other_author", False),
    ],
)
def test_visible_submissions_by_role(world, role, visible):
    paper, people = world
    assert (paper in visible_submissions(people[role], paper.conference)) is visible


def test_overridden_conflict_gives_chair_access_back(world):
    paper, people = world
    Conflict.objects.filter(user=people["conflicted_chair"]).update(overridden=True)
    chair = type(people["chair"]).objects.get(pk=people["conflicted_chair"].pk)
    assert chair.has_perm("submissions.view", paper)
    assert paper in chair_visible_submissions(chair, paper.conference)
