"""The submission deadline is enforced by the server at the second, in AoE, with extensions.

The process runs in a non-UTC zone here, so a bug that mixes local and UTC time shows up.
"""

import time
from datetime import date
from datetime import time as clock

import pytest
import time_machine
from django.urls import reverse

from conference.models import AOE, AuditEntry, Deadline
from submissions import services
from submissions.models import Submission
from tests.factories import SubmissionFactory, make_chair
from tests.submissions.conftest import form_data

pytestmark = pytest.mark.django_db
LAST_OPEN_SECOND = "2025-02-04 11:59:59+00:00"  # 2025-02-03 23:59:59 AoE
FIRST_CLOSED_SECOND = "2025-02-04 12:00:00+00:00"


@pytest.fixture(autouse=True)
def tokyo_process_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def feb3(conference):
    Deadline.objects.filter(conference=conference).delete()
    return Deadline.objects.create(
        conference=conference,
        kind="submission",
        local_date=date(2025, 2, 3),
        local_time=clock(23, 59),
        zone=AOE,
    )


@pytest.fixture
def draft(client, conference, feb3, main_track, author):
    client.force_login(author)
    with time_machine.travel("2025-02-01 00:00:00+00:00", tick=False):
        client.post(
            reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
            form_data(conference, track=main_track, authors=[author]),
        )
    return Submission.objects.get()


def save_title(client, draft, title):
    return client.post(
        reverse(
            "submissions:edit",
            kwargs={"conference_slug": draft.conference.slug, "number": draft.number},
        ),
        form_data(
            draft.conference,
            track=draft.track,
            authors=[draft.created_by],
            version=Submission.objects.get(pk=draft.pk).version,
            title=title,
        ),
    )


def test_deadline_is_the_last_second_of_the_stated_minute_in_aoe(feb3):
    assert feb3.due_at.isoformat() == "2025-02-04T11:59:59+00:00"


def test_edit_open_at_last_second_aoe(client, draft):
    with time_machine.travel(LAST_OPEN_SECOND, tick=False):
        response = save_title(client, draft, "Saved at 23:59:59 AoE")
    assert response.status_code == 302
    assert Submission.objects.get().title == "Saved at 23:59:59 AoE"


def test_edit_closed_one_second_later(client, draft):
    with time_machine.travel(FIRST_CLOSED_SECOND, tick=False):
        response = save_title(client, draft, "Too late")
        followed = client.get(response["Location"]).content.decode()
    assert response["Location"].endswith(f"/submissions/{draft.number}/")
    assert "This paper can no longer be changed" in followed
    assert Submission.objects.get().title == "Token-Adaptive Expert Routing"


def test_create_closed_after_deadline(client, conference, feb3, author):
    client.force_login(author)
    with time_machine.travel(FIRST_CLOSED_SECOND, tick=False):
        page = client.get(
            reverse("submissions:create", kwargs={"conference_slug": conference.slug})
        ).content.decode()
    assert "The submission deadline has passed" in page
    assert 'name="creation_token"' not in page


def test_service_refuses_after_deadline_even_without_the_view(draft, author):
    with (
        time_machine.travel(FIRST_CLOSED_SECOND, tick=False),
        pytest.raises(services.DeadlinePassed),
    ):
        services.save_submission(
            actor=author,
            conference=draft.conference,
            submission=draft,
            fields=services.PaperFields(track=draft.track, title="Sneaky"),
            authors=[services.AuthorEntry(name="Mina", email=author.email, is_contact=True)],
        )


def test_extension_keeps_one_paper_open(client, draft, conference, feb3, main_track, author):
    chair = make_chair(conference)
    other = SubmissionFactory(conference=conference, track=main_track, state="draft", number=99)
    with time_machine.travel("2025-02-03 00:00:00+00:00", tick=False):
        client.force_login(chair)
        response = client.post(
            reverse(
                "submissions:extension",
                kwargs={"conference_slug": conference.slug, "number": draft.number},
            ),
            {"local_date": "2025-02-06", "local_time": "23:59", "reason": "Hospital stay"},
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.extension_until.isoformat() == "2025-02-07T11:59:59+00:00"
    entry = AuditEntry.objects.get(action="submission.extension")
    assert (entry.actor, entry.reason) == (chair, "Hospital stay")
    assert entry.after == {"extension_until": "2025-02-07T11:59:59+00:00"}
    client.force_login(author)
    with time_machine.travel("2025-02-07 11:59:59+00:00", tick=False):
        assert save_title(client, draft, "Extended").status_code == 302
        assert author.has_perm("submissions.edit", Submission.objects.get(pk=draft.pk))
        assert not other.created_by.has_perm("submissions.edit", other)
    with time_machine.travel("2025-02-07 12:00:00+00:00", tick=False):
        save_title(client, draft, "Beyond the extension")
    assert Submission.objects.get(pk=draft.pk).title == "Extended"


def test_extension_must_end_after_the_deadline(client, draft, conference):
    client.force_login(make_chair(conference))
    response = client.post(
        reverse(
            "submissions:extension",
            kwargs={"conference_slug": conference.slug, "number": draft.number},
        ),
        {"local_date": "2025-02-01", "local_time": "12:00", "reason": "Typo"},
    )
    assert "An extension must end after the submission deadline" in response.content.decode()
    assert Submission.objects.get(pk=draft.pk).extension_until is None
