"""The audit log: append-only, listed newest first, filtered by action and by person."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from conference import audit
from conference.models import AuditEntry
from notifications.services import queue_email
from reviews.models import Assignment, Conflict
from tests.factories import ConferenceFactory, SubmissionFactory, UserFactory, make_chair

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory()


@pytest.fixture
def chair(conference):
    return make_chair(conference)


def record_track_edit(conference, actor, limit=3):
    track = conference.tracks.get(name="Tiny paper track")
    return audit.record(
        actor=actor,
        conference=conference,
        action="track.edit",
        obj=track,
        before={"body_page_limit": 2},
        after={"body_page_limit": limit},
    )


def test_audit_entry_cannot_be_saved_again(conference, chair):
    entry = record_track_edit(conference, chair)
    entry.action = "track.delete"

    with pytest.raises(ValueError, match="append-only"):
        entry.save()

    assert AuditEntry.objects.get().action == "track.edit"


def test_audit_entry_cannot_be_deleted(conference, chair):
    entry = record_track_edit(conference, chair)

    with pytest.raises(ValueError, match="append-only"):
        entry.delete()

    assert AuditEntry.objects.count() == 1


def test_audit_entries_cannot_be_bulk_updated_or_deleted(conference, chair):
    record_track_edit(conference, chair)

    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(conference=conference).update(action="forged")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.all().delete()

    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["track.edit"]


def test_audit_entries_keep_when_their_actor_is_deleted(conference, chair):
    record_track_edit(conference, chair)

    chair.delete()

    entry = AuditEntry.objects.get()
    assert entry.actor is None
    assert entry.action == "track.edit"


def test_audit_admin_offers_no_add_change_or_delete():
    admin = site._registry[AuditEntry]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)

    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request) is False
    assert admin.has_delete_permission(request) is False


def test_audit_page_lists_changes_newest_first(client, conference, chair):
    record_track_edit(conference, chair, limit=3)
    record_track_edit(conference, chair, limit=4)
    client.force_login(chair)

    response = client.get(reverse("conference:audit", args=[conference.slug]))

    html = response.content.decode()
    assert "2 entries." in html
    assert html.index("<ins>4</ins>") < html.index("<ins>3</ins>")
    assert '<th scope="row">body_page_limit</th><td><del>2</del> → <ins>4</ins></td>' in html


def test_audit_page_filters_by_action_group_and_person(client, conference, chair):
    other_chair = make_chair(conference)
    record_track_edit(conference, chair)
    audit.record(actor=other_chair, conference=conference, action="topic.create", obj=conference)
    audit.record(actor=None, conference=conference, action="email.resend", obj=conference)
    client.force_login(chair)
    url = reverse("conference:audit", args=[conference.slug])

    by_group = client.get(url, {"action": "track"}).context["page"].object_list
    by_action = client.get(url, {"action": "topic.create"}).context["page"].object_list
    by_person = client.get(url, {"actor": str(other_chair.pk)}).context["page"].object_list
    bad_person = client.get(url, {"actor": "nobody"}).context["page"].object_list

    assert [e.action for e in by_group] == ["track.edit"]
    assert [e.action for e in by_action] == ["topic.create"]
    assert [e.action for e in by_person] == ["topic.create"]
    assert len(bad_person) == 3


def test_audit_page_shows_only_its_conference(client, conference, chair):
    elsewhere = ConferenceFactory()
    record_track_edit(elsewhere, make_chair(elsewhere))
    client.force_login(chair)

    response = client.get(reverse("conference:audit", args=[conference.slug]))

    assert list(response.context["page"].object_list) == []
    assert "Nothing recorded." in response.content.decode()


def test_audit_page_hides_entries_about_papers_the_chair_may_not_handle(client, conference):
    """Invariant 1: a conflicted chair never sees the paper, so not its log entries either."""
    conflicted_chair, other_chair = make_chair(conference), make_chair(conference)
    secret = SubmissionFactory(conference=conference, title="Zanzibar Quokka attention")
    ordinary = SubmissionFactory(conference=conference, title="Ordinary paper")
    Conflict.objects.create(submission=secret, user=conflicted_chair, kind="institutional")
    assignment = Assignment.objects.create(submission=secret, reviewer=UserFactory())
    email = queue_email(
        key="test:secret-email",
        to=["someone@example.org"],
        template="account",
        context={"subject": "About Zanzibar Quokka", "body": "..."},
        about=secret,
        conference=conference,
    )
    for obj in (secret, assignment, email, ordinary):
        audit.record(actor=other_chair, conference=conference, action="test.touch", obj=obj)
    audit.record(actor=None, conference=conference, action="system.sweep")
    url = reverse("conference:audit", args=[conference.slug])

    client.force_login(conflicted_chair)
    conflicted_view = client.get(url)
    client.force_login(other_chair)
    full_view = client.get(url)

    seen = [e.object_repr for e in conflicted_view.context["page"].object_list]
    assert seen == ["", str(ordinary)]
    assert "Zanzibar" not in conflicted_view.content.decode()
    assert len(full_view.context["page"].object_list) == 5


@pytest.mark.parametrize("rows", [1, 60])
def test_audit_page_query_count_is_constant(
    client, conference, chair, rows, django_assert_max_num_queries
):
    actors = [chair] + [make_chair(conference) for _ in range(3)]
    for index in range(rows):
        record_track_edit(conference, actors[index % len(actors)], limit=index)
    client.force_login(chair)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("conference:audit", args=[conference.slug]))

    assert len(response.context["page"].object_list) == min(rows, 50)
