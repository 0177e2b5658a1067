"""Emails on submit, revise and withdraw; withdrawal, reinstatement and desk rejection."""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.urls import reverse

from accounts.models import User
from conference.models import AuditEntry
from notifications.models import OutgoingEmail
from submissions import services
from submissions.models import Authorship, Submission
from tests.factories import SubmissionFactory, UserFactory, make_chair
from tests.submissions.conftest import form_data, pdf_upload

pytestmark = pytest.mark.django_db


def url(name, submission):
    return reverse(
        name, kwargs={"conference_slug": submission.conference.slug, "number": submission.number}
    )


@pytest.fixture
def coauthor():
    return UserFactory(full_name="Tomas Reyes", email="tomas@ut.example")


@pytest.fixture
def submitted(client, conference, main_track, author, coauthor, fitting_pdf):
    client.force_login(author)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference,
            track=main_track,
            authors=[author, coauthor],
            action="submit",
            pdf=pdf_upload(fitting_pdf),
        ),
    )
    return Submission.objects.get()


def emails_of(template):
    return list(
        OutgoingEmail.objects.filter(template=template)
        .order_by("id")
        .values_list("dedupe_key", "to")
    )


ALL = ["mina@kaist.example", "tomas@ut.example"]


def test_submit_queues_one_received_email_to_all_authors(submitted):
    assert emails_of("submission_received") == [(f"submission-received:{submitted.pk}", ALL)]
    email = OutgoingEmail.objects.get(template="submission_received")
    assert email.subject == (
        f"[{submitted.conference.short_name}] Paper #1 submitted: Token-Adaptive Expert Routing"
    )
    assert "PDF:     version 1, 5 pages, 4 body pages" in email.text_body
    assert (
        "Your paper has 4 body pages (references start on page 5); the Main paper track "
        "allows 5. It fits." in email.text_body
    )


def test_coauthor_gets_added_email_but_submitter_does_not(submitted):
    assert emails_of("submission_author_added") == [
        (f"submission-author-added:{submitted.pk}:tomas@ut.example", ["tomas@ut.example"])
    ]


def test_revise_queues_one_revised_email_per_saved_version(client, submitted, author, coauthor):
    for title in ("First revision", "Second revision"):
        client.post(
            url("submissions:edit", submitted),
            form_data(
                submitted.conference,
                track=submitted.track,
                authors=[author, coauthor],
                action="submit",
                version=Submission.objects.get().version,
                title=title,
            ),
        )
    assert emails_of("submission_revised") == [
        (f"submission-revised:{submitted.pk}:v2", ALL),
        (f"submission-revised:{submitted.pk}:v3", ALL),
    ]
    assert len(emails_of("submission_received")) == 1


def test_draft_edits_send_no_paper_emails(client, conference, main_track, author):
    client.force_login(author)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(conference, track=main_track, authors=[author]),
    )
    draft = Submission.objects.get()
    client.post(
        url("submissions:edit", draft),
        form_data(conference, track=main_track, authors=[author], version=1, title="Still a draft"),
    )
    assert OutgoingEmail.objects.count() == 0


def test_withdraw_queues_one_email_and_audits(client, submitted, author):
    response = client.post(url("submissions:withdraw", submitted), {"reason": "Found a bug"})
    assert response["Location"] == url("submissions:detail", submitted)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.previous_state, submitted.withdraw_reason) == (
        "withdrawn",
        "submitted",
        "Found a bug",
    )
    assert emails_of("submission_withdrawn") == [
        (f"submission-withdrawn:{submitted.pk}:v{submitted.version}", ALL)
    ]
    entry = AuditEntry.objects.get(action="submission.withdraw")
    assert (entry.before, entry.after, entry.reason) == (
        {"state": "submitted"},
        {"state": "withdrawn"},
        "Found a bug",
    )


def test_withdraw_needs_a_reason(client, submitted):
    response = client.post(url("submissions:withdraw", submitted), {"reason": ""})
    assert "Nothing was changed: please give a reason." in response.content.decode()
    assert Submission.objects.get().state == "submitted"


def test_withdrawal_closed_after_decisions(submitted, author):
    from django.utils import timezone

    submitted.conference.decisions_released_at = timezone.now()
    submitted.conference.save()
    paper = Submission.objects.get()
    assert not User.objects.get(pk=author.pk).has_perm("submissions.withdraw", paper)
    with pytest.raises(services.SubmissionRefused):
        services.withdraw_submission(actor=author, submission=paper, reason="Late")


@pytest.mark.parametrize("previous", ["draft", "submitted"])
def test_chair_reinstates_withdrawn_paper_to_its_previous_state(client, conference, previous):
    paper = SubmissionFactory(conference=conference, state=previous)
    services.withdraw_submission(actor=paper.created_by, submission=paper, reason="Oops")
    chair = make_chair(conference)
    client.force_login(chair)
    response = client.post(url("submissions:reinstate", paper), {"reason": "Author asked"})
    assert response["Location"] == url("submissions:detail", paper)
    paper.refresh_from_db()
    assert (paper.state, paper.previous_state) == (previous, "")
    entry = AuditEntry.objects.get(action="submission.reinstate")
    assert (entry.actor, entry.before, entry.after, entry.reason) == (
        chair,
        {"state": "withdrawn"},
        {"state": previous},
        "Author asked",
    )


@pytest.mark.parametrize("notify_now", [True, False])
def test_desk_reject_notifies_only_when_asked(client, conference, notify_now):
    paper = SubmissionFactory(conference=conference)
    client.force_login(make_chair(conference))
    data = {"reason": "Out of scope"}
    if notify_now:
        data["notify_now"] = "on"
    client.post(url("submissions:desk_reject", paper), data)
    paper.refresh_from_db()
    assert (paper.state, paper.desk_reject_reason) == ("desk_rejected", "Out of scope")
    assert (paper.desk_reject_notified_at is not None) is notify_now
    expected = [(f"submission-desk-rejected:{paper.pk}", [paper.created_by.email])]
    assert emails_of("submission_desk_rejected") == (expected if notify_now else [])
    assert AuditEntry.objects.get(action="submission.desk_reject").reason == "Out of scope"


def test_unregistered_coauthor_sees_paper_after_signing_up(
    client, conference, main_track, author, fitting_pdf
):
    client.force_login(author)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(
            conference, track=main_track, authors=[author, ("Newcomer", "New.Comer@Example.org")]
        ),
    )
    paper = Submission.objects.get()
    newcomer = Authorship.objects.get(email="new.comer@example.org")
    assert newcomer.user is None
    assert emails_of("submission_author_added") == [
        (f"submission-author-added:{paper.pk}:new.comer@example.org", ["new.comer@example.org"])
    ]
    person = User.objects.create_user(email="new.comer@example.org", password="x" * 12)
    address = EmailAddress.objects.create(
        user=person, email="New.Comer@example.org", verified=True, primary=True
    )
    client.force_login(person)
    dashboard = client.get(
        reverse("submissions:dashboard", kwargs={"conference_slug": conference.slug})
    ).content.decode()
    assert "Token-Adaptive Expert Routing" in dashboard
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    newcomer.refresh_from_db()
    assert newcomer.user == person


def test_unverified_address_does_not_grant_access(client, conference, main_track, author):
    client.force_login(author)
    client.post(
        reverse("submissions:create", kwargs={"conference_slug": conference.slug}),
        form_data(conference, track=main_track, authors=[author, ("Claimer", "claim@example.org")]),
    )
    person = User.objects.create_user(email="claim@example.org", password="x" * 12)
    EmailAddress.objects.create(user=person, email="claim@example.org", verified=False)
    client.force_login(person)
    response = client.get(url("submissions:detail", Submission.objects.get()))
    assert response.status_code == 404


def test_failed_transaction_leaves_no_stored_file(
    conference, main_track, author, fitting_pdf, private_storage
):
    from submissions import uploads

    checked = uploads.check_paper(uploaded=pdf_upload(fitting_pdf), track=main_track)
    stranger = UserFactory()
    with pytest.raises(services.SubmissionRefused, match="You must be one of the authors"):
        services.save_submission(
            actor=author,
            conference=conference,
            creation_token=None,
            fields=services.PaperFields(track=main_track, title="No orphans"),
            authors=[services.AuthorEntry(name="S", email=stranger.email, is_contact=True)],
            checked_uploads=[checked],
        )
    assert Submission.objects.count() == 0
    assert [path for path in private_storage.rglob("*") if path.is_file()] == []
