"""`manage.py seed_scope`: the SCOPE 2025 demo venue, the same however often it runs."""

from collections import Counter
from datetime import UTC, date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import Affiliation, Publication, Relation, User
from conference.models import (
    AOE,
    CommitteeMembership,
    Conference,
    Deadline,
    ProgramSession,
    Topic,
    Track,
)

pytestmark = pytest.mark.django_db
SEEDED_MODELS = [
    Conference,
    Track,
    Topic,
    Deadline,
    ProgramSession,
    CommitteeMembership,
    User,
    User.topics.through,
    EmailAddress,
    Affiliation,
    Publication,
    Relation,
]
TODAY = datetime(2025, 1, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def seed_without_other_apps(settings):
    """Other apps' demo content (papers, reviews) is theirs to test."""
    settings.SCOPE_SEED_HOOKS = []


def seed(*args):
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_scope", *args, stdout=out)
    return out.getvalue()


def database_contents():
    """Every row of every seeded model, as sorted tuples of all its fields."""
    contents = {}
    for model in SEEDED_MODELS:
        names = [field.attname for field in model._meta.concrete_fields]
        contents[model._meta.label] = sorted(
            model.objects.values_list(*names), key=lambda row: tuple(map(str, row))
        )
    return contents


def test_seed_twice_gives_the_same_data():
    seed()
    first = database_contents()

    seed()

    assert database_contents() == first
    assert {label: len(rows) for label, rows in first.items()} == {
        "conference.Conference": 1,
        "conference.Track": 2,
        "conference.Topic": 10,
        "conference.Deadline": 5,
        "conference.ProgramSession": 12,
        "conference.CommitteeMembership": 42,
        "accounts.User": 48,
        "accounts.User_topics": 144,
        "account.EmailAddress": 48,
        "accounts.Affiliation": 49,
        "accounts.Publication": 96,
        "accounts.Relation": 0,
    }


def test_seed_has_scope_tracks_topics_program_and_committee():
    output = seed()

    conference = Conference.objects.get(slug="scope2025")
    assert list(conference.tracks.values_list("name", "body_page_limit")) == [
        ("Tiny paper track", 2),
        ("Main paper track", 5),
    ]
    assert conference.topics.count() == 10
    assert conference.topics.first().name == "Efficient Long Context Understanding"
    assert conference.sessions.count() == 12
    roles = Counter(conference.memberships.values_list("role", "status"))
    assert roles == {("chair", "accepted"): 7, ("reviewer", "accepted"): 35}
    assert "chair@scope-demo.example  password: scope-demo-2025" in output
    chair = User.objects.get(email="chair@scope-demo.example")
    assert chair.check_password("scope-demo-2025")
    assert EmailAddress.objects.get(user=chair).verified is True


def test_seed_committee_shares_institutions():
    seed()

    committee = CommitteeMembership.objects.values("user")
    current = Affiliation.objects.filter(user__in=committee, end_year__isnull=True)
    people_per_domain = Counter(current.values_list("email_domain", flat=True))
    shared = {domain for domain, people in people_per_domain.items() if people >= 2}
    assert len(shared) >= 5
    chair_domains = set(
        current.filter(user__memberships__role="chair").values_list("email_domain", flat=True)
    )
    assert {"intel.com", "unc.edu", "cmu.edu", "gatech.edu"} <= chair_domains & shared


def test_seed_historical_uses_real_2025_dates():
    seed("--historical")

    conference = Conference.objects.get(slug="scope2025")
    submission = conference.deadlines.get(kind=Deadline.Kind.SUBMISSION)
    assert (submission.local_date, submission.local_time, submission.zone) == (
        date(2025, 2, 3),
        time(23, 59),
        AOE,
    )
    assert submission.stated == "2025-02-03 23:59 AoE"
    assert submission.due_at == datetime(2025, 2, 4, 11, 59, 59, tzinfo=UTC)
    camera_ready = conference.deadlines.get(kind=Deadline.Kind.CAMERA_READY)
    assert camera_ready.local_date == date(2025, 3, 27)
    first_session = conference.sessions.first()
    assert first_session.starts_at == datetime(
        2025, 4, 27, 8, 30, tzinfo=ZoneInfo("Asia/Singapore")
    )


def test_seed_default_dates_start_a_week_ahead():
    seed()

    submission = Deadline.objects.get(kind=Deadline.Kind.SUBMISSION)
    assert submission.local_date == date(2025, 1, 17)
    first_session = ProgramSession.objects.order_by("starts_at").first()
    assert first_session.starts_at.astimezone(ZoneInfo("Asia/Singapore")).date() == date(
        2025, 4, 10
    )


def test_seed_historical_after_default_moves_program_to_real_day():
    seed()

    seed("--historical")

    days = {
        s.starts_at.astimezone(ZoneInfo("Asia/Singapore")).date()
        for s in ProgramSession.objects.all()
    }
    assert days == {date(2025, 4, 27)}
    assert ProgramSession.objects.count() == 12
