"""Invitations (single, CSV, co-chairs), signed answer links, reminders and load caps."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from conference.models import AuditEntry, CommitteeMembership
from notifications.models import OutgoingEmail
from reviews import committee
from reviews.models import BackgroundJob, Invitation
from tests.factories import PASSWORD, ConferenceFactory, UserFactory, make_chair, make_reviewer

pytestmark = pytest.mark.django_db
LINK = re.compile(r"(https?://\S+/invitation/(\S+)/(accept|decline)/)")


@pytest.fixture
def conference():
    return ConferenceFactory(slug="scope")


@pytest.fixture
def chair(conference):
    return make_chair(conference)


def invite(conference, chair, email="new@uni.edu", **kwargs):
    return committee.invite(
        actor=chair, conference=conference, name="New Person", email=email, **kwargs
    )


def links_in(email):
    """{answer: path} of the links in a queued invitation email."""
    return {
        answer: url.removeprefix("http://127.0.0.1:8000")
        for url, _token, answer in LINK.findall(email.text_body)
    }


def test_invite_queues_one_email_with_signed_accept_and_decline_links(conference, chair):
    invitation = invite(conference, chair, email=" New@Uni.EDU ", affiliation="Uni", max_load=4)

    email = OutgoingEmail.objects.get()
    assert (invitation.email, invitation.status, invitation.max_load) == (
        "new@uni.edu",
        "pending",
        4,
    )
    assert email.to == ["new@uni.edu"]
    assert email.subject == f"Invitation to the {conference.short_name} program committee"
    assert (
        email.dedupe_key == f"invitation:{invitation.pk}:{int(invitation.expires_at.timestamp())}"
    )
    links = links_in(email)
    assert sorted(links) == ["accept", "decline"]
    token = links["accept"].split("/")[3]
    assert committee.invitation_from_token(token) == invitation
    assert 'href="http://127.0.0.1:8000/scope/invitation/' in email.html_body
    assert AuditEntry.objects.get(action="invitation.create").actor == chair


def test_invite_refuses_pending_invitation_and_existing_member(conference, chair):
    invite(conference, chair)
    member = make_reviewer(conference, user__email="member@uni.edu")

    with pytest.raises(committee.InvitationRefused, match="already invited"):
        invite(conference, chair)
    with pytest.raises(committee.InvitationRefused, match="already on the committee"):
        invite(conference, chair, email=member.email.upper())
    assert OutgoingEmail.objects.count() == 1


def test_reinvite_after_decline_reopens_the_row_with_a_new_email(conference, chair):
    first = invite(conference, chair)
    committee.decline_invitation(invitation=first)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        again = invite(conference, chair)

    assert again.pk == first.pk
    assert (again.status, again.reminded_at, again.responded_at) == ("pending", None, None)
    assert OutgoingEmail.objects.count() == 2
    assert AuditEntry.objects.filter(action="invitation.renew").count() == 1


def test_accept_link_gives_membership_and_sends_to_profile(client, conference, chair):
    invitation = invite(conference, chair, max_load=3)
    person = UserFactory(email="new@uni.edu")
    client.force_login(person)
    accept = links_in(OutgoingEmail.objects.get())["accept"]

    page = client.get(accept)
    response = client.post(accept)

    assert "Accept as <strong>new@uni.edu</strong>?" in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    membership = CommitteeMembership.objects.get(user=person, conference=conference)
    assert (membership.role, membership.status, membership.load_cap) == ("reviewer", "accepted", 3)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user) == ("accepted", person)
    assert BackgroundJob.objects.filter(kind="conflicts").count() == 1
    profile = client.get(response.url)
    assert "Please complete your profile" in profile.content.decode()


def test_accept_link_sends_anonymous_visitor_to_login_and_back(client, conference, chair):
    invite(conference, chair)
    accept = links_in(OutgoingEmail.objects.get())["accept"]

    page = client.get(accept).content.decode()
    response = client.post(accept)

    assert f"/accounts/login/?{urlencode({'next': accept})}" in page
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert CommitteeMembership.objects.filter(conference=conference, role="reviewer").count() == 0


def test_accept_refused_for_account_without_the_invited_address(client, conference, chair):
    invitation = invite(conference, chair)
    client.force_login(UserFactory(email="someone.else@uni.edu"))

    response = client.post(links_in(OutgoingEmail.objects.get())["accept"])

    assert response.status_code == 409
    assert "This invitation was sent to new@uni.edu" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_decline_link_needs_no_account(client, conference, chair):
    invitation = invite(conference, chair)

    response = client.post(links_in(OutgoingEmail.objects.get())["decline"])

    assert "You declined" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert AuditEntry.objects.filter(action="invitation.decline").count() == 1


def test_answer_after_an_answer_is_refused_with_the_reason(client, conference, chair):
    invite(conference, chair)
    links = links_in(OutgoingEmail.objects.get())
    client.post(links["decline"])
    client.force_login(UserFactory(email="new@uni.edu"))

    response = client.post(links["accept"])

    assert response.status_code == 409
    assert "You declined this invitation" in response.content.decode()
    assert not CommitteeMembership.objects.filter(conference=conference, role="reviewer").exists()


def test_expired_link_says_so_and_changes_nothing(client, conference, chair):
    invitation = invite(conference, chair)
    links = links_in(OutgoingEmail.objects.get())
    client.force_login(UserFactory(email="new@uni.edu"))

    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        page = client.get(links["accept"])
        response = client.post(links["accept"])

    assert "This invitation expired on" in page.content.decode()
    assert response.status_code == 409
    assert "Ask the chairs at chairs@example.org for a new one." in response.content.decode()
    assert not CommitteeMembership.objects.filter(conference=conference, role="reviewer").exists()


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="sig"),
        pytest.param(lambda token: "x" + token, id="payload"),
        pytest.param(lambda token: "garbage", id="garbage"),
    ],
)
def test_tampered_link_is_404_with_a_clear_message(client, conference, chair, mangle):
    invite(conference, chair)
    accept = links_in(OutgoingEmail.objects.get())["accept"]
    token = accept.split("/")[3]
    client.force_login(UserFactory(email="new@uni.edu"))

    response = client.post(accept.replace(token, mangle(token)))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert Invitation.objects.get().status == "pending"


def test_link_of_another_conference_is_404(client, conference, chair):
    invite(conference, chair)
    other = ConferenceFactory(slug="other")
    accept = links_in(OutgoingEmail.objects.get())["accept"]

    response = client.get(accept.replace("/scope/", f"/{other.slug}/"))

    assert response.status_code == 404


def test_co_chair_invitation_gives_chair_role(client, conference, chair):
    client.force_login(chair)
    client.post(
        reverse("reviews:committee_cochair", args=[conference.slug]),
        {"name": "Co Chair", "email": "co@uni.edu"},
    )
    invitation = Invitation.objects.get()
    co = UserFactory(email="co@uni.edu")
    client.force_login(co)

    client.post(links_in(OutgoingEmail.objects.get())["accept"])

    assert invitation.role == "chair"
    assert CommitteeMembership.objects.get(user=co).role == "chair"


CSV = """name,email,affiliation
Ada Lovelace, ada@uni.edu, Uni
, noname@uni.edu, Uni
Bad Email, not-an-email, Uni
Ada Again, ADA@uni.edu, Uni

Grace Hopper, grace@navy.mil,
Member, member@uni.edu, Uni
"""


def test_csv_import_reports_bad_lines_and_keeps_good_ones(conference, chair):
    make_reviewer(conference, user__email="member@uni.edu")

    report = committee.import_invitations(actor=chair, conference=conference, text=CSV)

    assert sorted(i.email for i in report.invited) == ["ada@uni.edu", "grace@navy.mil"]
    assert report.problems == [
        (3, "no name for noname@uni.edu."),
        (4, "“not-an-email” is not an email address."),
        (5, "ada@uni.edu is already on line 2."),
        (8, "member@uni.edu is already on the committee as reviewer."),
    ]
    assert OutgoingEmail.objects.count() == 2


def test_csv_import_view_shows_lines_and_refuses_non_utf8(client, conference, chair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(chair)
    url = reverse("reviews:committee_import", args=[conference.slug])

    good = client.post(url, {"text": "Ada, ada@uni.edu, Uni\nBob, bob@@uni, Uni"})
    bad = client.post(
        url, {"file": SimpleUploadedFile("people.csv", "Zoë, z@uni.edu".encode("latin-1"))}
    )

    page = good.content.decode()
    assert "<strong>1</strong> invited" in page
    assert '<td class="num">2</td><td>“bob@@uni” is not an email address.</td>' in page
    assert "Save it as “CSV UTF-8”" in bad.content.decode()
    assert Invitation.objects.count() == 1


def test_reminder_sweep_sends_once_after_n_days_and_expires_late_ones(conference, chair, settings):
    settings.SCOPE_INVITATION_REMINDER_DAYS = 7
    start = timezone.now()
    waiting = invite(conference, chair)
    answered = invite(conference, chair, email="answered@uni.edu")
    committee.decline_invitation(invitation=answered)

    assert committee.send_invitation_reminders(now=start + timedelta(days=6)) == 0
    assert committee.send_invitation_reminders(now=start + timedelta(days=7, minutes=1)) == 1
    assert committee.send_invitation_reminders(now=start + timedelta(days=8)) == 0
    reminders = OutgoingEmail.objects.filter(template="invitation_reminder")
    assert [r.to for r in reminders] == [["new@uni.edu"]]
    assert reminders.get().subject.startswith("Reminder: invitation")

    committee.send_invitation_reminders(now=waiting.expires_at + timedelta(seconds=1))
    waiting.refresh_from_db()
    assert waiting.status == "expired"


def test_invite_view_checks_conflicts_without_sending(client, conference, chair):
    from tests.reviews.committee_support import paper_by

    paper_by(conference, name="Jane", email="jane@gatech.edu", affiliation="Georgia Tech", number=7)
    client.force_login(chair)
    url = reverse("reviews:committee_invite", args=[conference.slug])
    data = {"name": "Pat", "email": "pat@gatech.edu", "affiliation": "GaTech", "max_load": ""}

    checked = client.post(url, {**data, "action": "check"})
    sent = client.post(url, {**data, "action": "invite"})

    page = checked.content.decode()
    assert "1 conflict found." in page
    assert "#7 " in page
    assert sent.status_code == 302
    invitation = Invitation.objects.get()
    assert sent.url == reverse("reviews:invitation_detail", args=[conference.slug, invitation.pk])
    detail = client.get(sent.url).content.decode()
    assert "1 conflict found." in detail
    assert OutgoingEmail.objects.count() == 1


def test_invite_view_shows_refusal_and_keeps_the_form(client, conference, chair):
    invite(conference, chair, email="pat@uni.edu")
    client.force_login(chair)

    response = client.post(
        reverse("reviews:committee_invite", args=[conference.slug]),
        {"name": "Pat", "email": "pat@uni.edu", "action": "invite"},
    )

    page = response.content.decode()
    assert "pat@uni.edu was already invited" in page
    assert 'value="Pat"' in page


def test_load_cap_view_sets_and_clears_the_override(client, conference, chair):
    reviewer = make_reviewer(conference)
    membership = CommitteeMembership.objects.get(user=reviewer)
    url = reverse("reviews:committee_load_cap", args=[conference.slug, membership.pk])
    client.force_login(chair)

    client.post(url, {"max_load": "2"})
    membership.refresh_from_db()
    capped = membership.load_cap
    invalid = client.post(url, {"max_load": "-3"}, follow=True)
    client.post(url, {"max_load": ""})
    membership.refresh_from_db()

    assert capped == 2
    assert "Ensure this value is greater than or equal to 0." in invalid.content.decode()
    assert (membership.max_load, membership.load_cap) == (None, conference.default_max_load)
    assert [e.after for e in AuditEntry.objects.filter(action="committee.load_cap")] == [
        {"max_load": None},
        {"max_load": 2},
    ]


def test_profile_status_lists_what_bidding_waits_for():
    user = UserFactory()

    missing, recommended = committee.profile_status(user)

    assert missing == [
        "your affiliations, current and of the last three years, with email domains",
        "your expertise: topics or keywords",
    ]
    assert recommended == ["a few recent publications, with their co-authors"]


def test_sign_up_from_an_invitation_comes_back_to_accept(client, conference):
    from notifications.models import OutgoingEmail
    from reviews import committee
    from tests.reviews.test_committee import links_in

    committee.invite(actor=make_chair(conference), conference=conference, name="N", email="n@u.edu")
    accept = links_in(OutgoingEmail.objects.get())["accept"]
    client.post(
        reverse("account_signup"),
        {
            "full_name": "New Person",
            "email": "n@u.edu",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": accept,
        },
    )
    confirm = next(
        line.split("testserver", 1)[1]
        for line in OutgoingEmail.objects.get(template="account").text_body.split()
        if "/confirm-email/" in line
    )

    back = client.post(confirm)
    accepted = client.post(back.url)

    assert back.url == accept
    assert accepted.url == reverse("accounts:profile")
    assert CommitteeMembership.objects.get(user__email="n@u.edu").status == "accepted"
