"""The chair's settings page: who may use it, what it saves, what it refuses, what it audits."""

from datetime import UTC, date, datetime, time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conference.models import AOE, AuditEntry, Conference, Deadline, ProgramSession, Topic, Track
from tests.conference.support import conference_data, section_data
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(event_zone="Asia/Singapore")


@pytest.fixture
def chair(conference):
    return make_chair(conference)


def settings_url(conference):
    return reverse("conference:settings", args=[conference.slug])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def track(conference, name="Tiny paper track"):
    return conference.tracks.get(name=name)


def person_in_role(role, conference):
    if role == "anonymous":
        return None
    if role == "chair":
        return make_chair(conference)
    if role == "reviewer":
        return make_reviewer(conference)
    if role == "author":
        return SubmissionFactory(conference=conference).created_by
    if role == "chair_elsewhere":
        return make_chair(ConferenceFactory())
    return UserFactory()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("stranger", 404),
        ("author", 404),
        ("reviewer", 404),
        ("chair_elsewhere", 404),
        ("chair", 200),
    ],
)
@pytest.mark.parametrize("page", ["conference:settings", "conference:audit"])
def test_chair_pages_by_role(client, conference, role, expected, page):
    person = person_in_role(role, conference)
    if person:
        client.force_login(person)

    response = client.get(reverse(page, args=[conference.slug]))

    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login") + "?next=")
    else:
        assert response.status_code == expected
    if expected == 200:
        assert b"<h1>" in response.content


@pytest.mark.parametrize("role", ["anonymous", "stranger", "author", "reviewer", "chair_elsewhere"])
def test_settings_post_by_non_chair_changes_nothing(client, conference, role):
    person = person_in_role(role, conference)
    if person:
        client.force_login(person)
    data = section_data(conference, "tracks", **{"tracks-0-body_page_limit": "9"})

    response = client.post(settings_url(conference), data)

    assert response.status_code == (302 if role == "anonymous" else 404)
    assert track(conference).body_page_limit == 2
    assert AuditEntry.objects.count() == 0


def test_chair_edits_track_page_limit_saved_and_audited(client, conference, chair):
    client.force_login(chair)
    tiny = track(conference)
    data = section_data(
        conference,
        "tracks",
        **{"tracks-0-body_page_limit": "3", "tracks-0-camera_ready_page_limit": "4"},
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 302
    assert response.url == settings_url(conference) + "#tracks"
    tiny.refresh_from_db()
    assert (tiny.body_page_limit, tiny.camera_ready_page_limit) == (3, 4)
    entry = AuditEntry.objects.get()
    assert entry.action == "track.edit"
    assert entry.actor == chair
    assert entry.conference == conference
    assert entry.object_id == str(tiny.pk)
    assert entry.object_repr == "Tiny paper track"
    assert entry.before["body_page_limit"] == 2
    assert entry.after["body_page_limit"] == 3
    assert entry.changes() == [
        ("body_page_limit", 2, 3),
        ("camera_ready_page_limit", 3, 4),
    ]
    assert messages_of(response) == ["Saved 1 change."]


def test_settings_invalid_track_input_saves_nothing_and_says_why(client, conference, chair):
    client.force_login(chair)
    data = section_data(
        conference,
        "tracks",
        **{"tracks-0-body_page_limit": "3", "tracks-1-body_page_limit": "many"},
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: please correct the fields marked below." in html
    assert "Enter a whole number." in html
    assert 'value="many"' in html
    assert track(conference).body_page_limit == 2
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tracks-0-body_page_limit": "0"}, "Must be at least 1."),
        (
            {"tracks-1-camera_ready_page_limit": "4"},
            "The camera-ready limit cannot be below the submission limit (5).",
        ),
        ({"tracks-1-name": "tiny PAPER track"}, "“tiny PAPER track” appears twice"),
        ({"tracks-0-body_page_limit": "-2"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_settings_track_rules_refused_with_message(client, conference, chair, changes, message):
    client.force_login(chair)

    response = client.post(settings_url(conference), section_data(conference, "tracks", **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert sorted(conference.tracks.values_list("name", "body_page_limit")) == [
        ("Main paper track", 5),
        ("Tiny paper track", 2),
    ]


def test_settings_add_and_delete_topics_audited(client, conference, chair):
    client.force_login(chair)
    first = conference.topics.get(order=1)
    data = section_data(
        conference,
        "topics",
        **{"topics-0-DELETE": "on", "topics-3-name": "Sparse attention", "topics-3-order": "4"},
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 302
    assert list(conference.topics.values_list("name", flat=True)) == [
        "Mixture of experts",
        "Efficient inference",
        "Sparse attention",
    ]
    actions = sorted(AuditEntry.objects.values_list("action", "object_repr"))
    assert actions == [("topic.create", "Sparse attention"), ("topic.delete", first.name)]
    deleted = AuditEntry.objects.get(action="topic.delete")
    assert deleted.before["name"] == "Long context"
    assert deleted.after is None


def test_settings_delete_track_with_submissions_refused(client, conference, chair):
    client.force_login(chair)
    SubmissionFactory(conference=conference, track=track(conference))

    response = client.post(
        settings_url(conference), section_data(conference, "tracks", **{"tracks-0-DELETE": "on"})
    )

    assert response.status_code == 200
    assert "“Tiny paper track” has 1 submission: it cannot be deleted." in response.content.decode()
    assert conference.tracks.count() == 2


def test_settings_delete_topic_chosen_by_a_paper_refused(client, conference, chair):
    client.force_login(chair)
    topic = conference.topics.get(order=1)
    SubmissionFactory(conference=conference).topics.add(topic)

    response = client.post(
        settings_url(conference), section_data(conference, "topics", **{"topics-0-DELETE": "on"})
    )

    assert "“Long context” was chosen by 1 submission: it cannot be deleted." in (
        response.content.decode()
    )
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_settings_deadline_edit_recomputes_due_at_and_audits_it(client, conference, chair):
    client.force_login(chair)
    DeadlineFactory(conference=conference, local_date=date(2025, 2, 3))
    data = section_data(conference, "deadlines", **{"deadlines-0-local_date": "2025-02-10"})

    response = client.post(settings_url(conference), data)

    assert response.status_code == 302
    deadline = conference.deadlines.get()
    assert deadline.due_at == datetime(2025, 2, 11, 11, 59, 59, tzinfo=UTC)
    entry = AuditEntry.objects.get(action="deadline.edit")
    assert entry.before["due_at"] == "2025-02-04T11:59:59+00:00"
    assert entry.after["due_at"] == "2025-02-11T11:59:59+00:00"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("aoe", AOE), ("europe/berlin", "Europe/Berlin"), (" UTC ", "UTC")],
)
def test_settings_deadline_zone_names_normalized(client, conference, chair, typed, stored):
    client.force_login(chair)
    data = section_data(
        conference,
        "deadlines",
        **{
            "deadlines-0-kind": "submission",
            "deadlines-0-local_date": "2025-02-03",
            "deadlines-0-local_time": "23:59",
            "deadlines-0-zone": typed,
        },
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 302
    assert conference.deadlines.get().zone == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus", "America", "../../etc/passwd", "Europe/"])
def test_settings_deadline_unknown_zone_refused(client, conference, chair, typed):
    client.force_login(chair)
    data = section_data(
        conference,
        "deadlines",
        **{
            "deadlines-0-kind": "submission",
            "deadlines-0-local_date": "2025-02-03",
            "deadlines-0-local_time": "23:59",
            "deadlines-0-zone": typed,
        },
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 200
    assert "is not a time zone name. Use an IANA name such as Europe/Berlin" in (
        response.content.decode()
    )
    assert not conference.deadlines.exists()


def test_settings_two_deadlines_of_one_kind_refused(client, conference, chair):
    client.force_login(chair)
    DeadlineFactory(conference=conference, kind=Deadline.Kind.SUBMISSION)
    data = section_data(
        conference,
        "deadlines",
        **{"deadlines-1-kind": "submission", "deadlines-1-local_date": "2025-03-01"},
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 200
    assert "“Paper submission” appears twice: each may appear only once." in (
        response.content.decode()
    )
    assert conference.deadlines.count() == 1


def test_settings_session_times_read_in_event_zone(client, conference, chair):
    client.force_login(chair)
    data = section_data(
        conference,
        "sessions",
        **{
            "sessions-0-kind": "poster",
            "sessions-0-title": "Morning posters",
            "sessions-0-starts_at": "2025-04-27T10:45",
            "sessions-0-ends_at": "2025-04-27T11:45",
        },
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 302
    session = ProgramSession.objects.get(conference=conference)
    assert session.starts_at == datetime(2025, 4, 27, 2, 45, tzinfo=UTC)
    assert AuditEntry.objects.get().action == "session.create"


def test_settings_session_ending_before_start_refused(client, conference, chair):
    client.force_login(chair)
    data = section_data(
        conference,
        "sessions",
        **{
            "sessions-0-kind": "break",
            "sessions-0-title": "Lunch",
            "sessions-0-starts_at": "2025-04-27T13:00",
            "sessions-0-ends_at": "2025-04-27T11:45",
        },
    )

    response = client.post(settings_url(conference), data)

    assert response.status_code == 200
    assert "The session must end after it starts (2025-04-27 13:00 Asia/Singapore)." in (
        response.content.decode()
    )
    assert not ProgramSession.objects.exists()


def test_settings_conference_edit_audited(client, conference, chair):
    client.force_login(chair)

    response = client.post(
        settings_url(conference), conference_data(conference, venue="Singapore EXPO, Hall 4")
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.venue == "Singapore EXPO, Hall 4"
    entry = AuditEntry.objects.get()
    assert entry.action == "conference.edit"
    assert entry.changes() == [("venue", "", "Singapore EXPO, Hall 4")]


def test_settings_conference_bad_zone_refused_header_unchanged(client, conference, chair):
    client.force_login(chair)
    data = conference_data(conference, event_zone="Singapur", short_name="RENAMED")

    response = client.post(settings_url(conference), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "“Singapur” is not a time zone name." in html
    assert f'<a class="conf-name" href="/{conference.slug}/">{conference.short_name}</a>' in html
    assert 'value="RENAMED"' in html
    conference.refresh_from_db()
    assert conference.event_zone == "Asia/Singapore"
    assert conference.short_name != "RENAMED"


def test_settings_unchanged_section_records_nothing(client, conference, chair):
    client.force_login(chair)

    response = client.post(settings_url(conference), section_data(conference, "tracks"))

    assert response.status_code == 302
    assert messages_of(response) == ["Nothing to save: no field was changed."]
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("section", ["", "audit", "memberships"])
def test_settings_unknown_section_is_404(client, conference, chair, section):
    client.force_login(chair)

    response = client.post(settings_url(conference), {"section": section})

    assert response.status_code == 404


def test_settings_tampered_management_form_is_a_message(client, conference, chair):
    client.force_login(chair)

    response = client.post(settings_url(conference), {"section": "tracks"})

    assert response.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    assert Track.objects.filter(conference=conference).count() == 2


def test_settings_page_shows_section_values(client, conference, chair):
    client.force_login(chair)
    DeadlineFactory(conference=conference, local_date=date(2025, 2, 3), local_time=time(23, 59))

    html = client.get(settings_url(conference)).content.decode()

    assert 'value="Tiny paper track"' in html
    assert 'name="deadlines-0-local_date" value="2025-02-03"' in html
    assert "2025-02-04 11:59:59" in html
    assert "Times are in the event&#x27;s zone, Asia/Singapore." in html


@pytest.mark.parametrize("slug", ["admin", "accounts", "profile", "static", "Admin"])
def test_conference_reserved_slug_refused(slug):
    conference = ConferenceFactory.build(slug=slug)

    with pytest.raises(Exception) as caught:
        conference.full_clean()

    assert "is taken by the site's own pages" in str(caught.value)


def test_conference_ordinary_slug_accepted():
    conference = ConferenceFactory.build(slug="scope2026")

    conference.full_clean()

    assert Conference.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 30])
def test_settings_page_query_count_is_constant(
    client, conference, chair, rows, django_assert_max_num_queries
):
    for index in range(rows):
        conference.topics.create(name=f"Extra topic {index}", order=10 + index)
    client.force_login(chair)

    with django_assert_max_num_queries(11):
        response = client.get(settings_url(conference))

    assert response.content.decode().count('name="topics-') > 2 * rows
