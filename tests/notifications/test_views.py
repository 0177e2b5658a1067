"""The chairs' outbox: who may see it, filters, reading one email, resend and cancel."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from conference.models import AuditEntry
from notifications.models import OutgoingEmail
from tests.factories import (
    ConferenceFactory,
    OutgoingEmailFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)

pytestmark = pytest.mark.django_db
State = OutgoingEmail.State


@pytest.fixture
def conference():
    return ConferenceFactory(with_tracks=False, slug="scope")


@pytest.fixture
def chair(conference):
    return make_chair(conference)


@pytest.fixture
def failed_email(conference):
    return OutgoingEmailFactory(
        conference=conference,
        template="reminder",
        subject="Failed reminder",
        state=State.FAILED,
        attempts=6,
        last_error="SMTP 550 mailbox unavailable (SMTPDataError)",
        text_body="Dear reviewer,\n\nyour review is due.\n",
    )


@pytest.fixture
def queued_email(conference):
    return OutgoingEmailFactory(
        conference=conference, template="invitation", subject="Queued invitation"
    )


@pytest.fixture
def sent_email(conference):
    return OutgoingEmailFactory(
        conference=conference, template="decision", subject="Sent decision", state=State.SENT
    )


def url(name, email=None, slug="scope"):
    args = [slug] if email is None else [slug, email.pk]
    return reverse(f"notifications:{name}", args=args)


def visitor(role, conference):
    """A user of the given role; None for an anonymous visitor."""
    if role == "anonymous":
        return None
    if role == "reviewer":
        return make_reviewer(conference)
    if role == "author":
        return SubmissionFactory(conference=conference).created_by
    if role == "chair of another conference":
        return make_chair(ConferenceFactory(with_tracks=False))
    if role == "signed-in stranger":
        return UserFactory()
    raise ValueError(role)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("reviewer", 404),
        ("author", 404),
        ("chair of another conference", 404),
        ("signed-in stranger", 404),
    ],
)
@pytest.mark.parametrize(
    ("name", "method", "email_fixture"),
    [
        ("outbox", "get", None),
        ("detail", "get", "failed_email"),
        ("resend", "post", "failed_email"),
        ("cancel", "post", "queued_email"),
    ],
)
def test_outbox_pages_only_for_chairs_of_the_conference(
    client, conference, request, role, expected, name, method, email_fixture
):
    email = request.getfixturevalue(email_fixture) if email_fixture else None
    user = visitor(role, conference)
    if user is not None:
        client.force_login(user)
    target = url(name, email)

    response = getattr(client, method)(target)

    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={target}"
    else:
        assert response.status_code == expected
    if email is not None:
        assert OutgoingEmail.objects.get(pk=email.pk).state == email.state
    assert AuditEntry.objects.count() == 0


def test_outbox_email_of_another_conference_or_no_conference_is_404_for_chair(client, chair):
    other = OutgoingEmailFactory(subject="Other workshop's email")
    account = OutgoingEmailFactory(conference=None, subject="Reset your password")
    client.force_login(chair)

    for email in (other, account):
        assert client.get(url("detail", email)).status_code == 404
        assert client.post(url("cancel", email)).status_code == 404
    listing = client.get(url("outbox")).content.decode()
    assert "Other workshop" not in listing
    assert "Reset your password" not in listing


def subjects_on(response):
    return [email.subject for email in response.context["page"]]


def test_outbox_chair_sees_every_email_of_the_conference(
    client, chair, failed_email, queued_email, sent_email
):
    client.force_login(chair)

    response = client.get(url("outbox"))

    assert subjects_on(response) == ["Sent decision", "Queued invitation", "Failed reminder"]
    content = response.content.decode()
    for email in (failed_email, queued_email, sent_email):
        assert f'href="{url("detail", email)}">{email.subject}</a>' in content
    assert 'Failed <span class="count">1</span>' in content
    assert 'Cancelled <span class="count">0</span>' in content


@pytest.mark.parametrize(
    ("query", "subjects"),
    [
        ({"state": "failed"}, ["Failed reminder"]),
        ({"state": "queued"}, ["Queued invitation"]),
        ({"state": "cancelled"}, []),
        ({"template": "decision"}, ["Sent decision"]),
        ({"state": "sent", "template": "decision"}, ["Sent decision"]),
        ({"state": "failed", "template": "decision"}, []),
        ({"state": "no-such-state"}, ["Sent decision", "Queued invitation", "Failed reminder"]),
    ],
)
def test_outbox_filter_by_state_and_template_shows_matching_rows(
    client, chair, failed_email, queued_email, sent_email, query, subjects
):
    client.force_login(chair)

    response = client.get(url("outbox"), query)

    assert subjects_on(response) == subjects
    content = response.content.decode()
    for email in (failed_email, queued_email, sent_email):
        assert (f">{email.subject}</a>" in content) is (email.subject in subjects)
    if not subjects:
        assert "No emails match these filters." in content


def test_outbox_filter_form_keeps_chosen_state_and_template(client, chair, sent_email):
    client.force_login(chair)

    content = client.get(url("outbox"), {"state": "sent", "template": "decision"}).content.decode()

    assert '<option value="sent" selected>Sent</option>' in content
    assert '<option value="decision" selected>decision</option>' in content


def test_outbox_list_runs_constant_queries_at_one_row(
    client, chair, conference, django_assert_max_num_queries
):
    OutgoingEmailFactory(conference=conference)
    client.force_login(chair)

    with django_assert_max_num_queries(11):
        response = client.get(url("outbox"))

    assert len(subjects_on(response)) == 1


def test_outbox_list_runs_constant_queries_at_sixty_rows(
    client, chair, conference, django_assert_max_num_queries
):
    OutgoingEmailFactory.create_batch(60, conference=conference)
    client.force_login(chair)

    with django_assert_max_num_queries(11):
        response = client.get(url("outbox"))

    assert len(subjects_on(response)) == 50
    assert "Page 1 of 2" in response.content.decode()


def test_email_detail_shows_message_error_and_resend_button(client, chair, failed_email):
    client.force_login(chair)

    content = client.get(url("detail", failed_email)).content.decode()

    assert "<h1>Failed reminder</h1>" in content
    assert '<pre class="mail">Dear reviewer,\n\nyour review is due.\n</pre>' in content
    assert "SMTP 550 mailbox unavailable (SMTPDataError)" in content
    assert failed_email.message_id.replace("<", "&lt;").replace(">", "&gt;") in content
    assert f'action="{url("resend", failed_email)}"' in content
    assert url("cancel", failed_email) not in content


def test_email_detail_queued_offers_cancel_sent_offers_nothing(
    client, chair, queued_email, sent_email
):
    client.force_login(chair)

    queued = client.get(url("detail", queued_email)).content.decode()
    sent = client.get(url("detail", sent_email)).content.decode()

    assert f'action="{url("cancel", queued_email)}"' in queued
    assert url("resend", queued_email) not in queued
    assert "/resend/" not in sent
    assert "/cancel/" not in sent


def test_resend_failed_email_queues_it_audits_and_sends_it(
    client, conference, chair, failed_email, django_capture_on_commit_callbacks
):
    client.force_login(chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("resend", failed_email), follow=True)

    failed_email.refresh_from_db()
    assert response.redirect_chain == [(url("detail", failed_email), 302)]
    assert "The email is queued again" in response.content.decode()
    assert (failed_email.state, failed_email.attempts) == (State.SENT, 1)
    assert [m.subject for m in mail.outbox] == ["Failed reminder"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.conference) == ("email.resend", chair, conference)
    assert entry.object_id == str(failed_email.pk)
    assert entry.before == {"state": "failed", "attempts": 6}
    assert entry.after == {"state": "queued", "attempts": 0}


def test_cancel_queued_email_cancels_and_audits(
    client, chair, queued_email, django_capture_on_commit_callbacks
):
    client.force_login(chair)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cancel", queued_email), follow=True)

    queued_email.refresh_from_db()
    assert response.redirect_chain == [(url("detail", queued_email), 302)]
    assert "The email was cancelled; it will not be sent." in response.content.decode()
    assert queued_email.state == State.CANCELLED
    assert mail.outbox == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("email.cancel", chair)
    assert (entry.before, entry.after) == ({"state": "queued"}, {"state": "cancelled"})


def test_resend_cancelled_email_queues_it_again(
    client, chair, queued_email, django_capture_on_commit_callbacks
):
    client.force_login(chair)
    client.post(url("cancel", queued_email))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("resend", queued_email))

    queued_email.refresh_from_db()
    assert queued_email.state == State.SENT
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "email.cancel",
        "email.resend",
    ]


@pytest.mark.parametrize(
    ("action", "email_fixture", "state_word"),
    [
        ("resend", "sent_email", "sent"),
        ("resend", "queued_email", "queued"),
        ("cancel", "sent_email", "sent"),
        ("cancel", "failed_email", "failed"),
    ],
)
def test_action_in_wrong_state_changes_nothing_and_says_why(
    client, chair, request, action, email_fixture, state_word, django_capture_on_commit_callbacks
):
    email = request.getfixturevalue(email_fixture)
    client.force_login(chair)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(action, email), follow=True)

    assert f"Nothing changed: the email is {state_word} now." in response.content.decode()
    assert OutgoingEmail.objects.get(pk=email.pk).state == email.state
    assert callbacks == []
    assert mail.outbox == []
    assert AuditEntry.objects.count() == 0


def test_action_by_get_is_refused(client, chair, failed_email):
    client.force_login(chair)

    response = client.get(url("resend", failed_email))

    assert response.status_code == 405
    assert OutgoingEmail.objects.get(pk=failed_email.pk).state == State.FAILED


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"state": State.QUEUED}, "waiting to be sent since 2025-02-03 12:00:00 UTC"),
        (
            {"state": State.QUEUED, "attempts": 2, "next_attempt_at": "2025-02-03T12:01:00Z"},
            "2 attempts failed; next attempt 2025-02-03 12:01:00 UTC",
        ),
        (
            {"state": State.SENDING, "attempts": 1},
            "being sent since 2025-02-03 12:00:00 UTC (attempt 1)",
        ),
        (
            {"state": State.SENT, "attempts": 1, "sent_at": "2025-02-03T12:00:05Z"},
            "sent 2025-02-03 12:00:05 UTC, after 1 attempt",
        ),
        (
            {"state": State.FAILED, "attempts": 6},
            "gave up 2025-02-03 12:00:00 UTC, after 6 attempts",
        ),
        ({"state": State.CANCELLED}, "cancelled 2025-02-03 12:00:00 UTC"),
    ],
)
def test_email_detail_says_where_the_email_stands(client, chair, conference, fields, sentence):
    with time_machine.travel("2025-02-03T12:00:00Z", tick=False):
        email = OutgoingEmailFactory(conference=conference, **fields)
    client.force_login(chair)

    content = client.get(url("detail", email)).content.decode()

    assert " ".join(sentence.split()) in " ".join(content.split())


def test_outbox_hides_emails_naming_a_conflicted_paper(client, conference, chair):
    from notifications.services import queue_email
    from reviews.models import Conflict

    open_paper = SubmissionFactory(conference=conference, title="Open paper")
    conflicted_paper = SubmissionFactory(conference=conference, title="Conflicted paper")
    Conflict.objects.create(submission=conflicted_paper, user=chair, kind=Conflict.Kind.PERSONAL)
    hidden = queue_email(
        key="test:both",
        to=["r@example.org"],
        template="account",
        context={"subject": "Your papers", "body": "Conflicted paper and Open paper"},
        conference=conference,
        papers=[open_paper, conflicted_paper],
    )
    shown = queue_email(
        key="test:open",
        to=["r@example.org"],
        template="account",
        context={"subject": "Your paper", "body": "Open paper"},
        conference=conference,
        about=open_paper,
    )
    client.force_login(chair)

    listing = client.get(reverse("notifications:outbox", args=[conference.slug]))
    detail = client.get(reverse("notifications:detail", args=[conference.slug, hidden.pk]))

    assert [email.pk for email in listing.context["page"]] == [shown.pk]
    assert detail.status_code == 404
