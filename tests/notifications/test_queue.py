"""Queueing: one row per key, delivery only after commit, templates rendered once."""

import pytest
from django.core import mail
from django.db import transaction
from django.template import TemplateDoesNotExist

from notifications.models import OutgoingEmail
from notifications.services import message_id_for, queue_email, render_email
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

ACCOUNT_CONTEXT = {"subject": "[SCOPE Review] Confirm your address", "body": "Click the link.\n"}


def queue_account_email(key="test:welcome", to=("ada@example.org",), **kwargs):
    return queue_email(key=key, to=list(to), template="account", context=ACCOUNT_CONTEXT, **kwargs)


def test_queue_email_same_key_twice_creates_one_row_and_sends_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue_account_email()
        second = queue_account_email()

    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    assert mail.outbox[0].subject == "[SCOPE Review] Confirm your address"
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


def test_queue_email_same_key_in_later_transaction_sends_nothing_more(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_account_email()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_account_email(to=["someone.else@example.org"])

    assert callbacks == []
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().to == ["ada@example.org"]


def test_queue_email_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_account_email()
        raise RuntimeError("the decision could not be saved")

    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_queue_email_row_holds_rendered_message_and_stable_message_id(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(with_tracks=False)
    with django_capture_on_commit_callbacks(execute=False):
        email = queue_account_email(
            key="decision:42",
            to=[" Ada@Example.org ", "bob@example.org", ""],
            conference=conference,
        )

    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.QUEUED
    assert email.to == ["ada@example.org", "bob@example.org"]
    assert email.subject == "[SCOPE Review] Confirm your address"
    assert email.text_body == "Click the link.\n"
    assert email.html_body == ""
    assert email.conference == conference
    assert email.message_id == message_id_for("decision:42")
    assert email.message_id == message_id_for("decision:42")  # pure function of the key
    assert email.message_id != message_id_for("decision:43")
    assert email.message_id.endswith("@scope-review.local>")


def test_queue_email_delivered_message_carries_row_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_account_email(key="review:7:reminder")

    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert mail.outbox[0].message()["Message-ID"] == email.message_id


@pytest.mark.parametrize(
    ("key", "to", "error", "message"),
    [
        ("", ["ada@example.org"], ValueError, "1 to 255 characters"),
        ("k" * 256, ["ada@example.org"], ValueError, "1 to 255 characters"),
        ("test:key", "ada@example.org", TypeError, "not one string"),
        ("test:key", ["", "  "], ValueError, "at least one recipient"),
    ],
)
def test_queue_email_bad_arguments_raise_clear_error_and_leave_no_row(key, to, error, message):
    with pytest.raises(error, match=message):
        queue_email(key=key, to=to, template="account", context=ACCOUNT_CONTEXT)

    assert OutgoingEmail.objects.count() == 0


EMAIL_TEMPLATES = {
    "emails/plain.txt": "Subject: Hello {{ name }}\n\nDear {{ name }},\nsee {{ site_url }}.\n",
    "emails/rich.txt": "Subject:   Your   paper\n\nText version.\n",
    "emails/rich.html": "<h1>{{ subject }}</h1><p>HTML for {{ name }}</p>",
    "emails/broken.txt": "Subject: Broken\n\nText.\n",
    "emails/broken.html": '{% include "emails/missing_part.html" %}',
    "emails/nosubject.txt": "Hello without a subject line.\n",
    "emails/emptysubject.txt": "Subject:   \n\nBody.\n",
}


@pytest.fixture
def email_templates(settings):
    """Email templates held in memory, so each case of render_email is exact."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", EMAIL_TEMPLATES)],
            },
        }
    ]


def test_render_email_without_html_template_returns_text_only(email_templates, settings):
    settings.SITE_URL = "https://review.example"

    assert render_email("plain", {"name": "Ada"}) == (
        "Hello Ada",
        "Dear Ada,\nsee https://review.example.\n",
        "",
    )


def test_render_email_with_html_template_renders_both(email_templates):
    subject, text, html = render_email("rich", {"name": "Ada"})

    assert (subject, text) == ("Your paper", "Text version.\n")
    assert html == "<h1>Your paper</h1><p>HTML for Ada</p>"


def test_render_email_html_template_with_missing_include_raises(email_templates):
    with pytest.raises(TemplateDoesNotExist, match="emails/missing_part.html"):
        render_email("broken", {})


def test_render_email_missing_text_template_raises(email_templates):
    with pytest.raises(TemplateDoesNotExist, match="emails/nonexistent.txt"):
        render_email("nonexistent", {})


@pytest.mark.parametrize("template", ["nosubject", "emptysubject"])
def test_render_email_without_subject_line_raises(email_templates, template):
    with pytest.raises(ValueError, match=f"emails/{template}.txt must start with a non-empty"):
        render_email(template, {})


def test_render_email_account_template_keeps_allauth_text_unescaped():
    subject, text, html = render_email(
        "account",
        {"subject": "[SCOPE Review] Reset <your> password", "body": "Go to https://x/?a=1&b=2\n"},
    )

    assert subject == "[SCOPE Review] Reset <your> password"
    assert text == "Go to https://x/?a=1&b=2\n"
    assert html == ""
