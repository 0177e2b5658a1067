"""Factories for real rows in the test database (no mocks of our own models)."""

from datetime import date, time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Affiliation, User
from conference.models import AOE, CommitteeMembership, Conference, Deadline, Topic, Track
from notifications.models import OutgoingEmail
from notifications.services import message_id_for
from submissions.models import Authorship, Submission

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    user = factory.SubFactory(UserFactory)
    institution = "Carnegie Mellon University"
    email_domain = "cmu.edu"


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Workshop {n}")
    short_name = factory.Sequence(lambda n: f"WS{n}")
    slug = factory.Sequence(lambda n: f"ws{n}")
    contact_email = "chairs@example.org"

    @factory.post_generation
    def with_tracks(self, create, extracted, **kwargs):
        """Tiny (2 pages) and Main (5 pages) tracks and three topics, as SCOPE has."""
        if create and extracted is not False:
            TrackFactory(
                conference=self,
                name="Tiny paper track",
                body_page_limit=2,
                camera_ready_page_limit=3,
                order=1,
            )
            TrackFactory(
                conference=self,
                name="Main paper track",
                body_page_limit=5,
                camera_ready_page_limit=6,
                order=2,
            )
            for order, name in enumerate(
                ["Long context", "Mixture of experts", "Efficient inference"], start=1
            ):
                Topic.objects.create(conference=self, name=name, order=order)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    conference = factory.SubFactory(ConferenceFactory, with_tracks=False)
    name = factory.Sequence(lambda n: f"Track {n}")
    body_page_limit = 5
    camera_ready_page_limit = 6


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A deadline; by default `days` days from today at 23:59 AoE."""

    class Meta:
        model = Deadline
        exclude = ["days"]

    conference = factory.SubFactory(ConferenceFactory)
    kind = Deadline.Kind.SUBMISSION
    days = 7
    local_date = factory.LazyAttribute(lambda o: date.today() + timedelta(days=o.days))
    local_time = time(23, 59)
    zone = AOE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    conference = factory.SubFactory(ConferenceFactory)
    user = factory.SubFactory(UserFactory)
    role = CommitteeMembership.Role.REVIEWER
    status = CommitteeMembership.Status.ACCEPTED
    responded_at = factory.LazyFunction(timezone.now)


def make_chair(conference, **kwargs):
    return MembershipFactory(
        conference=conference, role=CommitteeMembership.Role.CHAIR, **kwargs
    ).user


def make_reviewer(conference, **kwargs):
    return MembershipFactory(
        conference=conference, role=CommitteeMembership.Role.REVIEWER, **kwargs
    ).user


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submitted paper with its creator as first, contact author."""

    class Meta:
        model = Submission
        skip_postgeneration_save = True

    conference = factory.SubFactory(ConferenceFactory)
    number = factory.Sequence(lambda n: n + 1)
    track = factory.LazyAttribute(
        lambda o: o.conference.tracks.first() or TrackFactory(conference=o.conference)
    )
    title = factory.Sequence(lambda n: f"Paper {n}: efficient attention")
    abstract = "We study efficient attention for long contexts and report results."
    state = Submission.State.SUBMITTED
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        people = extracted if extracted is not None else [self.created_by]
        for order, person in enumerate(people, start=1):
            AuthorshipFactory(
                submission=self,
                order=order,
                user=person,
                name=person.full_name,
                email=person.email,
                is_contact=order == 1,
            )


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    submission = factory.SubFactory(SubmissionFactory)
    order = 1
    name = factory.Sequence(lambda n: f"Author {n}")
    email = factory.Sequence(lambda n: f"author{n}@example.org")


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    """An outbox row as `queue_email` would leave it (queued); pass `state=` for others."""

    class Meta:
        model = OutgoingEmail

    dedupe_key = factory.Sequence(lambda n: f"test:email:{n}")
    conference = factory.SubFactory(ConferenceFactory, with_tracks=False)
    template = "account"
    to = factory.Sequence(lambda n: [f"recipient{n}@example.org"])
    subject = factory.Sequence(lambda n: f"Message {n}")
    text_body = "Hello,\n\nthis is a test message.\n"
    message_id = factory.LazyAttribute(lambda o: message_id_for(o.dedupe_key))
